/**
 * The CRM's "list" as two connections, `expenses` and `incomes`, with every CRM filter (year, month,
 * word, did, do/nodo) plus category-with-descendants, account, counterparty and a plan-date range.
 */
import { requireDateRange } from '../../domain/dates.js';
import { InvalidInputError } from '../../domain/errors.js';
import { requirePrintable } from '../../domain/text.js';
import type { EntryKind, Prisma } from '../../generated/prisma/client.js';
import { builder, PAGING } from '../builder.js';
import type { Context } from '../context.js';
import { decodeIdOf } from '../global-id.js';
import { containsText } from '../search-text.js';
import { EntryInterface, ExpenseType, IncomeType } from './entry.js';
import { describedValues, EntryKindEnum } from './enums.js';

export const EntryFilterInput = builder.inputType('EntryFilter', {
  description: 'Every field narrows the list; omitted fields do not filter.',
  fields: (t) => ({
    year: t.int({ description: 'Period year. Defaults to the current year unless a plan-date range is given (CRM "year").' }),
    month: t.int({ description: 'Period month, 1–12 (CRM "month").' }),
    search: t.string({ description: 'Case-insensitive text in the title, description or invoice number (CRM "word").' }),
    dealRef: t.string({ description: 'Exact deal reference (CRM "did").' }),
    posted: t.boolean({ description: 'true: posted only (CRM "do"); false: not posted only ("nodo").' }),
    categoryId: t.id({ description: 'This category and every category below it.' }),
    accountId: t.id({ description: 'Only records on this account (global id).' }),
    counterpartyId: t.id({ description: 'Only records naming this supplier or partner (global id).' }),
    plannedFrom: t.field({ type: 'Date', description: 'Plan date on or after this day.' }),
    plannedTo: t.field({ type: 'Date', description: 'Plan date on or before this day.' }),
  }),
});

const EntryOrderFieldEnum = builder.enumType('EntryOrderField', {
  description: 'What a list of expenses or incomes is ordered by; ties are broken by id.',
  values: describedValues(['CREATED_AT', 'PLANNED_DATE', 'PERIOD', 'AMOUNT', 'TITLE'] as const, {
    CREATED_AT: 'When the record was created.',
    PLANNED_DATE: 'The planned date; records without one come last.',
    PERIOD: 'The period, by year then month.',
    AMOUNT: 'The amount.',
    TITLE: 'The title.',
  }),
});
const OrderDirectionEnum = builder.enumType('OrderDirection', {
  description: 'Ascending or descending.',
  values: describedValues(['ASC', 'DESC'] as const, { ASC: 'Smallest, earliest or A first.', DESC: 'Largest, latest or Z first.' }),
});

const EntryOrderInput = builder.inputType('EntryOrder', {
  description: 'How to order a list of expenses or incomes.',
  fields: (t) => ({
    field: t.field({ type: EntryOrderFieldEnum, required: true, description: 'What to order by.' }),
    direction: t.field({ type: OrderDirectionEnum, defaultValue: 'DESC', description: 'Which way; descending by default.' }),
  }),
});

type EntryFilter = typeof EntryFilterInput.$inferInput;
type EntryOrder = typeof EntryOrderInput.$inferInput;

const MIN_YEAR = 1900;
const MAX_YEAR = 9999;

/** The `where` for a list: always the viewer's organization; filter mistakes are typed errors. */
async function entryWhere(ctx: Context, kind: EntryKind | undefined, filter: EntryFilter | null | undefined): Promise<Prisma.EntryWhereInput> {
  const f = filter ?? {};
  if (f.month != null && (f.month < 1 || f.month > 12)) {
    throw new InvalidInputError(`month must be between 1 and 12 (got ${f.month})`, 'filter.month');
  }
  if (f.year != null && (f.year < MIN_YEAR || f.year > MAX_YEAR)) {
    throw new InvalidInputError(`year must be between ${MIN_YEAR} and ${MAX_YEAR} (got ${f.year})`, 'filter.year');
  }
  if (f.plannedFrom && f.plannedTo) requireDateRange(f.plannedFrom, f.plannedTo, { from: 'filter.plannedFrom', to: 'filter.plannedTo' });
  const hasDateRange = Boolean(f.plannedFrom || f.plannedTo);
  const year = f.year ?? (hasDateRange ? undefined : new Date().getUTCFullYear());
  const where: Prisma.EntryWhereInput = { organizationId: ctx.viewer.organizationId };
  if (kind) where.kind = kind;
  if (year !== undefined) where.periodYear = year;
  if (f.month != null) where.periodMonth = f.month;
  // PostgreSQL text cannot hold NUL: refuse it as bad input instead of failing in the driver.
  if (f.dealRef != null) where.dealRef = requirePrintable(f.dealRef, 'filter.dealRef');
  if (f.posted != null) where.posted = f.posted;
  if (f.accountId != null) where.accountId = decodeIdOf('Account', f.accountId, 'filter.accountId');
  if (f.counterpartyId != null) where.counterpartyId = decodeIdOf('Counterparty', f.counterpartyId, 'filter.counterpartyId');
  if (f.categoryId != null) {
    const categoryId = decodeIdOf('Category', f.categoryId, 'filter.categoryId');
    where.categoryId = { in: (await ctx.loaders.categoryTree()).subtreeIds(categoryId) };
  }
  if (hasDateRange) {
    where.plannedDate = { ...(f.plannedFrom ? { gte: f.plannedFrom } : {}), ...(f.plannedTo ? { lte: f.plannedTo } : {}) };
  }
  const search = f.search == null ? undefined : requirePrintable(f.search, 'filter.search').trim();
  if (search) {
    requirePrintable(search, 'filter.search');
    where.OR = [
      { title: containsText(search) },
      { description: containsText(search) },
      { invoiceNumber: containsText(search) },
    ];
  }
  return where;
}

/** Always ends with id so pages are stable when the ordered values tie. */
function entryOrderBy(order: EntryOrder | null | undefined): Prisma.EntryOrderByWithRelationInput[] {
  const direction = order?.direction === 'ASC' ? 'asc' : 'desc';
  switch (order?.field) {
    case 'PLANNED_DATE':
      return [{ plannedDate: { sort: direction, nulls: 'last' } }, { id: direction }];
    case 'PERIOD':
      return [{ periodYear: direction }, { periodMonth: direction }, { id: direction }];
    case 'AMOUNT':
      return [{ amountMinor: direction }, { id: direction }];
    case 'TITLE':
      return [{ title: direction }, { id: direction }];
    default:
      return [{ createdAt: direction }, { id: direction }];
  }
}

for (const [fieldName, kind, type] of [
  ['expenses', 'EXPENSE', ExpenseType],
  ['incomes', 'INCOME', IncomeType],
] as const) {
  builder.queryField(fieldName, (t) =>
    t.prismaConnection({
      type,
      cursor: 'id',
      ...PAGING,
      description: `CRM "list" of ${fieldName}. Default order: newest first.`,
      args: {
        filter: t.arg({ type: EntryFilterInput, description: 'Only records matching this; all when omitted.' }),
        orderBy: t.arg({ type: EntryOrderInput, description: 'The order of the list; most recently created first when omitted.' }),
      },
      resolve: async (query, _root, args, ctx) =>
        ctx.db.entry.findMany({ ...query, where: await entryWhere(ctx, kind, args.filter), orderBy: entryOrderBy(args.orderBy) }),
      totalCount: async (_root, args, ctx) => ctx.db.entry.count({ where: await entryWhere(ctx, kind, args.filter) }),
    }),
  );
}

builder.prismaObjectField('Account', 'entries', (t) =>
  t.relatedConnection('entries', {
    type: EntryInterface,
    cursor: 'id',
    ...PAGING,
    description: 'Expenses and incomes on this account, newest first.',
    args: { kind: t.arg({ type: EntryKindEnum, description: 'Only expenses (EXPENSE) or only incomes (INCOME); both when omitted.' }) },
    query: (args) => ({
      where: args.kind ? { kind: args.kind } : {},
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    }),
    totalCount: true,
  }),
);

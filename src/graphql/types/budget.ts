import { budgetStatus, utilization } from '../../domain/budget-rules.js';
import { isoDay, periodBuckets } from '../../domain/budget-periods.js';
import { InvalidInputError } from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { ALLOCATION_KINDS } from '../../services/budgets/allocation-kinds.js';
import { createBudget, deleteBudget, updateBudget } from '../../services/budgets/budgets.js';
import { builder, PAGING } from '../builder.js';
import { decodeIdOf } from '../global-id.js';
import { defineMutation } from '../mutation.js';
import { deletedPayload, recordPayload } from '../payloads.js';
import { EmployeeType } from './allocation-targets.js';
import { BudgetGranularityEnum, BudgetOptionEnum, BudgetStatusEnum, BudgetTypeEnum } from './budget-enums.js';

const BudgetPeriodSpend = builder
  .objectRef<{ periodStart: Date; start: Date; end: Date; spent: string }>('BudgetPeriodSpend')
  .implement({
    description: "Spend in one month, quarter or year of the budget's window.",
    fields: (t) => ({
      periodStart: t.expose('periodStart', { type: 'Date', description: 'First day of the calendar period.' }),
      start: t.expose('start', { type: 'Date', description: 'First day of the period inside the window.' }),
      end: t.expose('end', { type: 'Date', description: 'Last day of the period inside the window.' }),
      spent: t.expose('spent', { type: 'Decimal', description: "Spend dated from `start` to `end`, in the budget's currency, e.g. \"1250.00\"; \"0.00\" for a period without spend." }),
    }),
  });

/** Spend fields read the request's spend loader: a page of budgets costs one spend query. */
const SPEND_SELECT = { id: true, limitMinor: true, currency: true, config: true } as const;

export const BudgetType = builder.prismaNode('Budget', {
  id: { field: 'id' },
  description: 'A spend limit over a date window, optionally in a group, with alert and freeze options.',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The budget\'s name, e.g. "Marketing Q2".' }),
    externalId: t.exposeString('externalId', { nullable: true, description: 'The id of this budget in the ERP it is synced from (upsertBudgets); unique in the organization; null when none.' }),
    type: t.expose('type', {
      type: BudgetTypeEnum,
      description: 'GLOBAL or EMPLOYEE, as the spend-management platform classifies budgets; spend is counted the same way for both.',
    }),
    granularity: t.expose('granularity', { type: BudgetGranularityEnum, description: 'The size of the buckets of `spendByPeriod`: month, quarter or year.' }),
    dateFrom: t.expose('dateFrom', { type: 'Date', description: 'First day of the budget\'s window, YYYY-MM-DD, inclusive.' }),
    dateTo: t.expose('dateTo', { type: 'Date', description: 'Last day of the budget\'s window, YYYY-MM-DD, inclusive; never before dateFrom.' }),
    config: t.field({
      type: [BudgetOptionEnum],
      description: 'The options switched on (SPEND_ALERTS, AUTO_FREEZE), in that order; empty when none.',
      select: { config: true },
      resolve: (budget) => budget.config,
    }),
    currency: t.exposeString('currency', { description: 'ISO 4217 code, fixed at creation; the limit, spend and every amount charged to the budget are in it.' }),
    limit: t.field({
      type: 'Decimal',
      description: 'How much may be spent in the window, in `currency` with its decimals, e.g. "5000.00"; zero or more.',
      select: { limitMinor: true, currency: true },
      resolve: (budget) => formatMoney(budget.limitMinor, budget.currency),
    }),
    budgetGroup: t.relation('budgetGroup', { nullable: true, description: 'The group the budget belongs to; null when ungrouped.' }),
    employees: t.field({
      type: [EmployeeType],
      description: 'The employees allocated to this budget (see budgetEmployees for their limits).',
      select: { budgetEmployees: { include: { employee: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
      resolve: (budget) => budget.budgetEmployees.map((allocation) => allocation.employee),
    }),
    // budgetEmployees, budgetContractors, …: one relation per allocation kind.
    ...Object.fromEntries(
      ALLOCATION_KINDS.map((kind) => [
        kind.list,
        t.relation(kind.list as 'budgetEmployees', {
          description: `The budget's ${kind.model} allocations (at most one per ${kind.targetField}), oldest first.`,
          query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
        }),
      ]),
    ),
    budgetTransactions: t.relatedConnection('budgetTransactions', {
      description: 'The parts of external transactions charged to this budget, oldest first; only those dated inside the window count as spend.',
      cursor: 'id',
      ...PAGING,
      totalCount: true,
      query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    }),
    alerts: t.relation('alerts', {
      description: 'SPEND_ALERTS crossings, oldest first.',
      query: { orderBy: [{ createdAt: 'asc' }, { thresholdPercent: 'asc' }] },
    }),
    spent: t.field({
      type: 'Decimal',
      description: "Posted expenses linked to the budget plus its budget transactions, dated inside the window, in the budget's currency.",
      select: SPEND_SELECT,
      resolve: async (budget, _args, ctx) => formatMoney(await ctx.loaders.budgetSpent.load(budget.id), budget.currency),
    }),
    remaining: t.field({
      type: 'Decimal',
      description: 'limit − spent; negative once the budget is exceeded.',
      select: SPEND_SELECT,
      resolve: async (budget, _args, ctx) =>
        formatMoney(budget.limitMinor - (await ctx.loaders.budgetSpent.load(budget.id)), budget.currency),
    }),
    utilization: t.string({
      nullable: true,
      description: 'spent / limit as an exact decimal string with 4 places ("0.8125" = 81.25 %); null when the limit is 0.',
      select: SPEND_SELECT,
      resolve: async (budget, _args, ctx) => utilization(await ctx.loaders.budgetSpent.load(budget.id), budget.limitMinor),
    }),
    status: t.field({
      type: BudgetStatusEnum,
      description: 'Where `spent` stands against `limit`, computed on read, so a new limit or window applies at once.',
      select: SPEND_SELECT,
      resolve: async (budget, _args, ctx) =>
        budgetStatus(await ctx.loaders.budgetSpent.load(budget.id), budget.limitMinor, budget.config.includes('AUTO_FREEZE')),
    }),
    spendByPeriod: t.field({
      type: [BudgetPeriodSpend],
      description: 'Spend per granularity bucket (month, quarter or year) across the whole window, including empty buckets.',
      select: { ...SPEND_SELECT, dateFrom: true, dateTo: true, granularity: true },
      resolve: async (budget, _args, ctx) => {
        const spend = new Map((await ctx.loaders.budgetSpendByPeriod.load(budget.id)).map((row) => [row.periodStart, row.spentMinor]));
        return periodBuckets(budget.dateFrom, budget.dateTo, budget.granularity).map((bucket) => ({
          ...bucket,
          spent: formatMoney(spend.get(isoDay(bucket.periodStart)) ?? 0n, budget.currency),
        }));
      },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the budget was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the budget itself (not its spend) was last changed.' }),
  }),
});

const BudgetFilter = builder.inputType('BudgetFilter', {
  description: 'Which budgets to list. The given fields combine with AND; an omitted field does not filter.',
  fields: (t) => ({
    type: t.field({ type: BudgetTypeEnum, description: 'Only budgets of this type.' }),
    budgetGroupId: t.id({ description: 'Only the budgets of this group (its global id).' }),
    dateFrom: t.field({
      type: 'Date',
      description: 'Budgets whose window ends on or after this day. With dateTo: budgets whose window overlaps [dateFrom, dateTo].',
    }),
    dateTo: t.field({ type: 'Date', description: 'Budgets whose window starts on or before this day. With dateFrom: see dateFrom.' }),
    externalId: t.string({ description: 'Only the budget with this ERP id (exact match).' }),
  }),
});

function budgetWhere(
  organizationId: string,
  filter:
    | { type?: 'GLOBAL' | 'EMPLOYEE' | null; budgetGroupId?: string | null; dateFrom?: Date | null; dateTo?: Date | null; externalId?: string | null }
    | null
    | undefined,
): Prisma.BudgetWhereInput {
  return {
    organizationId,
    ...(filter?.type ? { type: filter.type } : {}),
    ...(filter?.budgetGroupId ? { budgetGroupId: decodeIdOf('BudgetGroup', filter.budgetGroupId, 'filter.budgetGroupId') } : {}),
    // Overlap: the window starts before the range ends and ends after the range starts.
    ...(filter?.dateTo ? { dateFrom: { lte: filter.dateTo } } : {}),
    ...(filter?.dateFrom ? { dateTo: { gte: filter.dateFrom } } : {}),
    ...(filter?.externalId != null ? { externalId: filter.externalId.trim() } : {}),
  };
}

builder.queryField('budgets', (t) =>
  t.prismaConnection({
    description: 'The organization\'s budgets, oldest first.',
    type: 'Budget',
    cursor: 'id',
    ...PAGING,
    args: { filter: t.arg({ type: BudgetFilter, description: 'Only budgets matching this; all when omitted.' }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.budget.findMany({
        ...query,
        where: budgetWhere(ctx.viewer.organizationId, args.filter),
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
    totalCount: (_root, args, ctx) => ctx.db.budget.count({ where: budgetWhere(ctx.viewer.organizationId, args.filter) }),
  }),
);

const budgetPayload = recordPayload('budget', 'Budget', 'budgetId');

defineMutation({
  name: 'createBudget',
  description: 'Creates a budget: a limit in one currency over a date window, optionally in a group, with SPEND_ALERTS and/or AUTO_FREEZE.',
  input: (t) => ({
    name: t.string({ required: true, description: 'The name; trimmed, 1–500 characters.' }),
    type: t.string({ required: true, description: 'GLOBAL or EMPLOYEE ("global" is accepted too).' }),
    granularity: t.string({ required: true, description: 'MONTH, QUARTER or YEAR ("month" is accepted too).' }),
    dateFrom: t.field({ type: 'Date', required: true, description: 'First day of the window, YYYY-MM-DD, inclusive.' }),
    dateTo: t.field({ type: 'Date', required: true, description: 'Inclusive; not before dateFrom.' }),
    budgetGroupId: t.id({ description: 'The group to put the budget in (global id); omit for an ungrouped budget.' }),
    config: t.stringList({ description: 'SPEND_ALERTS and/or AUTO_FREEZE ("spend_alerts", "auto-freeze" are accepted too).' }),
    limit: t.field({ type: 'Decimal', required: true, description: 'In `currency`; 0 or more.' }),
    currency: t.string({ required: true, description: 'ISO 4217, e.g. "EUR"; fixed once created.' }),
    externalId: t.string({ description: 'The id in the ERP this budget is synced from: trimmed, 1–200 characters, unique in the organization (DUPLICATE otherwise). Omit for none.' }),
  }),
  ids: { budgetGroupId: 'BudgetGroup' },
  idempotent: true,
  service: createBudget,
  payload: (budget) => ({ budgetId: budget.id }),
  success: budgetPayload,
});

defineMutation({
  name: 'updateBudget',
  description:
    'Changes a budget. An AUTO_FREEZE budget is judged as changed: a limit below what it has already spent, a wider window ' +
    'taking in more spend than the limit, or AUTO_FREEZE turned on over the limit is BUDGET_OVER_LIMIT and changes nothing. ' +
    'The limit may go down to exactly the spend (the budget is then FROZEN). Without AUTO_FREEZE any limit is taken (EXCEEDED).',
  inputDescription: 'Partial: an omitted field is kept; budgetGroupId: null takes the budget out of its group. The currency is fixed.',
  input: (t) => ({
    id: t.id({ required: true, description: 'The global id of the budget to change.' }),
    name: t.string({ description: 'The new name; trimmed, 1–500 characters. Omitted or null: kept.' }),
    type: t.string({ description: 'GLOBAL or EMPLOYEE (case, "-" and "_" do not matter). Omitted or null: kept.' }),
    granularity: t.string({ description: 'MONTH, QUARTER or YEAR (case does not matter). Omitted or null: kept.' }),
    dateFrom: t.field({ type: 'Date', description: 'The new first day of the window. Omitted or null: kept. The resulting window must not end before it starts.' }),
    dateTo: t.field({ type: 'Date', description: 'The new last day of the window, inclusive. Omitted or null: kept.' }),
    budgetGroupId: t.id({ description: 'Move the budget to this group (global id). Omitted: kept; null: ungrouped.' }),
    config: t.stringList({ description: 'Replaces the whole list; [] turns every option off.' }),
    limit: t.field({ type: 'Decimal', description: 'The new limit in the budget\'s currency, zero or more. Omitted or null: kept.' }),
    externalId: t.string({ description: 'The ERP id: trimmed, 1–200 characters, unique in the organization (DUPLICATE otherwise). Omitted: kept; null: cleared.' }),
  }),
  ids: { id: 'Budget', budgetGroupId: 'BudgetGroup' },
  service: updateBudget,
  payload: (budget) => ({ budgetId: budget.id }),
  success: budgetPayload,
});

defineMutation({
  name: 'deleteBudget',
  description:
    'Deletes a budget with its allocations, budget transactions and alerts. Linked expenses stay, unlinked; the external transactions stay, and what their deleted parts held is free to split again.',
  input: (t) => ({ id: t.id({ required: true, description: 'The global id of the budget to delete.' }) }),
  ids: { id: 'Budget' },
  service: deleteBudget,
  alsoDeclares: [InvalidInputError],
  payload: (_budget, input) => ({ deletedId: input.id }),
  success: deletedPayload(),
});

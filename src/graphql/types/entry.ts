/**
 * Expense and income records (CRM "расход" / "доход"): one `Entry` table, two GraphQL types sharing
 * the `Entry` interface. Each is a Node with its own global id type, so `node(id:)` answers an
 * Expense or an Income, and an expense id can never be passed where an income is expected.
 */
import type { Entry } from '../../generated/prisma/client.js';
import { formatMoney } from '../../domain/money.js';
import { builder } from '../builder.js';
import { encodeGlobalId } from '../global-id.js';
import { ChangelogEventType } from './changelog-event.js';
import { CounterpartyType } from './counterparty.js';
import { EntryKindEnum } from './enums.js';

interface Period {
  year: number;
  month: number;
}

const PeriodType = builder.objectRef<Period>('Period').implement({
  description: 'The month a record belongs to (CRM "period", e.g. "2.2024").',
  fields: (t) => ({
    year: t.exposeInt('year', { description: 'The calendar year, e.g. 2024.' }),
    month: t.exposeInt('month', { description: '1–12' }),
    label: t.string({ description: 'As the CRM shows it: "month.year".', resolve: (period) => `${period.month}.${period.year}` }),
  }),
});

const today = () => new Date().toISOString().slice(0, 10);

export const EntryInterface = builder.prismaInterface('Entry', {
  interfaces: [builder.nodeInterfaceRef()],
  description: 'What expenses and incomes share. Amounts are in the currency of the record\'s account.',
  resolveType: (entry) => (entry.kind === 'EXPENSE' ? 'Expense' : 'Income'),
  fields: (t) => ({
    title: t.exposeString('title', { description: 'What the record is for, e.g. "Office rent March" (CRM "title").' }),
    description: t.exposeString('description', { nullable: true, description: 'Free text about the record (CRM "des"); null when none was given.' }),
    type: t.expose('kind', { type: EntryKindEnum, description: 'EXPENSE ("rashod") or INCOME ("dohod").' }),
    amount: t.field({
      type: 'Decimal',
      description: 'How much, greater than zero, in the account\'s currency with its decimals, e.g. "12665.00" (CRM "summa"). The direction is in `type`, not in a sign.',
      select: { amountMinor: true, account: { select: { currency: true } } },
      resolve: (entry) => formatMoney(entry.amountMinor, entry.account.currency),
    }),
    currency: t.string({
      description: 'The ISO 4217 code of the record\'s account, e.g. "RUB"; `amount` is in it.',
      select: { account: { select: { currency: true } } }, resolve: (entry) => entry.account.currency }),
    account: t.relation('account', { description: 'The account the money moves on (CRM "rs", list column "istochnik").' }),
    category: t.relation('category', { nullable: true, description: 'The category of the same kind the record is filed under (CRM "cat"); null when uncategorised.' }),
    period: t.field({
      type: PeriodType,
      description: 'The month the record belongs to: the month of `plannedDate`; a record created without one gets its month of creation, and clearing the plan date later keeps the period it had.',
      select: { periodYear: true, periodMonth: true },
      resolve: (entry) => ({ year: entry.periodYear, month: entry.periodMonth }),
    }),
    plannedDate: t.expose('plannedDate', { type: 'Date', nullable: true, description: 'CRM "date_plan".' }),
    isOverdue: t.boolean({
      description: 'Not posted and its plan date is before today (UTC).',
      select: { posted: true, plannedDate: true },
      resolve: (entry) => !entry.posted && entry.plannedDate !== null && entry.plannedDate.toISOString().slice(0, 10) < today(),
    }),
    invoiceNumber: t.exposeString('invoiceNumber', { nullable: true, description: 'The supplier invoice\'s number.' }),
    invoiceDate: t.expose('invoiceDate', { type: 'Date', nullable: true, description: 'The date of the supplier invoice, YYYY-MM-DD (CRM "invoice_date"); null when not given.' }),
    invoicePaidDate: t.expose('invoicePaidDate', { type: 'Date', nullable: true, description: 'The day the supplier invoice was paid, YYYY-MM-DD (CRM "invoice_paydate"); null when not given or not paid.' }),
    dealRef: t.exposeString('dealRef', { nullable: true, description: 'The deal this record belongs to (CRM "did").' }),
    counterparty: t.relation('counterparty', { nullable: true, description: 'The supplier or partner the record names (CRM "clid"); null when none. See also `supplier` and `partner`.' }),
    supplier: t.field({
      type: CounterpartyType,
      nullable: true,
      description: 'The counterparty when it is a supplier (CRM "conid" / "provider").',
      select: { counterparty: true },
      resolve: (entry) => (entry.counterparty?.kind === 'SUPPLIER' ? entry.counterparty : null),
    }),
    partner: t.field({
      type: CounterpartyType,
      nullable: true,
      description: 'The counterparty when it is a partner (CRM "partid" / "partner").',
      select: { counterparty: true },
      resolve: (entry) => (entry.counterparty?.kind === 'PARTNER' ? entry.counterparty : null),
    }),
    posted: t.exposeBoolean('posted', { description: 'CRM "do".' }),
    postedAt: t.expose('postedAt', { type: 'DateTime', nullable: true, description: 'When the record was last posted; null while not posted.' }),
    author: t.relation('author', { nullable: true, description: 'Who created the record; null for system actions (demo seeding, CLI imports).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the record was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'CRM "datum".' }),
    budget: t.relation('budget', { nullable: true, description: 'The budget this expense counts against, if any.' }),
    budgetId: t.id({
      nullable: true,
      description: 'The global id of the budget this expense counts against, if any.',
      select: { budgetId: true },
      resolve: (entry) => (entry.budgetId ? encodeGlobalId('Budget', entry.budgetId) : null),
    }),
    attachments: t.relation('attachments', {
      description: 'Files attached to this record (CRM "fid" / "files"), oldest first.',
      query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    }),
    changelog: t.field({
      type: [ChangelogEventType],
      description: 'Every change to this record, oldest first.',
      resolve: (entry, _args, ctx) => ctx.loaders.changelog.load(entry.id),
    }),
  }),
});

function entryNode(kind: Entry['kind'], name: 'Expense' | 'Income', description: string) {
  return builder.prismaNode('Entry', {
    variant: name,
    description,
    interfaces: [EntryInterface],
    id: { field: 'id' },
    // Another organization's record, or a record of the other kind, resolves like a missing one.
    nullable: true,
    findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId, kind }),
    fields: () => ({}),
  });
}

export const ExpenseType = entryNode('EXPENSE', 'Expense', 'Money going out (CRM "расход"). Posting it needs funds on its account.');
export const IncomeType = entryNode('INCOME', 'Income', 'Money coming in (CRM "доход").');

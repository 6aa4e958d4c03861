import { InvalidInputError } from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import { requirePrintable } from '../../domain/text.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { createTransaction, deleteTransaction, updateTransaction } from '../../services/budgets/external-transactions.js';
import { builder, PAGING } from '../builder.js';
import { decodeIdOf } from '../global-id.js';
import { defineMutation } from '../mutation.js';
import { deletedPayload, recordPayload } from '../payloads.js';
import { TransactionDirectionEnum, TransactionTypeEnum } from './budget-enums.js';

builder.prismaNode('Transaction', {
  id: { field: 'id' },
  description: 'An external transaction from an ERP or a bank (generic, income or project transaction).',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    type: t.expose('type', { type: TransactionTypeEnum, description: 'GENERIC, INCOME or PROJECT: which of the platform\'s transaction lists it belongs to; only PROJECT ones link to a project.' }),
    externalId: t.exposeString('externalId', { description: 'The id in the source system; unique per organization, makes imports idempotent.' }),
    date: t.expose('date', { type: 'Date', description: 'The booking date, YYYY-MM-DD; its budget parts count as spend of budgets whose window holds it.' }),
    amount: t.field({
      type: 'Decimal',
      description: 'How much, always greater than zero, in `currency` with its decimals, e.g. "480.00"; `direction` says which way.',
      select: { amountMinor: true, currency: true }, resolve: (row) => formatMoney(row.amountMinor, row.currency) }),
    currency: t.exposeString('currency', { description: 'ISO 4217 code, e.g. "EUR"; budgets it is charged to are in the same currency.' }),
    direction: t.expose('direction', { type: TransactionDirectionEnum, description: 'DEBIT: money left; CREDIT: money came in.' }),
    counterparty: t.exposeString('counterpartyName', {
      nullable: true,
      description: 'The other party as the source system named it, free text (not a Counterparty object); null when not given.',
    }),
    description: t.exposeString('description', { nullable: true, description: 'Free text from the source system; null when not given.' }),
    project: t.relation('project', { nullable: true, description: 'The project of a PROJECT transaction; null otherwise, or when the project was deleted.' }),
    allocated: t.field({
      type: 'Decimal',
      description: 'The part of the amount charged to budgets by its budget transactions.',
      select: { currency: true, budgetTransactions: { select: { amountMinor: true } } },
      resolve: (row) => formatMoney(row.budgetTransactions.reduce((sum, part) => sum + part.amountMinor, 0n), row.currency),
    }),
    budgetTransactions: t.relation('budgetTransactions', {
      description: 'The parts of this transaction charged to budgets, oldest first; together at most `amount`.',
      query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    }),
    attachments: t.relation('attachments', {
      description: 'Files attached to this transaction (receipts, invoices), oldest first.',
      query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the transaction was stored in Allot (created or imported).' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the transaction was last changed in Allot.' }),
  }),
});

const TransactionFilter = builder.inputType('TransactionFilter', {
  description: 'Which transactions to list. The given fields combine with AND; an omitted field does not filter.',
  fields: (t) => ({
    unassigned: t.boolean({ description: 'true: only transactions linked to no budget; false: only those linked to one.' }),
    type: t.field({ type: TransactionTypeEnum, description: 'INCOME lists income transactions, PROJECT project transactions.' }),
    direction: t.field({ type: TransactionDirectionEnum, description: 'Only money out (DEBIT) or only money in (CREDIT).' }),
    projectId: t.id({ description: 'Only the transactions of this project (global id).' }),
    dateFrom: t.field({ type: 'Date', description: 'Inclusive.' }),
    dateTo: t.field({ type: 'Date', description: 'Inclusive.' }),
    externalId: t.string({ description: 'Only the transaction with exactly this id from the source system (case-sensitive).' }),
  }),
});

type TransactionFilterShape = typeof TransactionFilter.$inferInput;

function transactionWhere(organizationId: string, filter: TransactionFilterShape | null | undefined): Prisma.TransactionWhereInput {
  if (!filter) return { organizationId };
  const date: Prisma.DateTimeFilter = {};
  if (filter.dateFrom) date.gte = filter.dateFrom;
  if (filter.dateTo) date.lte = filter.dateTo;
  return {
    organizationId,
    ...(filter.unassigned === true ? { budgetTransactions: { none: {} } } : {}),
    ...(filter.unassigned === false ? { budgetTransactions: { some: {} } } : {}),
    ...(filter.type ? { type: filter.type } : {}),
    ...(filter.direction ? { direction: filter.direction } : {}),
    ...(filter.projectId ? { projectId: decodeIdOf('Project', filter.projectId, 'filter.projectId') } : {}),
    ...(filter.externalId ? { externalId: requirePrintable(filter.externalId, 'filter.externalId') } : {}),
    ...(filter.dateFrom || filter.dateTo ? { date } : {}),
  };
}

builder.queryField('transactions', (t) =>
  t.prismaConnection({
    type: 'Transaction',
    cursor: 'id',
    ...PAGING,
    description: 'Newest first. filter: {unassigned: true} lists the transactions not yet linked to any budget.',
    args: { filter: t.arg({ type: TransactionFilter, description: 'Only transactions matching this; all when omitted.' }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.transaction.findMany({
        ...query,
        where: transactionWhere(ctx.viewer.organizationId, args.filter),
        orderBy: [{ date: 'desc' }, { id: 'asc' }],
      }),
    totalCount: (_root, args, ctx) => ctx.db.transaction.count({ where: transactionWhere(ctx.viewer.organizationId, args.filter) }),
  }),
);

const transactionPayload = recordPayload('transaction', 'Transaction', 'transactionId');

defineMutation({
  name: 'createTransaction',
  description: 'Records one external transaction; a second one with the same externalId is DUPLICATE. For files use importTransactions.',
  input: (t) => ({
    externalId: t.string({ required: true, description: 'The id in the source system; trimmed, 1–200 characters, unique in the organization.' }),
    date: t.field({ type: 'Date', required: true, description: 'The booking date, YYYY-MM-DD.' }),
    amount: t.field({ type: 'Decimal', required: true, description: 'Positive; direction says which way the money went.' }),
    currency: t.string({ required: true, description: 'ISO 4217, e.g. "EUR".' }),
    description: t.string({ description: 'Free text, at most 10 000 characters.' }),
    direction: t.string({ required: true, description: 'DEBIT (money out) or CREDIT (money in).' }),
    counterparty: t.string({ description: 'The other party\'s name as free text, at most 500 characters.' }),
    type: t.string({ description: 'GENERIC (default), INCOME or PROJECT.' }),
    projectId: t.id({ description: 'PROJECT transactions only.' }),
  }),
  ids: { projectId: 'Project' },
  idempotent: true,
  service: createTransaction,
  serviceInput: (input) => ({ ...input, counterpartyName: input.counterparty }),
  payload: (transaction) => ({ transactionId: transaction.id }),
  success: transactionPayload,
});

defineMutation({
  name: 'updateTransaction',
  description:
    'Changes a transaction. While it is charged to budgets its currency cannot change and its amount cannot drop below the parts; a new date re-charges the budgets whose window it enters or leaves.',
  inputDescription: 'Partial: an omitted field is kept; description, counterparty, projectId: null clears them.',
  input: (t) => ({
    id: t.id({ required: true, description: 'The global id of the transaction to change.' }),
    externalId: t.string({ description: 'A new source-system id; trimmed, 1–200 characters, not used by another transaction. Omitted or null: kept.' }),
    date: t.field({ type: 'Date', description: 'The new booking date, YYYY-MM-DD. Omitted or null: kept.' }),
    amount: t.field({ type: 'Decimal', description: 'The new amount, greater than zero, in the (new) currency. Omitted or null: kept.' }),
    currency: t.string({ description: 'A new ISO 4217 code; refused (CURRENCY_MISMATCH) while the transaction is charged to budgets. Omitted or null: kept.' }),
    description: t.string({ description: 'Free text, at most 10 000 characters. Omitted: kept; null or blank: cleared.' }),
    direction: t.string({ description: 'DEBIT or CREDIT. Omitted or null: kept.' }),
    counterparty: t.string({ description: 'The other party\'s name, at most 500 characters. Omitted: kept; null or blank: cleared.' }),
    type: t.string({ description: 'GENERIC, INCOME or PROJECT; a project stays only on PROJECT. Omitted or null: kept.' }),
    projectId: t.id({ description: 'The project (global id), for a PROJECT transaction. Omitted: kept; null: cleared.' }),
  }),
  ids: { id: 'Transaction', projectId: 'Project' },
  service: updateTransaction,
  serviceInput: (input) => ({ ...input, counterpartyName: input.counterparty }),
  payload: (transaction) => ({ transactionId: transaction.id }),
  success: transactionPayload,
});

defineMutation({
  name: 'deleteTransaction',
  description: 'Deletes a transaction with its attachments; refused while budget transactions charge it to budgets.',
  input: (t) => ({ id: t.id({ required: true, description: 'The global id of the transaction to delete.' }) }),
  ids: { id: 'Transaction' },
  service: deleteTransaction,
  serviceInput: (input, ctx) => ({ id: input.id, storage: ctx.attachments }),
  alsoDeclares: [InvalidInputError],
  payload: (_transaction, input) => ({ deletedId: input.id }),
  success: deletedPayload(),
});

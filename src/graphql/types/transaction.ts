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
    type: t.expose('type', { type: TransactionTypeEnum }),
    externalId: t.exposeString('externalId', { description: 'The id in the source system; unique per organization, makes imports idempotent.' }),
    date: t.expose('date', { type: 'Date' }),
    amount: t.field({ type: 'Decimal', select: { amountMinor: true, currency: true }, resolve: (row) => formatMoney(row.amountMinor, row.currency) }),
    currency: t.exposeString('currency'),
    direction: t.expose('direction', { type: TransactionDirectionEnum }),
    counterparty: t.exposeString('counterpartyName', { nullable: true }),
    description: t.exposeString('description', { nullable: true }),
    project: t.relation('project', { nullable: true }),
    allocated: t.field({
      type: 'Decimal',
      description: 'The part of the amount charged to budgets by its budget transactions.',
      select: { currency: true, budgetTransactions: { select: { amountMinor: true } } },
      resolve: (row) => formatMoney(row.budgetTransactions.reduce((sum, part) => sum + part.amountMinor, 0n), row.currency),
    }),
    budgetTransactions: t.relation('budgetTransactions', { query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } }),
    attachments: t.relation('attachments', { query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const TransactionFilter = builder.inputType('TransactionFilter', {
  fields: (t) => ({
    unassigned: t.boolean({ description: 'true: only transactions linked to no budget; false: only those linked to one.' }),
    type: t.field({ type: TransactionTypeEnum, description: 'INCOME lists income transactions, PROJECT project transactions.' }),
    direction: t.field({ type: TransactionDirectionEnum }),
    projectId: t.id(),
    dateFrom: t.field({ type: 'Date', description: 'Inclusive.' }),
    dateTo: t.field({ type: 'Date', description: 'Inclusive.' }),
    externalId: t.string(),
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
  input: (t) => ({
    externalId: t.string({ required: true }),
    date: t.field({ type: 'Date', required: true }),
    amount: t.field({ type: 'Decimal', required: true, description: 'Positive; direction says which way the money went.' }),
    currency: t.string({ required: true }),
    description: t.string(),
    direction: t.string({ required: true, description: 'DEBIT (money out) or CREDIT (money in).' }),
    counterparty: t.string(),
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
  inputDescription: 'Partial: an omitted field is kept; description, counterparty, projectId: null clears them.',
  input: (t) => ({
    id: t.id({ required: true }),
    externalId: t.string(),
    date: t.field({ type: 'Date' }),
    amount: t.field({ type: 'Decimal' }),
    currency: t.string(),
    description: t.string(),
    direction: t.string(),
    counterparty: t.string(),
    type: t.string(),
    projectId: t.id(),
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
  input: (t) => ({ id: t.id({ required: true }) }),
  ids: { id: 'Transaction' },
  service: deleteTransaction,
  serviceInput: (input, ctx) => ({ id: input.id, storage: ctx.attachments }),
  alsoDeclares: [InvalidInputError],
  payload: (_transaction, input) => ({ deletedId: input.id }),
  success: deletedPayload(),
});

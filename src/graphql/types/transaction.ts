import {
  AllocationExceededError,
  BudgetFrozenError,
  CurrencyMismatchError,
  DuplicateError,
  InvalidAmountError,
  TransactionInUseError,
  UnknownCurrencyError,
  UnknownValueError,
} from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import { requirePrintable } from '../../domain/text.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { createTransaction, deleteTransaction, updateTransaction } from '../../services/transactions.js';
import { withIdempotency } from '../../services/idempotency.js';
import { builder, PAGING } from '../builder.js';
import { decodeIdOf, decodeOptionalIdOf } from '../global-id.js';
import { IDEMPOTENCY_ERRORS, idempotencyKeyField } from '../idempotency.js';
import { TransactionDirectionEnum, TransactionTypeEnum } from './budget-enums.js';
import { COMMON_ERRORS } from './errors.js';

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
    args: { filter: t.arg({ type: TransactionFilter }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.transaction.findMany({
        ...query,
        where: transactionWhere(ctx.viewer.organizationId, args.filter),
        orderBy: [{ date: 'desc' }, { id: 'asc' }],
      }),
    totalCount: (_root, args, ctx) => ctx.db.transaction.count({ where: transactionWhere(ctx.viewer.organizationId, args.filter) }),
  }),
);

function transactionPayload(name: string) {
  return builder.objectRef<{ transactionId: string }>(name).implement({
    fields: (t) => ({
      transaction: t.prismaField({
        type: 'Transaction',
        resolve: (query, payload, _args, ctx) => ctx.db.transaction.findUniqueOrThrow({ ...query, where: { id: payload.transactionId } }),
      }),
    }),
  });
}

const CreateTransactionInput = builder.inputType('CreateTransactionInput', {
  fields: (t) => ({
    externalId: t.string({ required: true }),
    date: t.field({ type: 'Date', required: true }),
    amount: t.field({ type: 'Decimal', required: true, description: 'Positive; direction says which way the money went.' }),
    currency: t.string({ required: true }),
    description: t.string(),
    direction: t.string({ required: true, description: 'DEBIT (money out) or CREDIT (money in).' }),
    counterparty: t.string(),
    type: t.string({ description: 'GENERIC (default), INCOME or PROJECT.' }),
    projectId: t.id({ description: 'PROJECT transactions only.' }),
    idempotencyKey: idempotencyKeyField(t),
  }),
});

const TRANSACTION_INPUT_ERRORS = [...COMMON_ERRORS, UnknownCurrencyError, UnknownValueError, InvalidAmountError, DuplicateError];

builder.mutationField('createTransaction', (t) =>
  t.field({
    type: transactionPayload('CreateTransactionSuccess'),
    args: { input: t.arg({ type: CreateTransactionInput, required: true }) },
    errors: { types: [...TRANSACTION_INPUT_ERRORS, ...IDEMPOTENCY_ERRORS] },
    resolve: (_root, { input }, ctx) =>
      withIdempotency(ctx, 'createTransaction', input, async (db) => {
        const { idempotencyKey: _key, ...fields } = input;
        const transaction = await createTransaction(db, ctx.viewer, {
          ...fields,
          counterpartyName: input.counterparty,
          projectId: decodeOptionalIdOf('Project', input.projectId, 'projectId'),
        });
        return { transactionId: transaction.id };
      }),
  }),
);

const UpdateTransactionInput = builder.inputType('UpdateTransactionInput', {
  description: 'Partial: an omitted field is kept; description, counterparty, projectId: null clears them.',
  fields: (t) => ({
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
});

builder.mutationField('updateTransaction', (t) =>
  t.field({
    type: transactionPayload('UpdateTransactionSuccess'),
    args: { input: t.arg({ type: UpdateTransactionInput, required: true }) },
    errors: { types: [...TRANSACTION_INPUT_ERRORS, CurrencyMismatchError, AllocationExceededError, BudgetFrozenError] },
    resolve: async (_root, { input }, ctx) => {
      const transaction = await updateTransaction(ctx.db, ctx.viewer, {
        ...input,
        id: decodeIdOf('Transaction', input.id, 'id'),
        counterpartyName: input.counterparty,
        projectId: decodeOptionalIdOf('Project', input.projectId, 'projectId'),
      });
      // A new date can move spend in or out of budget windows.
      ctx.loaders.forgetBudgetSpend();
      return { transactionId: transaction.id };
    },
  }),
);

const DeleteTransactionInput = builder.inputType('DeleteTransactionInput', { fields: (t) => ({ id: t.id({ required: true }) }) });
const DeleteTransactionSuccess = builder.objectRef<{ deletedId: string }>('DeleteTransactionSuccess').implement({
  fields: (t) => ({ deletedId: t.exposeID('deletedId') }),
});

builder.mutationField('deleteTransaction', (t) =>
  t.field({
    type: DeleteTransactionSuccess,
    description: 'Deletes a transaction with its attachments; refused while budget transactions charge it to budgets.',
    args: { input: t.arg({ type: DeleteTransactionInput, required: true }) },
    errors: { types: [...COMMON_ERRORS, TransactionInUseError] },
    resolve: async (_root, { input }, ctx) => {
      await deleteTransaction(ctx.db, ctx.viewer, { id: decodeIdOf('Transaction', input.id, 'id') }, ctx.attachments);
      return { deletedId: input.id };
    },
  }),
);


import {
  AllocationExceededError,
  BudgetFrozenError,
  CurrencyMismatchError,
  InvalidAmountError,
} from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { createBudgetTransaction, deleteBudgetTransaction, updateBudgetTransaction } from '../../services/budget-transactions.js';
import { withIdempotency } from '../../services/idempotency.js';
import { builder, PAGING } from '../builder.js';
import { decodeIdOf, decodeOptionalIdOf } from '../global-id.js';
import { IDEMPOTENCY_ERRORS, idempotencyKeyField } from '../idempotency.js';
import { COMMON_ERRORS } from './errors.js';

builder.prismaNode('BudgetTransaction', {
  id: { field: 'id' },
  description: 'The part of an external transaction charged to a budget, optionally on behalf of an employee.',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    budget: t.relation('budget'),
    transaction: t.relation('transaction'),
    employee: t.relation('employee', { nullable: true }),
    amount: t.field({
      type: 'Decimal',
      description: "In the transaction's currency, which is the budget's.",
      select: { amountMinor: true, transaction: { select: { currency: true } } },
      resolve: (part) => formatMoney(part.amountMinor, part.transaction.currency),
    }),
    currency: t.string({ select: { transaction: { select: { currency: true } } }, resolve: (part) => part.transaction.currency }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const BudgetTransactionFilter = builder.inputType('BudgetTransactionFilter', {
  fields: (t) => ({ budgetId: t.id(), transactionId: t.id(), employeeId: t.id() }),
});

function partWhere(organizationId: string, filter: typeof BudgetTransactionFilter.$inferInput | null | undefined): Prisma.BudgetTransactionWhereInput {
  return {
    organizationId,
    ...(filter?.budgetId ? { budgetId: decodeIdOf('Budget', filter.budgetId, 'filter.budgetId') } : {}),
    ...(filter?.transactionId ? { transactionId: decodeIdOf('Transaction', filter.transactionId, 'filter.transactionId') } : {}),
    ...(filter?.employeeId ? { employeeId: decodeIdOf('Employee', filter.employeeId, 'filter.employeeId') } : {}),
  };
}

builder.queryField('budgetTransactions', (t) =>
  t.prismaConnection({
    type: 'BudgetTransaction',
    cursor: 'id',
    ...PAGING,
    args: { filter: t.arg({ type: BudgetTransactionFilter }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.budgetTransaction.findMany({ ...query, where: partWhere(ctx.viewer.organizationId, args.filter), orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    totalCount: (_root, args, ctx) => ctx.db.budgetTransaction.count({ where: partWhere(ctx.viewer.organizationId, args.filter) }),
  }),
);

function partPayload(name: string) {
  return builder.objectRef<{ budgetTransactionId: string }>(name).implement({
    fields: (t) => ({
      budgetTransaction: t.prismaField({
        type: 'BudgetTransaction',
        resolve: (query, payload, _args, ctx) =>
          ctx.db.budgetTransaction.findUniqueOrThrow({ ...query, where: { id: payload.budgetTransactionId } }),
      }),
    }),
  });
}

const SPEND_ERRORS = [...COMMON_ERRORS, InvalidAmountError, CurrencyMismatchError, AllocationExceededError, BudgetFrozenError];

const CreateBudgetTransactionInput = builder.inputType('CreateBudgetTransactionInput', {
  fields: (t) => ({
    budgetId: t.id({ required: true }),
    transactionId: t.id({ required: true }),
    employeeId: t.id(),
    amount: t.field({ type: 'Decimal', required: true, description: "In the transaction's currency, which must be the budget's." }),
    idempotencyKey: idempotencyKeyField(t),
  }),
});

builder.mutationField('createBudgetTransaction', (t) =>
  t.field({
    type: partPayload('CreateBudgetTransactionSuccess'),
    args: { input: t.arg({ type: CreateBudgetTransactionInput, required: true }) },
    errors: { types: [...SPEND_ERRORS, ...IDEMPOTENCY_ERRORS] },
    resolve: async (_root, { input }, ctx) => {
      const outcome = await withIdempotency(ctx, 'createBudgetTransaction', input, async (db) => {
        const part = await createBudgetTransaction(db, ctx.viewer, {
          budgetId: decodeIdOf('Budget', input.budgetId, 'budgetId'),
          transactionId: decodeIdOf('Transaction', input.transactionId, 'transactionId'),
          employeeId: decodeOptionalIdOf('Employee', input.employeeId, 'employeeId'),
          amount: input.amount,
        });
        return { budgetTransactionId: part.id };
      });
      ctx.loaders.forgetBudgetSpend();
      return outcome;
    },
  }),
);

const UpdateBudgetTransactionInput = builder.inputType('UpdateBudgetTransactionInput', {
  description: 'Partial: omitted fields are kept; employeeId: null removes the employee.',
  fields: (t) => ({
    id: t.id({ required: true }),
    budgetId: t.id(),
    employeeId: t.id(),
    amount: t.field({ type: 'Decimal' }),
  }),
});

builder.mutationField('updateBudgetTransaction', (t) =>
  t.field({
    type: partPayload('UpdateBudgetTransactionSuccess'),
    args: { input: t.arg({ type: UpdateBudgetTransactionInput, required: true }) },
    errors: { types: SPEND_ERRORS },
    resolve: async (_root, { input }, ctx) => {
      const part = await updateBudgetTransaction(ctx.db, ctx.viewer, {
        id: decodeIdOf('BudgetTransaction', input.id, 'id'),
        budgetId: decodeOptionalIdOf('Budget', input.budgetId, 'budgetId') ?? undefined,
        employeeId: decodeOptionalIdOf('Employee', input.employeeId, 'employeeId'),
        amount: input.amount,
      });
      ctx.loaders.forgetBudgetSpend();
      return { budgetTransactionId: part.id };
    },
  }),
);

const DeleteBudgetTransactionInput = builder.inputType('DeleteBudgetTransactionInput', { fields: (t) => ({ id: t.id({ required: true }) }) });
const DeleteBudgetTransactionSuccess = builder.objectRef<{ deletedId: string }>('DeleteBudgetTransactionSuccess').implement({
  fields: (t) => ({ deletedId: t.exposeID('deletedId') }),
});

builder.mutationField('deleteBudgetTransaction', (t) =>
  t.field({
    type: DeleteBudgetTransactionSuccess,
    description: "Removes the part and its spend from the budget; the transaction's amount becomes free to split again.",
    args: { input: t.arg({ type: DeleteBudgetTransactionInput, required: true }) },
    errors: { types: COMMON_ERRORS },
    resolve: async (_root, { input }, ctx) => {
      await deleteBudgetTransaction(ctx.db, ctx.viewer, { id: decodeIdOf('BudgetTransaction', input.id, 'id') });
      ctx.loaders.forgetBudgetSpend();
      return { deletedId: input.id };
    },
  }),
);

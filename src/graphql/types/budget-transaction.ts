import { InvalidInputError } from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { createBudgetTransaction, deleteBudgetTransaction, updateBudgetTransaction } from '../../services/budgets/budget-transactions.js';
import { builder, PAGING } from '../builder.js';
import { decodeIdOf } from '../global-id.js';
import { defineMutation } from '../mutation.js';
import { deletedPayload, recordPayload } from '../payloads.js';

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
    description: 'The organization\'s budget transactions (parts of transactions charged to budgets), oldest first.',
    type: 'BudgetTransaction',
    cursor: 'id',
    ...PAGING,
    args: { filter: t.arg({ type: BudgetTransactionFilter, description: 'Only budget transactions matching this; all when omitted.' }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.budgetTransaction.findMany({ ...query, where: partWhere(ctx.viewer.organizationId, args.filter), orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    totalCount: (_root, args, ctx) => ctx.db.budgetTransaction.count({ where: partWhere(ctx.viewer.organizationId, args.filter) }),
  }),
);

const partPayload = recordPayload('budgetTransaction', 'BudgetTransaction', 'budgetTransactionId');

defineMutation({
  name: 'createBudgetTransaction',
  input: (t) => ({
    budgetId: t.id({ required: true }),
    transactionId: t.id({ required: true }),
    employeeId: t.id(),
    amount: t.field({ type: 'Decimal', required: true, description: "In the transaction's currency, which must be the budget's." }),
  }),
  ids: { budgetId: 'Budget', transactionId: 'Transaction', employeeId: 'Employee' },
  idempotent: true,
  service: createBudgetTransaction,
  payload: (part) => ({ budgetTransactionId: part.id }),
  success: partPayload,
});

defineMutation({
  name: 'updateBudgetTransaction',
  inputDescription: 'Partial: omitted fields are kept; employeeId: null removes the employee.',
  input: (t) => ({
    id: t.id({ required: true }),
    budgetId: t.id(),
    employeeId: t.id(),
    amount: t.field({ type: 'Decimal' }),
  }),
  ids: { id: 'BudgetTransaction', budgetId: 'Budget', employeeId: 'Employee' },
  service: updateBudgetTransaction,
  alsoDeclares: [InvalidInputError],
  payload: (part) => ({ budgetTransactionId: part.id }),
  success: partPayload,
});

defineMutation({
  name: 'deleteBudgetTransaction',
  description: "Removes the part and its spend from the budget; the transaction's amount becomes free to split again.",
  input: (t) => ({ id: t.id({ required: true }) }),
  ids: { id: 'BudgetTransaction' },
  service: deleteBudgetTransaction,
  alsoDeclares: [InvalidInputError],
  payload: (_part, input) => ({ deletedId: input.id }),
  success: deletedPayload(),
});

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
    budget: t.relation('budget', { description: 'The budget this part is charged to.' }),
    transaction: t.relation('transaction', { description: 'The external transaction this is a part of; its date decides whether the part counts as spend.' }),
    employee: t.relation('employee', {
      nullable: true,
      description: 'The employee the spend was made on behalf of; null when none, or when that employee was deleted.',
    }),
    amount: t.field({
      type: 'Decimal',
      description: "In the transaction's currency, which is the budget's.",
      select: { amountMinor: true, transaction: { select: { currency: true } } },
      resolve: (part) => formatMoney(part.amountMinor, part.transaction.currency),
    }),
    currency: t.string({
      description: "The transaction's ISO 4217 code, which is the budget's.",
      select: { transaction: { select: { currency: true } } },
      resolve: (part) => part.transaction.currency,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the part was charged.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the part was last changed (budget, employee or amount).' }),
  }),
});

const BudgetTransactionFilter = builder.inputType('BudgetTransactionFilter', {
  description: 'Which budget transactions to list. The given fields combine with AND; an omitted field does not filter.',
  fields: (t) => ({
    budgetId: t.id({ description: 'Only the parts charged to this budget (global id).' }),
    transactionId: t.id({ description: 'Only the parts of this external transaction (global id).' }),
    employeeId: t.id({ description: 'Only the parts made on behalf of this employee (global id).' }),
  }),
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
  description:
    'Charges part of an external transaction to a budget. The parts of one transaction never add up to more than it (ALLOCATION_EXCEEDED); an AUTO_FREEZE budget refuses spend past its limit (BUDGET_FROZEN).',
  input: (t) => ({
    budgetId: t.id({ required: true, description: 'The budget to charge (global id); in the transaction\'s currency.' }),
    transactionId: t.id({ required: true, description: 'The external transaction to take the part from (global id).' }),
    employeeId: t.id({ description: 'The employee the spend was made on behalf of (global id); omit for none.' }),
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
  description:
    'Moves a part to another budget and/or changes its amount or employee. A move takes the old amount off the old budget and charges the new amount to the new one.',
  inputDescription: 'Partial: omitted fields are kept; employeeId: null removes the employee.',
  input: (t) => ({
    id: t.id({ required: true, description: 'The global id of the budget transaction to change.' }),
    budgetId: t.id({ description: 'Move the part to this budget (global id), in the transaction\'s currency. Omitted or null: kept.' }),
    employeeId: t.id({ description: 'The employee on whose behalf (global id). Omitted: kept; null: none.' }),
    amount: t.field({ type: 'Decimal', description: 'The new amount in the transaction\'s currency, greater than zero. Omitted or null: kept.' }),
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
  input: (t) => ({ id: t.id({ required: true, description: 'The global id of the budget transaction to delete.' }) }),
  ids: { id: 'BudgetTransaction' },
  service: deleteBudgetTransaction,
  alsoDeclares: [InvalidInputError],
  payload: (_part, input) => ({ deletedId: input.id }),
  success: deletedPayload(),
});

/**
 * Budget transactions: the part of an external transaction charged to a budget, optionally on
 * behalf of an employee. Rules:
 * - the part is in the transaction's currency, which must be the budget's (CURRENCY_MISMATCH);
 * - the parts of one transaction across budgets never add up to more than the transaction's amount
 *   (ALLOCATION_EXCEEDED). The transaction row is locked first, so concurrent splits of one
 *   transaction run one after another and cannot together overshoot;
 * - every create, update and delete is written inside changeSpend (spend.ts), which judges the
 *   budgets' spend after it, so AUTO_FREEZE and SPEND_ALERTS apply the same way as for ledger
 *   postings, and several parts of one transaction in one budget count together. Alerts are
 *   emitted, delivered once the transaction commits.
 * Lock order: the transaction row, then budget rows in id order.
 */
import {
  AllocationExceededError,
  BudgetFrozenError,
  CurrencyMismatchError,
  InvalidAmountError,
  NotFoundError,
  TotalOutOfRangeError,
} from '../../domain/errors.js';
import { formatMoney, parseMoney } from '../../domain/money.js';
import type { Budget, BudgetTransaction, Transaction } from '../../generated/prisma/client.js';
import { diffFields, recordChange } from '../core/changelog.js';
import { rethrowMissingReference } from '../core/database-errors.js';
import { emitBudgetAlerts } from '../core/events.js';
import { lockBudget, lockTransaction } from '../core/row-locks.js';
import { service } from '../core/service.js';
import type { Tx } from '../core/unit-of-work.js';
import type { Viewer } from '../core/viewer.js';
import { findEmployee } from './allocation-targets.js';
import { changeSpend } from './spend.js';

/** Refuses a part that would take the transaction's parts past its amount. */
async function requireRoomInTransaction(tx: Tx, transaction: Transaction, amountMinor: bigint, exceptPartId?: string): Promise<void> {
  const others = await tx.budgetTransaction.aggregate({
    where: { transactionId: transaction.id, ...(exceptPartId ? { NOT: { id: exceptPartId } } : {}) },
    _sum: { amountMinor: true },
  });
  const allocated = others._sum.amountMinor ?? 0n;
  if (allocated + amountMinor > transaction.amountMinor) {
    const money = (minor: bigint) => `${formatMoney(minor, transaction.currency)} ${transaction.currency}`;
    throw new AllocationExceededError(
      `Transaction ${transaction.externalId} is ${money(transaction.amountMinor)}; ${money(allocated)} is already charged to budgets, ` +
        `so at most ${money(transaction.amountMinor - allocated)} is left, not ${money(amountMinor)}`,
      'amount',
    );
  }
}

async function requireSameCurrency(tx: Tx, viewer: Viewer, budgetId: string, transaction: Transaction): Promise<Budget> {
  const budget = await lockBudget(tx, viewer, budgetId, 'budgetId');
  if (budget.currency !== transaction.currency) {
    throw new CurrencyMismatchError(
      `Budget "${budget.name}" is in ${budget.currency}; transaction ${transaction.externalId} is in ${transaction.currency}`,
      'budgetId',
    );
  }
  return budget;
}

export interface CreateBudgetTransactionInput {
  budgetId: string;
  transactionId: string;
  employeeId?: string | null;
  /** Decimal string in the transaction's (= the budget's) currency. */
  amount: string;
}

/** Refusals of a spend change to a budget transaction. */
const SPEND_ERRORS = [NotFoundError, InvalidAmountError, CurrencyMismatchError, AllocationExceededError, BudgetFrozenError, TotalOutOfRangeError];

/**
 * NotFoundError: the budget, transaction or employee. InvalidAmountError: zero, negative or
 * over-precise amount. CurrencyMismatchError: the budget is in another currency than the
 * transaction. AllocationExceededError: the parts of the transaction would exceed its amount.
 * BudgetFrozenError: an AUTO_FREEZE budget would pass its limit. TotalOutOfRangeError: the
 * budget's spend would pass the largest total.
 */
export const createBudgetTransaction = service(
  SPEND_ERRORS,
  async (uow, input: CreateBudgetTransactionInput): Promise<BudgetTransaction> => {
    const { tx, viewer } = uow;
    const transaction = await lockTransaction(tx, viewer, input.transactionId);
    const amountMinor = parseMoney(input.amount, transaction.currency, 'amount', 'positive');
    const budget = await requireSameCurrency(tx, viewer, input.budgetId, transaction);
    if (input.employeeId) await findEmployee(tx, viewer, input.employeeId, 'employeeId');
    await requireRoomInTransaction(tx, transaction, amountMinor);
    const { result: part, alerts } = await changeSpend(tx, viewer, [input.budgetId], () =>
      tx.budgetTransaction.create({
        data: {
          organizationId: viewer.organizationId,
          budgetId: input.budgetId,
          transactionId: transaction.id,
          employeeId: input.employeeId ?? null,
          amountMinor,
        },
      }).catch(rethrowMissingReference), // the employee was deleted since it was found
    );
    await recordChange(tx, viewer, {
      entityType: 'BudgetTransaction',
      entityId: part.id,
      action: 'NEW',
      comment: `${formatMoney(amountMinor, transaction.currency)} ${transaction.currency} of ${transaction.externalId} to "${budget.name}"`,
    });
    emitBudgetAlerts(uow, alerts);
    return part;
  },
);

async function findPart(tx: Tx, viewer: Viewer, id: string): Promise<BudgetTransaction> {
  const part = await tx.budgetTransaction.findFirst({ where: { id, organizationId: viewer.organizationId } });
  if (!part) throw new NotFoundError('BudgetTransaction', 'id');
  return part;
}

/** The part re-read once its transaction is locked: a concurrent call may have changed or deleted it. */
async function relockedPart(tx: Tx, id: string): Promise<BudgetTransaction> {
  const part = await tx.budgetTransaction.findUnique({ where: { id } });
  if (!part) throw new NotFoundError('BudgetTransaction', 'id');
  return part;
}

/** Partial: omitted fields are kept; employeeId: null removes the employee. */
export interface UpdateBudgetTransactionInput {
  id: string;
  budgetId?: string | null;
  employeeId?: string | null;
  amount?: string | null;
}

/**
 * Moves the part to another budget and/or changes its amount or employee. A move takes the amount
 * off the old budget and charges the new amount to the new one. NotFoundError: the budget
 * transaction, new budget or employee.
 */
export const updateBudgetTransaction = service(
  SPEND_ERRORS,
  async (uow, input: UpdateBudgetTransactionInput): Promise<BudgetTransaction> => {
    const { tx, viewer } = uow;
    const found = await findPart(tx, viewer, input.id);
    const transaction = await lockTransaction(tx, viewer, found.transactionId);
    const before = await relockedPart(tx, found.id);
    const budgetId = input.budgetId ?? before.budgetId;
    const amountMinor = input.amount == null ? before.amountMinor : parseMoney(input.amount, transaction.currency, 'amount', 'positive');
    if (input.employeeId) await findEmployee(tx, viewer, input.employeeId, 'employeeId');
    // Both budgets in id order; a missing new budget is reported on budgetId.
    for (const id of [...new Set([before.budgetId, budgetId])].sort()) await lockBudget(tx, viewer, id, id === budgetId ? 'budgetId' : 'id');
    if (budgetId !== before.budgetId) await requireSameCurrency(tx, viewer, budgetId, transaction);
    await requireRoomInTransaction(tx, transaction, amountMinor, before.id);

    const changes = diffFields(
      { budgetId: before.budgetId, employeeId: before.employeeId, amount: formatMoney(before.amountMinor, transaction.currency) },
      { budgetId, employeeId: input.employeeId, amount: formatMoney(amountMinor, transaction.currency) },
    );
    if (Object.keys(changes).length === 0) return before;
    // Both budgets are judged on the spend the move leaves: the old one loses the part, the new one gains it.
    const { result: part, alerts } = await changeSpend(tx, viewer, [before.budgetId, budgetId], () =>
      tx.budgetTransaction
        .update({ where: { id: before.id }, data: { budgetId, employeeId: input.employeeId, amountMinor } })
        .catch(rethrowMissingReference),
    );
    await recordChange(tx, viewer, { entityType: 'BudgetTransaction', entityId: part.id, action: 'UPDATED', changes });
    emitBudgetAlerts(uow, alerts);
    return part;
  },
);

/**
 * Removes the part and its spend from the budget. A negative charge is never frozen and the
 * currencies already match, so only NotFoundError remains.
 */
export const deleteBudgetTransaction = service(
  [NotFoundError],
  async ({ tx, viewer }, input: { id: string }): Promise<BudgetTransaction> => {
    const found = await findPart(tx, viewer, input.id);
    const transaction = await lockTransaction(tx, viewer, found.transactionId);
    const part = await relockedPart(tx, found.id);
    // Spend only goes down: no alert (alerts fire upwards only), never frozen.
    await changeSpend(tx, viewer, [part.budgetId], () => tx.budgetTransaction.delete({ where: { id: part.id } }));
    await recordChange(tx, viewer, {
      entityType: 'BudgetTransaction',
      entityId: part.id,
      action: 'DELETED',
      comment: `${formatMoney(part.amountMinor, transaction.currency)} ${transaction.currency} of ${transaction.externalId} off budget ${part.budgetId}`,
    });
    return part;
  },
);

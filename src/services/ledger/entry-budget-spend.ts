/**
 * Keeps budgets' spend right when a posted expense is edited: the old spend leaves the old budget
 * and the new spend joins the new one, in the editing transaction (see budget-spend.ts).
 */
import type { BudgetAlert, Entry } from '../../generated/prisma/client.js';
import { chargeBudget } from '../budgets/spend.js';
import { lockBudget, lockBudgets } from '../core/row-locks.js';
import { isInWindow, spendDate } from '../../domain/budget-spend.js';
import type { Tx } from '../core/unit-of-work.js';
import type { Viewer } from '../core/viewer.js';

/** The fields of a record that a client can set (all but identity, kind and posting state). */
export type EntryData = Pick<
  Entry,
  | 'title'
  | 'description'
  | 'categoryId'
  | 'accountId'
  | 'amountMinor'
  | 'periodYear'
  | 'periodMonth'
  | 'plannedDate'
  | 'invoiceNumber'
  | 'invoiceDate'
  | 'invoicePaidDate'
  | 'dealRef'
  | 'counterpartyId'
  | 'budgetId'
>;

/**
 * Writes the update of a posted expense while keeping its budgets' spend right: the old spend
 * leaves the old budget and the new spend joins the new one. Within one budget the change is
 * charged as one net delta, so an edit never re-fires an alert threshold the spend already passed.
 */
export async function writeWithBudgetRecharge(
  tx: Tx,
  viewer: Viewer,
  before: Entry,
  after: EntryData,
  currency: { before: string; after: string },
  write: () => Promise<Entry>,
): Promise<{ entry: Entry; alerts: BudgetAlert[] }> {
  const counts = before.posted && before.kind === 'EXPENSE';
  const oldBudgetId = counts ? before.budgetId : null;
  const newBudgetId = counts ? after.budgetId : null;
  if (!oldBudgetId && !newBudgetId) return { entry: await write(), alerts: [] };

  if (oldBudgetId && oldBudgetId === newBudgetId) {
    const budget = await lockBudget(tx, viewer, oldBudgetId);
    const oldIn = isInWindow(budget, spendDate(before)) ? before.amountMinor : 0n;
    const newIn = isInWindow(budget, spendDate(after)) ? after.amountMinor : 0n;
    const entry = await write();
    if (oldIn === newIn) return { entry, alerts: [] };
    const { alerts } = await chargeBudget(tx, viewer, {
      budgetId: oldBudgetId,
      deltaMinor: newIn - oldIn,
      currency: currency.after,
      date: newIn !== 0n ? spendDate(after) : spendDate(before),
      alreadyWritten: true,
    });
    return { entry, alerts };
  }

  // Lock both budgets now, in id order: the write's foreign key would otherwise take a KEY SHARE
  // lock on the new budget before chargeBudget asks for FOR UPDATE, and two such edits deadlock.
  await lockBudgets(tx, viewer, [oldBudgetId, newBudgetId].filter((id): id is string => Boolean(id)));
  if (oldBudgetId) {
    // Before the write, so the budget's current sum still includes this expense's old spend.
    await chargeBudget(tx, viewer, {
      budgetId: oldBudgetId,
      deltaMinor: -before.amountMinor,
      currency: currency.before,
      date: spendDate(before),
    });
  }
  const entry = await write();
  if (!newBudgetId) return { entry, alerts: [] };
  const { alerts } = await chargeBudget(tx, viewer, {
    budgetId: newBudgetId,
    deltaMinor: after.amountMinor,
    currency: currency.after,
    date: spendDate(after),
    alreadyWritten: true,
  });
  return { entry, alerts };
}

/**
 * Keeps budgets' spend right when a posted expense is edited: the old spend leaves the old budget
 * and the new spend joins the new one, in the editing transaction (see budgets/spend.ts).
 */
import type { BudgetAlert, Entry } from '../../generated/prisma/client.js';
import { changeSpend } from '../budgets/spend.js';
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
 * Writes the update of a posted expense while keeping its budgets' spend right: whatever moved
 * (amount, plan date, budget, account and currency), the old budget and the new one are judged on
 * the spend the update leaves, both locked before it (changeSpend). An unposted record or an
 * income counts against no budget and is simply written. Whether a new budget is in the record's
 * currency was checked when it was chosen (entry-references.ts `findBudgetFor`).
 */
export async function writeWithBudgetRecharge(
  tx: Tx,
  viewer: Viewer,
  before: Entry,
  after: EntryData,
  write: () => Promise<Entry>,
): Promise<{ entry: Entry; alerts: BudgetAlert[] }> {
  if (!before.posted || before.kind !== 'EXPENSE') return { entry: await write(), alerts: [] };
  const { result: entry, alerts } = await changeSpend(tx, viewer, [before.budgetId, after.budgetId], write);
  return { entry, alerts };
}

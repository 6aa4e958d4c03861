/**
 * Posting (CRM "doit") and unposting (CRM "undoit") of expense and income records.
 *
 * Posting moves the record's amount on its account: an expense takes it off (and needs the funds),
 * an income puts it on. Unposting is the reversal, written and logged as its own event; unposting
 * an income is refused when the account no longer holds the money. A posted expense linked to a
 * budget counts as that budget's spend, so posting and unposting charge the budget by ±amount in
 * the same transaction (which may refuse with BUDGET_FROZEN).
 *
 * Lock order everywhere: entry row, then account rows (id order), then the budget row.
 */
import { AlreadyPostedError, NotFoundError, NotPostedError } from '../domain/errors.js';
import { formatMoney } from '../domain/money.js';
import type { Db } from '../db/open.js';
import type { Account, BudgetAlert, Entry, EntryKind } from '../generated/prisma/client.js';
import { applyBalanceChanges } from './balances.js';
import { chargeBudget } from './budget-spend.js';
import { recordChange } from './changelog.js';
import { publishingAlerts } from './alert-bus.js';
import { inTransaction, type Tx } from './transaction.js';
import type { Viewer } from './viewer.js';

/** What a write did besides the record itself: budget alerts to publish once committed. */
export interface EntryResult {
  entry: Entry;
  alerts: BudgetAlert[];
}

export const KIND_NAME: Record<EntryKind, 'Expense' | 'Income'> = { EXPENSE: 'Expense', INCOME: 'Income' };
const KIND_WORD: Record<EntryKind, string> = { EXPENSE: 'expense', INCOME: 'income' };

/**
 * Loads a record of this organization and kind and locks its row until the transaction ends.
 * A record of the other kind answers NOT_FOUND, exactly like a missing one.
 */
export async function lockEntry(tx: Tx, viewer: Viewer, id: string, kind: EntryKind, field = 'id'): Promise<Entry> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Entry"
     WHERE id = ${id}::uuid AND "organizationId" = ${viewer.organizationId}::uuid AND kind = ${kind}::"EntryKind"
       FOR UPDATE`;
  if (rows.length === 0) throw new NotFoundError(KIND_NAME[kind], field);
  return tx.entry.findUniqueOrThrow({ where: { id } });
}

/** The signed change a posted record makes to its account's balance. */
export function balanceEffect(entry: Pick<Entry, 'kind' | 'amountMinor'>): bigint {
  return entry.kind === 'INCOME' ? entry.amountMinor : -entry.amountMinor;
}

/** The date a posted expense counts against a budget: its plan date, or the first day of its period. */
export function spendDate(entry: Pick<Entry, 'plannedDate' | 'periodYear' | 'periodMonth'>): Date {
  return entry.plannedDate ?? new Date(Date.UTC(entry.periodYear, entry.periodMonth - 1, 1));
}

function describeAmount(entry: Entry, account: Account): string {
  return `${formatMoney(entry.amountMinor, account.currency)} ${account.currency}`;
}

/**
 * Posts a record the caller has locked. Every refusal is thrown before the first write (funds and
 * closed account by `applyBalanceChanges`); BUDGET_FROZEN comes after writes and so aborts the
 * caller's transaction, which is what every caller wants.
 * @throws AlreadyPostedError, AccountClosedError, InsufficientFundsError, BudgetFrozenError, CurrencyMismatchError
 */
export async function postLockedEntry(tx: Tx, viewer: Viewer, entry: Entry): Promise<EntryResult> {
  if (entry.posted) throw new AlreadyPostedError(`This ${KIND_WORD[entry.kind]} is already posted`, 'id');
  const accounts = await applyBalanceChanges(
    tx,
    viewer,
    [{ accountId: entry.accountId, deltaMinor: balanceEffect(entry) }],
    `Posting this ${KIND_WORD[entry.kind]}`,
  );
  const posted = await tx.entry.update({ where: { id: entry.id }, data: { posted: true, postedAt: new Date() } });
  const account = accounts.get(entry.accountId)!;
  const alerts = await chargeLinkedBudget(tx, viewer, posted, account, posted.amountMinor);
  await recordChange(tx, viewer, {
    entityType: 'Entry',
    entityId: entry.id,
    action: 'POSTED',
    comment: `Posted ${KIND_WORD[entry.kind]} of ${describeAmount(entry, account)}`,
  });
  return { entry: posted, alerts };
}

/**
 * Reverses the posting of a record the caller has locked.
 * @throws NotPostedError, AccountClosedError, InsufficientFundsError (an income whose money is gone)
 */
export async function unpostLockedEntry(tx: Tx, viewer: Viewer, entry: Entry): Promise<EntryResult> {
  if (!entry.posted) throw new NotPostedError(`This ${KIND_WORD[entry.kind]} is not posted`, 'id');
  const accounts = await applyBalanceChanges(
    tx,
    viewer,
    [{ accountId: entry.accountId, deltaMinor: -balanceEffect(entry) }],
    `Unposting this ${KIND_WORD[entry.kind]}`,
  );
  const unposted = await tx.entry.update({ where: { id: entry.id }, data: { posted: false, postedAt: null } });
  const account = accounts.get(entry.accountId)!;
  const alerts = await chargeLinkedBudget(tx, viewer, unposted, account, -unposted.amountMinor);
  await recordChange(tx, viewer, {
    entityType: 'Entry',
    entityId: entry.id,
    action: 'UNPOSTED',
    comment: `Reversed the posting of ${KIND_WORD[entry.kind]} of ${describeAmount(entry, account)}`,
  });
  return { entry: unposted, alerts };
}

/** Charges a budget-linked expense's spend change, after the entry row has been written. */
async function chargeLinkedBudget(tx: Tx, viewer: Viewer, entry: Entry, account: Account, deltaMinor: bigint): Promise<BudgetAlert[]> {
  if (entry.kind !== 'EXPENSE' || !entry.budgetId) return [];
  const { alerts } = await chargeBudget(tx, viewer, {
    budgetId: entry.budgetId,
    deltaMinor,
    currency: account.currency,
    date: spendDate(entry),
    alreadyWritten: true,
  });
  return alerts;
}

/**
 * CRM "doit".
 * @throws NotFoundError, AlreadyPostedError, AccountClosedError, InsufficientFundsError,
 *         BudgetFrozenError, CurrencyMismatchError (budget in another currency)
 */
export async function postEntry(db: Db, viewer: Viewer, input: { id: string; kind: EntryKind }): Promise<EntryResult> {
  return publishingAlerts(db, inTransaction(db, async (tx) => postLockedEntry(tx, viewer, await lockEntry(tx, viewer, input.id, input.kind))));
}

/**
 * CRM "undoit". Unlike the CRM, unposting a record that is not posted is an error (NOT_POSTED), not
 * a success with a message: a client retrying blindly learns the state instead of guessing.
 * @throws NotFoundError, NotPostedError, AccountClosedError, InsufficientFundsError
 */
export async function unpostEntry(db: Db, viewer: Viewer, input: { id: string; kind: EntryKind }): Promise<EntryResult> {
  return publishingAlerts(db, inTransaction(db, async (tx) => unpostLockedEntry(tx, viewer, await lockEntry(tx, viewer, input.id, input.kind))));
}

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
import {
  AccountClosedError,
  AlreadyPostedError,
  BudgetFrozenError,
  CurrencyMismatchError,
  InsufficientFundsError,
  NotFoundError,
  NotPostedError,
  TotalOutOfRangeError,
} from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import type { Account, BudgetAlert, Entry, EntryKind } from '../../generated/prisma/client.js';
import { changeSpend } from '../budgets/spend.js';
import { recordChange } from '../core/changelog.js';
import { emitBudgetAlerts } from '../core/events.js';
import { lockEntry } from '../core/row-locks.js';
import { errorsOf, service } from '../core/service.js';
import type { Tx, UnitOfWork } from '../core/unit-of-work.js';
import type { Viewer } from '../core/viewer.js';
import { applyBalanceChanges } from './balances.js';

/** What a write did besides the record itself: the budget alerts it recorded. */
export interface EntryResult {
  entry: Entry;
  alerts: BudgetAlert[];
}

export const KIND_NAME: Record<EntryKind, 'Expense' | 'Income'> = { EXPENSE: 'Expense', INCOME: 'Income' };
const KIND_WORD: Record<EntryKind, string> = { EXPENSE: 'expense', INCOME: 'income' };

/** The signed change a posted record makes to its account's balance. */
export function balanceEffect(entry: Pick<Entry, 'kind' | 'amountMinor'>): bigint {
  return entry.kind === 'INCOME' ? entry.amountMinor : -entry.amountMinor;
}

/** What posting a record is called in refusals ("Posting this expense needs …"). */
export function postingWhat(kind: EntryKind): string {
  return `Posting this ${KIND_WORD[kind]}`;
}

/** The changelog comment of a posting. */
export function postedComment(entry: Pick<Entry, 'kind' | 'amountMinor'>, currency: string): string {
  return `Posted ${KIND_WORD[entry.kind]} of ${formatMoney(entry.amountMinor, currency)} ${currency}`;
}

function describeAmount(entry: Entry, account: Account): string {
  return `${formatMoney(entry.amountMinor, account.currency)} ${account.currency}`;
}

/**
 * Posts a record the caller has locked. Every refusal but the budget's is thrown before the first
 * write (funds, closed account and largest balance by `applyBalanceChanges`); BUDGET_FROZEN comes
 * after writes (the spend is judged as written) and so aborts the caller's transaction, which is
 * what every caller wants.
 */
export async function postLockedEntry(tx: Tx, viewer: Viewer, entry: Entry): Promise<EntryResult> {
  if (entry.posted) throw new AlreadyPostedError(`This ${KIND_WORD[entry.kind]} is already posted`, 'id');
  const accounts = await applyBalanceChanges(
    tx,
    viewer,
    [{ accountId: entry.accountId, deltaMinor: balanceEffect(entry) }],
    postingWhat(entry.kind),
  );
  const account = accounts.get(entry.accountId)!;
  const { result: posted, alerts } = await changeSpend(
    tx,
    viewer,
    countedBudget(entry),
    () => tx.entry.update({ where: { id: entry.id }, data: { posted: true, postedAt: new Date() } }),
    { currency: account.currency },
  );
  await recordChange(tx, viewer, {
    entityType: 'Entry',
    entityId: entry.id,
    action: 'POSTED',
    nodeType: KIND_NAME[entry.kind],
    comment: postedComment(entry, account.currency),
  });
  return { entry: posted, alerts };
}

/** What posting a locked record can refuse with (the account's funds and state, the budget's). */
export const POST_ERRORS = [AlreadyPostedError, AccountClosedError, InsufficientFundsError, BudgetFrozenError, CurrencyMismatchError, TotalOutOfRangeError];

/**
 * Reverses the posting of a record the caller has locked. InsufficientFundsError: an income whose
 * money is gone.
 */
export async function unpostLockedEntry(tx: Tx, viewer: Viewer, entry: Entry): Promise<EntryResult> {
  if (!entry.posted) throw new NotPostedError(`This ${KIND_WORD[entry.kind]} is not posted`, 'id');
  const accounts = await applyBalanceChanges(
    tx,
    viewer,
    [{ accountId: entry.accountId, deltaMinor: -balanceEffect(entry) }],
    `Unposting this ${KIND_WORD[entry.kind]}`,
  );
  const account = accounts.get(entry.accountId)!;
  const { result: unposted, alerts } = await changeSpend(tx, viewer, countedBudget(entry), () =>
    tx.entry.update({ where: { id: entry.id }, data: { posted: false, postedAt: null } }),
  );
  await recordChange(tx, viewer, {
    entityType: 'Entry',
    entityId: entry.id,
    action: 'UNPOSTED',
    nodeType: KIND_NAME[entry.kind],
    comment: `Reversed the posting of ${KIND_WORD[entry.kind]} of ${describeAmount(entry, account)}`,
  });
  return { entry: unposted, alerts };
}

/** The budget whose spend a record's posting changes: an expense's own, if it has one. */
export function countedBudget(entry: Pick<Entry, 'kind' | 'budgetId'>): string[] {
  return entry.kind === 'EXPENSE' && entry.budgetId ? [entry.budgetId] : [];
}

/**
 * CRM "doit". CurrencyMismatchError: the linked budget is in another currency. An income only adds
 * money: it cannot lack funds or meet a budget (`postIncome.errors` says so).
 */
export const postExpense = service(
  errorsOf([NotFoundError], POST_ERRORS),
  async (uow, input: { id: string }): Promise<EntryResult> => postAndAnnounce(uow, input.id, 'EXPENSE'),
);
export const postIncome = service(
  [NotFoundError, AlreadyPostedError, AccountClosedError, TotalOutOfRangeError],
  async (uow, input: { id: string }): Promise<EntryResult> => postAndAnnounce(uow, input.id, 'INCOME'),
);

/** Posts and announces the alerts the posting recorded (delivered after commit). */
async function postAndAnnounce(uow: UnitOfWork, id: string, kind: EntryKind): Promise<EntryResult> {
  const result = await postLockedEntry(uow.tx, uow.viewer, await lockEntry(uow.tx, uow.viewer, id, kind));
  emitBudgetAlerts(uow, result.alerts);
  return result;
}

/**
 * CRM "undoit". Unlike the CRM, unposting a record that is not posted is an error (NOT_POSTED), not
 * a success with a message: a client retrying blindly learns the state instead of guessing.
 * Putting money back can pass the largest balance (TOTAL_OUT_OF_RANGE).
 * Unposting an expense puts money back; unposting an income whose money is gone is
 * INSUFFICIENT_FUNDS. Taking spend off a budget never refuses.
 */
export const unpostExpense = service(
  [NotFoundError, NotPostedError, AccountClosedError, TotalOutOfRangeError],
  async ({ tx, viewer }, input: { id: string }): Promise<EntryResult> => unpostLockedEntry(tx, viewer, await lockEntry(tx, viewer, input.id, 'EXPENSE')),
);
export const unpostIncome = service(
  [NotFoundError, NotPostedError, AccountClosedError, InsufficientFundsError],
  async ({ tx, viewer }, input: { id: string }): Promise<EntryResult> => unpostLockedEntry(tx, viewer, await lockEntry(tx, viewer, input.id, 'INCOME')),
);

/** Either kind, named by `input.kind` (the seed, tests); the mutations use the per-kind operations. */
export const postEntry = service(errorsOf(postExpense, postIncome), (uow, input: { id: string; kind: EntryKind }) =>
  input.kind === 'EXPENSE' ? postExpense(uow, input) : postIncome(uow, input),
);
export const unpostEntry = service(errorsOf(unpostExpense, unpostIncome), (uow, input: { id: string; kind: EntryKind }) =>
  input.kind === 'EXPENSE' ? unpostExpense(uow, input) : unpostIncome(uow, input),
);

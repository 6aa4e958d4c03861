/**
 * The one place that changes `Account.balanceMinor`, but for a record created posted, whose insert
 * moves the balance in its own statement (./entry-insert.ts) after `checkBalanceChange` here.
 * Postings, unpostings, re-postings of edited records, transfers and their cancellation all
 * describe their effect as signed deltas per account and apply them here, inside their own
 * transaction, so the running balance always equals opening + posted incomes − posted expenses ±
 * posted transfers.
 *
 * Accounts are locked in id order (core/row-locks.ts says why, and why FOR NO KEY UPDATE): two
 * operations touching the same two accounts (e.g. transfers in opposite directions) always lock
 * them in the same order.
 * Every check runs before the first write, so a refusal leaves the transaction clean: a caller may
 * catch InsufficientFundsError and carry on (create-and-post saves the record unposted).
 */
import { AccountClosedError, InsufficientFundsError, TotalOutOfRangeError } from '../../domain/errors.js';
import { formatMoney, MAX_TOTAL_MINOR } from '../../domain/money.js';
import type { Account } from '../../generated/prisma/client.js';
import { lockAccounts } from '../core/row-locks.js';
import type { Tx } from '../core/unit-of-work.js';
import type { Viewer } from '../core/viewer.js';

export interface BalanceChange {
  accountId: string;
  /** Signed minor units: positive puts money on the account, negative takes it off. */
  deltaMinor: bigint;
}

/** Net deltas per account, so an edit that takes 100 off and puts 120 back checks only −20. */
function netByAccount(changes: BalanceChange[]): Map<string, bigint> {
  const net = new Map<string, bigint>();
  for (const { accountId, deltaMinor } of changes) net.set(accountId, (net.get(accountId) ?? 0n) + deltaMinor);
  return net;
}

/**
 * Locks every account named in `changes` (id order), checks them all, then writes the new
 * balances. `what` names the operation in refusal messages ("Posting this expense").
 * @throws NotFoundError an account is not in this organization
 * @throws AccountClosedError money would move on a closed account
 * @throws InsufficientFundsError an account would go below zero
 * @throws TotalOutOfRangeError an account would go past the largest balance (MAX_TOTAL_MINOR)
 */
export async function applyBalanceChanges(tx: Tx, viewer: Viewer, changes: BalanceChange[], what: string): Promise<Map<string, Account>> {
  const net = netByAccount(changes);
  const accounts = await lockAccounts(tx, viewer, net.keys());
  for (const [accountId, delta] of net) checkBalanceChange(accounts.get(accountId)!, delta, what);
  for (const [accountId, delta] of net) {
    if (delta === 0n) continue;
    accounts.set(accountId, await writeBalanceChange(tx, accountId, delta));
  }
  return accounts;
}

/**
 * Whether `delta` may move on an account the caller holds locked; throws the refusal if not.
 * @throws AccountClosedError, InsufficientFundsError, TotalOutOfRangeError (see applyBalanceChanges)
 */
export function checkBalanceChange(account: Account, delta: bigint, what: string): void {
  if (delta === 0n) return;
  if (account.closedAt) throw new AccountClosedError(`${what}: account "${account.name}" is closed`, 'accountId');
  const after = account.balanceMinor + delta;
  if (delta < 0n && after < 0n) {
    const available = formatMoney(account.balanceMinor, account.currency);
    const required = formatMoney(-delta, account.currency);
    throw new InsufficientFundsError(
      `${what} needs ${required} ${account.currency} on "${account.name}", which holds ${available} ${account.currency}`,
      available,
      required,
    );
  }
  if (after > MAX_TOTAL_MINOR) {
    throw new TotalOutOfRangeError(
      `${what} would take "${account.name}" past the largest balance that can be held, ` +
        `${formatMoney(MAX_TOTAL_MINOR, account.currency)} ${account.currency}`,
      'amount',
    );
  }
}

/** Moves a checked `delta` on a locked account (`checkBalanceChange` first). */
function writeBalanceChange(tx: Tx, accountId: string, delta: bigint): Promise<Account> {
  return tx.account.update({ where: { id: accountId }, data: { balanceMinor: { increment: delta } } });
}

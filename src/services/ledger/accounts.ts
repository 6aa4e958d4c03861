/**
 * Accounts (CRM "р/сч"): bank accounts and cash boxes holding money in one currency.
 * The balance is kept as a running total, updated only by postings and transfers in the same
 * transaction that writes them, so it always equals the sum of the posted history.
 */
import {
  AccountClosedError,
  AccountInUseError,
  AccountNotEmptyError,
  InvalidAmountError,
  InvalidInputError,
  NotFoundError,
  UnknownCurrencyError,
} from '../../domain/errors.js';
import { formatMoney, parseMoney, requireCurrency } from '../../domain/money.js';
import { optionalText, requireTitle } from '../../domain/text.js';
import type { Account } from '../../generated/prisma/client.js';
import { diffFields, recordChange } from '../core/changelog.js';
import { service } from '../core/service.js';
import { lockAccount, lockAccountToClose } from '../core/row-locks.js';

export interface CreateAccountInput {
  name: string;
  bank?: string | null;
  currency: string;
  /** Decimal string; zero when omitted. */
  openingBalance?: string | null;
}

/**
 * Opens an account.
 * InvalidInputError: empty or over-long name. UnknownCurrencyError: not ISO 4217.
 * InvalidAmountError: opening balance malformed, negative, or over-precise.
 */
export const createAccount = service(
  [InvalidInputError, UnknownCurrencyError, InvalidAmountError],
  async ({ tx, viewer }, input: CreateAccountInput): Promise<Account> => {
    const name = requireTitle(input.name, 'name');
    const bank = optionalText(input.bank, 'bank', 500) ?? null;
    const currency = requireCurrency(input.currency);
    const opening = parseMoney(input.openingBalance ?? '0', currency, 'openingBalance', 'nonNegative');
    const account = await tx.account.create({
      data: { organizationId: viewer.organizationId, name, bank, currency, openingBalanceMinor: opening, balanceMinor: opening },
    });
    await recordChange(tx, viewer, {
      entityType: 'Account',
      entityId: account.id,
      action: 'NEW',
      comment: `Account opened with ${formatMoney(opening, currency)} ${currency}`,
    });
    return account;
  },
);

export function requireOpen(account: Account, field = 'accountId'): void {
  if (account.closedAt) throw new AccountClosedError(`Account "${account.name}" is closed`, field);
}

export interface UpdateAccountInput {
  id: string;
  name?: string | null;
  bank?: string | null;
}

/**
 * Renames an account or changes its bank. Currency and opening balance are fixed at creation:
 * changing them would rewrite the meaning of every posted amount.
 */
export const updateAccount = service(
  [NotFoundError, InvalidInputError],
  async ({ tx, viewer }, input: UpdateAccountInput): Promise<Account> => {
    const name = input.name === undefined || input.name === null ? undefined : requireTitle(input.name, 'name');
    const bank = optionalText(input.bank, 'bank', 500);
    const before = await lockAccount(tx, viewer, input.id, 'id');
    const changes = diffFields({ name: before.name, bank: before.bank }, { name, bank });
    if (Object.keys(changes).length === 0) return before;
    const account = await tx.account.update({ where: { id: before.id }, data: { name, bank } });
    await recordChange(tx, viewer, { entityType: 'Account', entityId: account.id, action: 'UPDATED', changes });
    return account;
  },
);

/**
 * Closes an account. Refused while it holds money (ACCOUNT_NOT_EMPTY: move the money out first)
 * and while unposted records or transfers name it (ACCOUNT_IN_USE): a closed account takes no
 * postings, so they could never be posted. Post or delete the records, post or cancel the transfers.
 */
export const closeAccount = service(
  [NotFoundError, AccountClosedError, AccountNotEmptyError, AccountInUseError],
  async ({ tx, viewer }, input: { id: string }): Promise<Account> => {
    // FOR UPDATE: waits for writers about to leave an unposted record or transfer on it (core/row-locks.ts).
    const account = await lockAccountToClose(tx, viewer, input.id);
    requireOpen(account, 'id');
    if (account.balanceMinor !== 0n) {
      throw new AccountNotEmptyError(
        `Account "${account.name}" holds ${formatMoney(account.balanceMinor, account.currency)} ${account.currency}; move it out before closing`,
        'id',
      );
    }
    const unpostedRecords = await tx.entry.count({ where: { accountId: account.id, posted: false } });
    const unpostedTransfers = await tx.transfer.count({
      where: { OR: [{ fromAccountId: account.id }, { toAccountId: account.id }], posted: false, cancelledAt: null },
    });
    if (unpostedRecords + unpostedTransfers > 0) {
      throw new AccountInUseError(
        `Account "${account.name}" still has ${unpostedRecords} unposted record(s) and ${unpostedTransfers} unposted transfer(s); ` +
          'post or delete the records and post or cancel the transfers before closing',
        'id',
      );
    }
    const closed = await tx.account.update({ where: { id: account.id }, data: { closedAt: new Date() } });
    await recordChange(tx, viewer, { entityType: 'Account', entityId: account.id, action: 'CLOSED' });
    return closed;
  },
);

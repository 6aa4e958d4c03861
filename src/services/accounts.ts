/**
 * Accounts (CRM "р/сч"): bank accounts and cash boxes holding money in one currency.
 * The balance is kept as a running total, updated only by postings and transfers in the same
 * transaction that writes them, so it always equals the sum of the posted history.
 */
import { AccountClosedError, AccountNotEmptyError, NotFoundError } from '../domain/errors.js';
import { formatMoney, parseMoney, requireCurrency } from '../domain/money.js';
import { optionalText, requireTitle } from '../domain/text.js';
import type { Db } from '../db/open.js';
import type { Account } from '../generated/prisma/client.js';
import { diffFields, recordChange } from './changelog.js';
import { inTransaction, type Tx } from './transaction.js';
import type { Viewer } from './viewer.js';

export interface CreateAccountInput {
  name: string;
  bank?: string | null;
  currency: string;
  /** Decimal string; zero when omitted. */
  openingBalance?: string | null;
}

/**
 * @throws InvalidInputError empty or over-long name
 * @throws UnknownCurrencyError currency is not ISO 4217
 * @throws InvalidAmountError opening balance malformed, negative, or over-precise
 */
export async function createAccount(db: Db, viewer: Viewer, input: CreateAccountInput): Promise<Account> {
  const name = requireTitle(input.name, 'name');
  const bank = optionalText(input.bank, 'bank', 500) ?? null;
  const currency = requireCurrency(input.currency);
  const opening = parseMoney(input.openingBalance ?? '0', currency, 'openingBalance', 'nonNegative');
  return inTransaction(db, async (tx) => {
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
  });
}

/** Loads an account of the viewer's organization and locks its row until the transaction ends. */
export async function lockAccount(tx: Tx, viewer: Viewer, accountId: string, field = 'accountId'): Promise<Account> {
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Account" WHERE id = ${accountId}::uuid AND "organizationId" = ${viewer.organizationId}::uuid FOR UPDATE`;
  if (locked.length === 0) throw new NotFoundError('Account', field);
  return tx.account.findUniqueOrThrow({ where: { id: accountId } });
}

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
 * @throws NotFoundError, InvalidInputError
 */
export async function updateAccount(db: Db, viewer: Viewer, input: UpdateAccountInput): Promise<Account> {
  const name = input.name === undefined || input.name === null ? undefined : requireTitle(input.name, 'name');
  const bank = optionalText(input.bank, 'bank', 500);
  return inTransaction(db, async (tx) => {
    const before = await lockAccount(tx, viewer, input.id, 'id');
    const changes = diffFields({ name: before.name, bank: before.bank }, { name, bank });
    if (Object.keys(changes).length === 0) return before;
    const account = await tx.account.update({ where: { id: before.id }, data: { name, bank } });
    await recordChange(tx, viewer, { entityType: 'Account', entityId: account.id, action: 'UPDATED', changes });
    return account;
  });
}

/**
 * Closes an account. Refused while it holds money: move the money out first.
 * @throws NotFoundError, AccountClosedError (already closed), AccountNotEmptyError
 */
export async function closeAccount(db: Db, viewer: Viewer, input: { id: string }): Promise<Account> {
  return inTransaction(db, async (tx) => {
    const account = await lockAccount(tx, viewer, input.id, 'id');
    requireOpen(account, 'id');
    if (account.balanceMinor !== 0n) {
      throw new AccountNotEmptyError(
        `Account "${account.name}" holds ${formatMoney(account.balanceMinor, account.currency)} ${account.currency}; move it out before closing`,
        'id',
      );
    }
    const closed = await tx.account.update({ where: { id: account.id }, data: { closedAt: new Date() } });
    await recordChange(tx, viewer, { entityType: 'Account', entityId: account.id, action: 'CLOSED' });
    return closed;
  });
}

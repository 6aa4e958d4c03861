/**
 * transferFunds / postTransfer / cancelTransfer on a real database.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/open.js';
import { closeAccount, createAccount } from '../../src/services/accounts.js';
import { createEntry } from '../../src/services/entries.js';
import { cancelTransfer, postTransfer, transferFunds, type TransferFundsInput } from '../../src/services/transfers.js';
import type { Viewer } from '../../src/services/viewer.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { eventsOf, expectBalanceInvariant, expectRefusedLedgerUnchanged, ledgerOrganizations, type LedgerScenario } from './fixtures.js';

let database: TestDatabase;
let db: Db;
let viewer: Viewer;
let other: Viewer;
let s: LedgerScenario;

beforeAll(async () => {
  database = await openTestDatabase();
  db = database.prisma;
});
afterAll(() => database.close());
beforeEach(async () => {
  ({ viewer, other, s } = await ledgerOrganizations(db));
});

const expectRefusedUnchanged = (call: () => Promise<unknown>, code: string) =>
  expectRefusedLedgerUnchanged(db, viewer.organizationId, call, code);

const move = (overrides: Partial<TransferFundsInput> = {}): TransferFundsInput => ({
  fromAccountId: s.cash.id,
  toAccountId: s.bank.id,
  amount: '150.00',
  title: 'Перемещение_22',
  post: true,
  ...overrides,
});

const balances = async () => [await expectBalanceInvariant(db, s.cash.id), await expectBalanceInvariant(db, s.bank.id)];

describe('transferFunds', () => {
  it('moves the money at once with post, logging NEW and POSTED', async () => {
    const transfer = await transferFunds(db, viewer, move());
    expect(transfer).toMatchObject({ posted: true, amountMinor: 15000n, currency: 'RUB' });
    expect(await balances()).toEqual([85000n, 15000n]);
    expect((await eventsOf(db, transfer.id)).map((e) => e.action)).toEqual(['NEW', 'POSTED']);
  });

  it('without post records a planned transfer; postTransfer moves it later, once', async () => {
    const transfer = await transferFunds(db, viewer, move({ post: false }));
    expect(await balances()).toEqual([100000n, 0n]);
    await postTransfer(db, viewer, { id: transfer.id });
    expect(await balances()).toEqual([85000n, 15000n]);
    await expectRefusedUnchanged(() => postTransfer(db, viewer, { id: transfer.id }), 'ALREADY_POSTED');
  });

  it('refuses the same account on both sides with SAME_ACCOUNT', async () => {
    await expectRefusedUnchanged(() => transferFunds(db, viewer, move({ toAccountId: s.cash.id })), 'SAME_ACCOUNT');
  });

  it('refuses accounts in different currencies with CURRENCY_MISMATCH', async () => {
    await expectRefusedUnchanged(() => transferFunds(db, viewer, move({ toAccountId: s.euro.id })), 'CURRENCY_MISMATCH');
  });

  it('refuses a source without the funds with INSUFFICIENT_FUNDS and records nothing (CRM 406)', async () => {
    await expectRefusedUnchanged(() => transferFunds(db, viewer, move({ amount: '1000.01' })), 'INSUFFICIENT_FUNDS');
  });

  it('refuses zero, negative and over-precise amounts with INVALID_AMOUNT', async () => {
    for (const amount of ['0', '-1', '0.001']) {
      await expectRefusedUnchanged(() => transferFunds(db, viewer, move({ amount })), 'INVALID_AMOUNT');
    }
  });

  it('refuses a closed account with ACCOUNT_CLOSED and another organization\'s account with NOT_FOUND', async () => {
    const empty = await createAccount(db, viewer, { name: 'Empty', currency: 'RUB' });
    await closeAccount(db, viewer, { id: empty.id });
    await expectRefusedUnchanged(() => transferFunds(db, viewer, move({ toAccountId: empty.id })), 'ACCOUNT_CLOSED');
    const foreign = await createAccount(db, other, { name: 'Foreign', currency: 'RUB' });
    await expectRefusedUnchanged(() => transferFunds(db, viewer, move({ toAccountId: foreign.id })), 'NOT_FOUND');
  });
});

describe('cancelTransfer', () => {
  it('moves a posted transfer back and logs CANCELLED', async () => {
    const transfer = await transferFunds(db, viewer, move());
    const cancelled = await cancelTransfer(db, viewer, { id: transfer.id });
    expect(cancelled).toMatchObject({ posted: false });
    expect(cancelled.cancelledAt).toBeInstanceOf(Date);
    expect(await balances()).toEqual([100000n, 0n]);
    expect((await eventsOf(db, transfer.id)).map((e) => e.action)).toEqual(['NEW', 'POSTED', 'CANCELLED']);
  });

  it('refuses when the target no longer holds the money (INSUFFICIENT_FUNDS, CRM unmove 406), nothing changed', async () => {
    const transfer = await transferFunds(db, viewer, move());
    await createEntry(db, viewer, { kind: 'EXPENSE', title: 'spent', amount: '100', accountId: s.bank.id, post: true });
    await expectRefusedUnchanged(() => cancelTransfer(db, viewer, { id: transfer.id }), 'INSUFFICIENT_FUNDS');
    expect(await balances()).toEqual([85000n, 5000n]);
  });

  it('refuses a second cancel with TRANSFER_CANCELLED, and posting a cancelled transfer too', async () => {
    const transfer = await transferFunds(db, viewer, move({ post: false }));
    await cancelTransfer(db, viewer, { id: transfer.id });
    expect(await balances()).toEqual([100000n, 0n]);
    await expectRefusedUnchanged(() => cancelTransfer(db, viewer, { id: transfer.id }), 'TRANSFER_CANCELLED');
    await expectRefusedUnchanged(() => postTransfer(db, viewer, { id: transfer.id }), 'TRANSFER_CANCELLED');
  });

  it("answers NOT_FOUND for another organization's transfer", async () => {
    const transfer = await transferFunds(db, viewer, move());
    await expectRefusedUnchanged(() => cancelTransfer(db, other, { id: transfer.id }), 'NOT_FOUND');
  });
});

/**
 * transferFunds / postTransfer / cancelTransfer on a real database.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/open.js';
import { closeAccount, createAccount } from '../../../src/services/ledger/accounts.js';
import { createEntry } from '../../../src/services/ledger/entries.js';
import { cancelTransfer, postTransfer, transferFunds, type TransferFundsInput } from '../../../src/services/ledger/transfers.js';
import type { Viewer } from '../../../src/services/core/viewer.js';
import { openTestDatabase, type TestDatabase } from '../../support/database.js';
import { eventsOf, expectBalanceInvariant, expectRefusedLedgerUnchanged, ledgerOrganizations, type LedgerScenario } from '../../support/ledger-fixtures.js';
import { runService } from '../../../src/services/core/service.js';

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
    const transfer = await runService(db, viewer, transferFunds, move());
    expect(transfer).toMatchObject({ posted: true, amountMinor: 15000n, currency: 'RUB' });
    expect(await balances()).toEqual([85000n, 15000n]);
    expect((await eventsOf(db, transfer.id)).map((e) => e.action)).toEqual(['NEW', 'POSTED']);
  });

  it('without post records a planned transfer; postTransfer moves it later, once', async () => {
    const transfer = await runService(db, viewer, transferFunds, move({ post: false }));
    expect(await balances()).toEqual([100000n, 0n]);
    await runService(db, viewer, postTransfer, { id: transfer.id });
    expect(await balances()).toEqual([85000n, 15000n]);
    await expectRefusedUnchanged(() => runService(db, viewer, postTransfer, { id: transfer.id }), 'ALREADY_POSTED');
  });

  it('refuses the same account on both sides with SAME_ACCOUNT', async () => {
    await expectRefusedUnchanged(() => runService(db, viewer, transferFunds, move({ toAccountId: s.cash.id })), 'SAME_ACCOUNT');
  });

  it('refuses accounts in different currencies with CURRENCY_MISMATCH', async () => {
    await expectRefusedUnchanged(() => runService(db, viewer, transferFunds, move({ toAccountId: s.euro.id })), 'CURRENCY_MISMATCH');
  });

  it('refuses a source without the funds with INSUFFICIENT_FUNDS and records nothing (CRM 406)', async () => {
    await expectRefusedUnchanged(() => runService(db, viewer, transferFunds, move({ amount: '1000.01' })), 'INSUFFICIENT_FUNDS');
  });

  it('refuses zero, negative and over-precise amounts with INVALID_AMOUNT', async () => {
    for (const amount of ['0', '-1', '0.001']) {
      await expectRefusedUnchanged(() => runService(db, viewer, transferFunds, move({ amount })), 'INVALID_AMOUNT');
    }
  });

  it('refuses a closed account with ACCOUNT_CLOSED and another organization\'s account with NOT_FOUND', async () => {
    const empty = await runService(db, viewer, createAccount, { name: 'Empty', currency: 'RUB' });
    await runService(db, viewer, closeAccount, { id: empty.id });
    await expectRefusedUnchanged(() => runService(db, viewer, transferFunds, move({ toAccountId: empty.id })), 'ACCOUNT_CLOSED');
    const foreign = await runService(db, other, createAccount, { name: 'Foreign', currency: 'RUB' });
    await expectRefusedUnchanged(() => runService(db, viewer, transferFunds, move({ toAccountId: foreign.id })), 'NOT_FOUND');
  });
});

describe('cancelTransfer', () => {
  it('moves a posted transfer back and logs CANCELLED', async () => {
    const transfer = await runService(db, viewer, transferFunds, move());
    const cancelled = await runService(db, viewer, cancelTransfer, { id: transfer.id });
    expect(cancelled).toMatchObject({ posted: false });
    expect(cancelled.cancelledAt).toBeInstanceOf(Date);
    expect(await balances()).toEqual([100000n, 0n]);
    expect((await eventsOf(db, transfer.id)).map((e) => e.action)).toEqual(['NEW', 'POSTED', 'CANCELLED']);
  });

  it('refuses when the target no longer holds the money (INSUFFICIENT_FUNDS, CRM unmove 406), nothing changed', async () => {
    const transfer = await runService(db, viewer, transferFunds, move());
    await runService(db, viewer, createEntry, { kind: 'EXPENSE', title: 'spent', amount: '100', accountId: s.bank.id, post: true });
    await expectRefusedUnchanged(() => runService(db, viewer, cancelTransfer, { id: transfer.id }), 'INSUFFICIENT_FUNDS');
    expect(await balances()).toEqual([85000n, 5000n]);
  });

  it('refuses a second cancel with TRANSFER_CANCELLED, and posting a cancelled transfer too', async () => {
    const transfer = await runService(db, viewer, transferFunds, move({ post: false }));
    await runService(db, viewer, cancelTransfer, { id: transfer.id });
    expect(await balances()).toEqual([100000n, 0n]);
    await expectRefusedUnchanged(() => runService(db, viewer, cancelTransfer, { id: transfer.id }), 'TRANSFER_CANCELLED');
    await expectRefusedUnchanged(() => runService(db, viewer, postTransfer, { id: transfer.id }), 'TRANSFER_CANCELLED');
  });

  it("answers NOT_FOUND for another organization's transfer", async () => {
    const transfer = await runService(db, viewer, transferFunds, move());
    await expectRefusedUnchanged(() => runService(db, other, cancelTransfer, { id: transfer.id }), 'NOT_FOUND');
  });
});

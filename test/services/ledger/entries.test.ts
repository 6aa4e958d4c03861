/**
 * createEntry / updateEntry / deleteEntry on a real database: every rule shows its refusal and that
 * nothing changed, and the balance invariant holds after each write.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/open.js';
import { closeAccount, createAccount } from '../../../src/services/ledger/accounts.js';
import { createBudget } from '../../../src/services/budgets/budgets.js';
import { createCategory } from '../../../src/services/ledger/categories.js';
import { createEntry, deleteEntry, updateEntry } from '../../../src/services/ledger/entries.js';
import { postEntry } from '../../../src/services/ledger/posting.js';
import type { Viewer } from '../../../src/services/core/viewer.js';
import { openTestDatabase, type TestDatabase } from '../../support/database.js';
import { eventsOf, expectBalanceInvariant, expectRefusedLedgerUnchanged, ledgerOrganizations, ledgerScenario, scratchStorage, type LedgerScenario } from '../../support/ledger-fixtures.js';
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

const expense = (overrides: Record<string, unknown> = {}) => ({
  kind: 'EXPENSE' as const,
  title: 'Заправка принтера',
  amount: '100.00',
  accountId: s.cash.id,
  categoryId: s.rent.id,
  ...overrides,
});

/** Runs a call that must be refused with `code`, and proves the organization's ledger is unchanged. */
const expectRefusedUnchanged = (call: () => Promise<unknown>, code: string, organizationId = viewer.organizationId) =>
  expectRefusedLedgerUnchanged(db, organizationId, call, code);

describe('createEntry', () => {
  it('saves an unposted record with every field and one NEW event', async () => {
    const { entry, notPostedReason } = await runService(db, viewer, createEntry, expense({
      description: 'Картридж',
      plannedDate: new Date('2024-07-01T00:00:00Z'),
      invoiceNumber: '1100',
      invoiceDate: new Date('2024-02-12T00:00:00Z'),
      invoicePaidDate: new Date('2024-04-10T00:00:00Z'),
      dealRef: 'СД4327',
      counterpartyId: s.supplier.id,
    }));
    expect(notPostedReason).toBeNull();
    expect(entry).toMatchObject({ posted: false, amountMinor: 10000n, periodYear: 2024, periodMonth: 7, dealRef: 'СД4327', invoiceNumber: '1100', authorId: viewer.userId });
    expect((await eventsOf(db, entry.id)).map((e) => e.action)).toEqual(['NEW']);
    expect(await expectBalanceInvariant(db, s.cash.id)).toBe(100000n);
  });

  it('without a plan date, the period is the current month', async () => {
    const { entry } = await runService(db, viewer, createEntry, expense());
    const now = new Date();
    expect([entry.periodYear, entry.periodMonth]).toEqual([now.getUTCFullYear(), now.getUTCMonth() + 1]);
  });

  it('posts at once when asked and funds suffice: NEW then POSTED, balance moves', async () => {
    const { entry, notPostedReason } = await runService(db, viewer, createEntry, expense({ amount: '250.50', post: true }));
    expect(notPostedReason).toBeNull();
    expect(entry.posted).toBe(true);
    expect((await eventsOf(db, entry.id)).map((e) => e.action)).toEqual(['NEW', 'POSTED']);
    expect(await expectBalanceInvariant(db, s.cash.id)).toBe(100000n - 25050n);
  });

  it('saves the record unposted, with the reason, when funds are short (the CRM behaviour)', async () => {
    const { entry, notPostedReason } = await runService(db, viewer, createEntry, expense({ amount: '1000.01', post: true }));
    expect(entry.posted).toBe(false);
    expect(notPostedReason).toMatchObject({ code: 'INSUFFICIENT_FUNDS', available: '1000.00', required: '1000.01' });
    expect(await db.entry.count({ where: { id: entry.id, posted: false } })).toBe(1);
    expect((await eventsOf(db, entry.id)).map((e) => e.action)).toEqual(['NEW']);
    expect(await expectBalanceInvariant(db, s.cash.id)).toBe(100000n);
  });

  it('an income posted at once puts money on the account', async () => {
    await runService(db, viewer, createEntry, { kind: 'INCOME', title: 'Оплата', amount: '40', accountId: s.bank.id, categoryId: s.salesIncome.id, post: true });
    expect(await expectBalanceInvariant(db, s.bank.id)).toBe(4000n);
  });

  it.each([
    ['zero', '0'],
    ['negative', '-5.00'],
    ['over-precise', '1.001'],
    ['not a number', '12,50'],
  ])('refuses a %s amount with INVALID_AMOUNT', async (_name, amount) => {
    await expectRefusedUnchanged(() => runService(db, viewer, createEntry, expense({ amount })), 'INVALID_AMOUNT');
  });

  it('refuses an empty title with INVALID_INPUT (CRM 407)', async () => {
    await expectRefusedUnchanged(() => runService(db, viewer, createEntry, expense({ title: '   ' })), 'INVALID_INPUT');
  });

  it('refuses an unknown category with NOT_FOUND', async () => {
    await expectRefusedUnchanged(() => runService(db, viewer, createEntry, expense({ categoryId: '00000000-0000-4000-8000-000000000000' })), 'NOT_FOUND');
  });

  it('refuses an income under an expense category with CATEGORY_KIND_MISMATCH', async () => {
    await expectRefusedUnchanged(
      () => runService(db, viewer, createEntry, { kind: 'INCOME', title: 'x', amount: '1', accountId: s.cash.id, categoryId: s.rent.id }),
      'CATEGORY_KIND_MISMATCH',
    );
  });

  it('refuses a closed account with ACCOUNT_CLOSED', async () => {
    await runService(db, viewer, closeAccount, { id: s.bank.id });
    await expectRefusedUnchanged(() => runService(db, viewer, createEntry, expense({ accountId: s.bank.id })), 'ACCOUNT_CLOSED');
  });

  it("refuses another organization's account, category and counterparty as NOT_FOUND", async () => {
    const foreign = await ledgerScenario(db, other);
    await expectRefusedUnchanged(() => runService(db, viewer, createEntry, expense({ accountId: foreign.cash.id })), 'NOT_FOUND');
    await expectRefusedUnchanged(() => runService(db, viewer, createEntry, expense({ categoryId: foreign.rent.id })), 'NOT_FOUND');
    await expectRefusedUnchanged(() => runService(db, viewer, createEntry, expense({ counterpartyId: foreign.supplier.id })), 'NOT_FOUND');
  });

  it('refuses a budget on an income (INVALID_INPUT) and a budget in another currency (CURRENCY_MISMATCH)', async () => {
    const budget = await runService(db, viewer, createBudget, {
      name: 'EUR budget', type: 'GLOBAL', granularity: 'YEAR', dateFrom: new Date('2024-01-01'), dateTo: new Date('2024-12-31'), limit: '100', currency: 'EUR',
    });
    await expectRefusedUnchanged(
      () => runService(db, viewer, createEntry, { kind: 'INCOME', title: 'x', amount: '1', accountId: s.euro.id, budgetId: budget.id }),
      'INVALID_INPUT',
    );
    await expectRefusedUnchanged(() => runService(db, viewer, createEntry, expense({ budgetId: budget.id })), 'CURRENCY_MISMATCH');
  });
});

describe('updateEntry', () => {
  it('keeps omitted fields, clears explicit nulls, and logs one UPDATED event with from → to', async () => {
    const { entry } = await runService(db, viewer, createEntry, expense({ description: 'old', counterpartyId: s.supplier.id, dealRef: 'D1' }));
    const { entry: updated } = await runService(db, viewer, updateEntry, {
      id: entry.id, kind: 'EXPENSE', title: 'New title', description: null, counterpartyId: null, amount: '120.00',
    });
    expect(updated).toMatchObject({ title: 'New title', description: null, counterpartyId: null, dealRef: 'D1', categoryId: s.rent.id, amountMinor: 12000n });
    const events = await eventsOf(db, entry.id);
    expect(events.map((e) => e.action)).toEqual(['NEW', 'UPDATED']);
    expect(events[1]!.changes).toEqual({
      title: { from: 'Заправка принтера', to: 'New title' },
      description: { from: 'old', to: null },
      counterpartyId: { from: s.supplier.id, to: null },
      amount: { from: '100.00', to: '120.00' },
    });
  });

  it('writes no event when nothing changes', async () => {
    const { entry } = await runService(db, viewer, createEntry, expense());
    await runService(db, viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', title: 'Заправка принтера', amount: '100' });
    expect((await eventsOf(db, entry.id)).map((e) => e.action)).toEqual(['NEW']);
  });

  it('moves the period with the plan date', async () => {
    const { entry } = await runService(db, viewer, createEntry, expense({ plannedDate: new Date('2024-02-19T00:00:00Z') }));
    const { entry: updated } = await runService(db, viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', plannedDate: new Date('2025-11-03T00:00:00Z') });
    expect([updated.periodYear, updated.periodMonth]).toEqual([2025, 11]);
  });

  it('refuses to clear title (INVALID_INPUT) or amount (INVALID_AMOUNT), nothing changed', async () => {
    const { entry } = await runService(db, viewer, createEntry, expense());
    await expectRefusedUnchanged(() => runService(db, viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', title: null }), 'INVALID_INPUT');
    await expectRefusedUnchanged(() => runService(db, viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', amount: null }), 'INVALID_AMOUNT');
  });

  it('refuses a category of the other kind and a closed target account', async () => {
    const { entry } = await runService(db, viewer, createEntry, expense());
    await expectRefusedUnchanged(() => runService(db, viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', categoryId: s.salesIncome.id }), 'CATEGORY_KIND_MISMATCH');
    await runService(db, viewer, closeAccount, { id: s.bank.id });
    await expectRefusedUnchanged(() => runService(db, viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', accountId: s.bank.id }), 'ACCOUNT_CLOSED');
  });

  it('refuses moving to an account in another currency without a new amount (CURRENCY_MISMATCH)', async () => {
    const { entry } = await runService(db, viewer, createEntry, expense());
    await expectRefusedUnchanged(() => runService(db, viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', accountId: s.euro.id }), 'CURRENCY_MISMATCH');
    const { entry: moved } = await runService(db, viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', accountId: s.euro.id, amount: '7.50' });
    expect(moved).toMatchObject({ accountId: s.euro.id, amountMinor: 750n });
  });

  it('re-checks funds when the amount of a posted expense grows: fits → moves the difference', async () => {
    const { entry } = await runService(db, viewer, createEntry, expense({ amount: '600', post: true }));
    await runService(db, viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', amount: '1000.00' });
    expect(await expectBalanceInvariant(db, s.cash.id)).toBe(0n);
  });

  it('refuses a posted expense growing past the funds with INSUFFICIENT_FUNDS, nothing changed', async () => {
    const { entry } = await runService(db, viewer, createEntry, expense({ amount: '600', post: true }));
    await expectRefusedUnchanged(() => runService(db, viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', amount: '1000.01', title: 'also this' }), 'INSUFFICIENT_FUNDS');
    expect(await expectBalanceInvariant(db, s.cash.id)).toBe(40000n);
  });

  it('moving a posted expense to another account needs funds there, and gives the money back to the first', async () => {
    const { entry } = await runService(db, viewer, createEntry, expense({ amount: '300', post: true }));
    await expectRefusedUnchanged(() => runService(db, viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', accountId: s.bank.id }), 'INSUFFICIENT_FUNDS');
    await runService(db, viewer, createEntry, { kind: 'INCOME', title: 'in', amount: '300', accountId: s.bank.id, post: true });
    await runService(db, viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', accountId: s.bank.id });
    expect(await expectBalanceInvariant(db, s.cash.id)).toBe(100000n);
    expect(await expectBalanceInvariant(db, s.bank.id)).toBe(0n);
  });

  it('refuses shrinking a posted income whose money was spent (INSUFFICIENT_FUNDS)', async () => {
    const { entry: income } = await runService(db, viewer, createEntry, { kind: 'INCOME', title: 'in', amount: '500', accountId: s.bank.id, post: true });
    await runService(db, viewer, createEntry, expense({ accountId: s.bank.id, amount: '450', post: true }));
    await expectRefusedUnchanged(() => runService(db, viewer, updateEntry, { id: income.id, kind: 'INCOME', amount: '400' }), 'INSUFFICIENT_FUNDS');
    await runService(db, viewer, updateEntry, { id: income.id, kind: 'INCOME', amount: '450' });
    expect(await expectBalanceInvariant(db, s.bank.id)).toBe(0n);
  });

  it('post: true on update posts, or leaves it unposted with the reason', async () => {
    const { entry } = await runService(db, viewer, createEntry, expense({ amount: '2000' }));
    const short = await runService(db, viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', title: 'Big', post: true });
    expect(short.entry).toMatchObject({ title: 'Big', posted: false });
    expect(short.notPostedReason?.code).toBe('INSUFFICIENT_FUNDS');
    const fits = await runService(db, viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', amount: '999', post: true });
    expect(fits.entry.posted).toBe(true);
    expect((await eventsOf(db, entry.id)).map((e) => e.action)).toEqual(['NEW', 'UPDATED', 'UPDATED', 'POSTED']);
    expect(await expectBalanceInvariant(db, s.cash.id)).toBe(100n);
  });

  it('answers NOT_FOUND for the other kind and for another organization', async () => {
    const { entry } = await runService(db, viewer, createEntry, expense());
    await expectRefusedUnchanged(() => runService(db, viewer, updateEntry, { id: entry.id, kind: 'INCOME', title: 'x' }), 'NOT_FOUND');
    await expectRefusedUnchanged(() => runService(db, other, updateEntry, { id: entry.id, kind: 'EXPENSE', title: 'x' }), 'NOT_FOUND');
  });
});

describe('deleteEntry', () => {
  it('deletes an unposted record and logs DELETED (history outlives it)', async () => {
    const { entry } = await runService(db, viewer, createEntry, expense());
    await runService(db, viewer, deleteEntry, { id: entry.id, kind: 'EXPENSE', storage: scratchStorage() });
    expect(await db.entry.count({ where: { id: entry.id } })).toBe(0);
    expect((await eventsOf(db, entry.id)).map((e) => e.action)).toEqual(['NEW', 'DELETED']);
  });

  it('refuses a posted record with ENTRY_POSTED (CRM 406), nothing changed', async () => {
    const { entry } = await runService(db, viewer, createEntry, expense({ post: true }));
    await expectRefusedUnchanged(() => runService(db, viewer, deleteEntry, { id: entry.id, kind: 'EXPENSE', storage: scratchStorage() }), 'ENTRY_POSTED');
  });

  it("answers NOT_FOUND for another organization's record", async () => {
    const { entry } = await runService(db, viewer, createEntry, expense());
    await expectRefusedUnchanged(() => runService(db, other, deleteEntry, { id: entry.id, kind: 'EXPENSE', storage: scratchStorage() }), 'NOT_FOUND');
    await expectRefusedUnchanged(() => runService(db, other, postEntry, { id: entry.id, kind: 'EXPENSE' }), 'NOT_FOUND');
  });
});

describe('categories in use', () => {
  it('a category used by a record cannot be deleted', async () => {
    const category = await runService(db, viewer, createCategory, { title: 'Used', kind: 'EXPENSE' });
    await runService(db, viewer, createEntry, expense({ categoryId: category.id }));
    const { deleteCategory } = await import('../../../src/services/ledger/categories.js');
    await expectRefusedUnchanged(() => runService(db, viewer, deleteCategory, { id: category.id }), 'CATEGORY_IN_USE');
  });

  it('a fresh account of this organization works as a target', async () => {
    const account = await runService(db, viewer, createAccount, { name: 'New', currency: 'RUB' });
    const { entry } = await runService(db, viewer, createEntry, expense({ accountId: account.id }));
    expect(entry.accountId).toBe(account.id);
  });
});

/**
 * createEntry / updateEntry / deleteEntry on a real database: every rule shows its refusal and that
 * nothing changed, and the balance invariant holds after each write.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/open.js';
import { closeAccount, createAccount } from '../../src/services/accounts.js';
import { createBudget } from '../../src/services/budgets.js';
import { createCategory } from '../../src/services/categories.js';
import { createEntry, deleteEntry, updateEntry } from '../../src/services/entries.js';
import { postEntry } from '../../src/services/posting.js';
import type { Viewer } from '../../src/services/viewer.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { eventsOf, expectBalanceInvariant, expectRefusedLedgerUnchanged, ledgerOrganizations, ledgerScenario, scratchStorage, type LedgerScenario } from './fixtures.js';

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
    const { entry, notPostedReason } = await createEntry(db, viewer, expense({
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
    const { entry } = await createEntry(db, viewer, expense());
    const now = new Date();
    expect([entry.periodYear, entry.periodMonth]).toEqual([now.getUTCFullYear(), now.getUTCMonth() + 1]);
  });

  it('posts at once when asked and funds suffice: NEW then POSTED, balance moves', async () => {
    const { entry, notPostedReason } = await createEntry(db, viewer, expense({ amount: '250.50', post: true }));
    expect(notPostedReason).toBeNull();
    expect(entry.posted).toBe(true);
    expect((await eventsOf(db, entry.id)).map((e) => e.action)).toEqual(['NEW', 'POSTED']);
    expect(await expectBalanceInvariant(db, s.cash.id)).toBe(100000n - 25050n);
  });

  it('saves the record unposted, with the reason, when funds are short (the CRM behaviour)', async () => {
    const { entry, notPostedReason } = await createEntry(db, viewer, expense({ amount: '1000.01', post: true }));
    expect(entry.posted).toBe(false);
    expect(notPostedReason).toMatchObject({ code: 'INSUFFICIENT_FUNDS', available: '1000.00', required: '1000.01' });
    expect(await db.entry.count({ where: { id: entry.id, posted: false } })).toBe(1);
    expect((await eventsOf(db, entry.id)).map((e) => e.action)).toEqual(['NEW']);
    expect(await expectBalanceInvariant(db, s.cash.id)).toBe(100000n);
  });

  it('an income posted at once puts money on the account', async () => {
    await createEntry(db, viewer, { kind: 'INCOME', title: 'Оплата', amount: '40', accountId: s.bank.id, categoryId: s.salesIncome.id, post: true });
    expect(await expectBalanceInvariant(db, s.bank.id)).toBe(4000n);
  });

  it.each([
    ['zero', '0'],
    ['negative', '-5.00'],
    ['over-precise', '1.001'],
    ['not a number', '12,50'],
  ])('refuses a %s amount with INVALID_AMOUNT', async (_name, amount) => {
    await expectRefusedUnchanged(() => createEntry(db, viewer, expense({ amount })), 'INVALID_AMOUNT');
  });

  it('refuses an empty title with INVALID_INPUT (CRM 407)', async () => {
    await expectRefusedUnchanged(() => createEntry(db, viewer, expense({ title: '   ' })), 'INVALID_INPUT');
  });

  it('refuses an unknown category with NOT_FOUND', async () => {
    await expectRefusedUnchanged(() => createEntry(db, viewer, expense({ categoryId: '00000000-0000-4000-8000-000000000000' })), 'NOT_FOUND');
  });

  it('refuses an income under an expense category with CATEGORY_KIND_MISMATCH', async () => {
    await expectRefusedUnchanged(
      () => createEntry(db, viewer, { kind: 'INCOME', title: 'x', amount: '1', accountId: s.cash.id, categoryId: s.rent.id }),
      'CATEGORY_KIND_MISMATCH',
    );
  });

  it('refuses a closed account with ACCOUNT_CLOSED', async () => {
    await closeAccount(db, viewer, { id: s.bank.id });
    await expectRefusedUnchanged(() => createEntry(db, viewer, expense({ accountId: s.bank.id })), 'ACCOUNT_CLOSED');
  });

  it("refuses another organization's account, category and counterparty as NOT_FOUND", async () => {
    const foreign = await ledgerScenario(db, other);
    await expectRefusedUnchanged(() => createEntry(db, viewer, expense({ accountId: foreign.cash.id })), 'NOT_FOUND');
    await expectRefusedUnchanged(() => createEntry(db, viewer, expense({ categoryId: foreign.rent.id })), 'NOT_FOUND');
    await expectRefusedUnchanged(() => createEntry(db, viewer, expense({ counterpartyId: foreign.supplier.id })), 'NOT_FOUND');
  });

  it('refuses a budget on an income (INVALID_INPUT) and a budget in another currency (CURRENCY_MISMATCH)', async () => {
    const budget = await createBudget(db, viewer, {
      name: 'EUR budget', type: 'GLOBAL', granularity: 'YEAR', dateFrom: new Date('2024-01-01'), dateTo: new Date('2024-12-31'), limit: '100', currency: 'EUR',
    });
    await expectRefusedUnchanged(
      () => createEntry(db, viewer, { kind: 'INCOME', title: 'x', amount: '1', accountId: s.euro.id, budgetId: budget.id }),
      'INVALID_INPUT',
    );
    await expectRefusedUnchanged(() => createEntry(db, viewer, expense({ budgetId: budget.id })), 'CURRENCY_MISMATCH');
  });
});

describe('updateEntry', () => {
  it('keeps omitted fields, clears explicit nulls, and logs one UPDATED event with from → to', async () => {
    const { entry } = await createEntry(db, viewer, expense({ description: 'old', counterpartyId: s.supplier.id, dealRef: 'D1' }));
    const { entry: updated } = await updateEntry(db, viewer, {
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
    const { entry } = await createEntry(db, viewer, expense());
    await updateEntry(db, viewer, { id: entry.id, kind: 'EXPENSE', title: 'Заправка принтера', amount: '100' });
    expect((await eventsOf(db, entry.id)).map((e) => e.action)).toEqual(['NEW']);
  });

  it('moves the period with the plan date', async () => {
    const { entry } = await createEntry(db, viewer, expense({ plannedDate: new Date('2024-02-19T00:00:00Z') }));
    const { entry: updated } = await updateEntry(db, viewer, { id: entry.id, kind: 'EXPENSE', plannedDate: new Date('2025-11-03T00:00:00Z') });
    expect([updated.periodYear, updated.periodMonth]).toEqual([2025, 11]);
  });

  it('refuses to clear title (INVALID_INPUT) or amount (INVALID_AMOUNT), nothing changed', async () => {
    const { entry } = await createEntry(db, viewer, expense());
    await expectRefusedUnchanged(() => updateEntry(db, viewer, { id: entry.id, kind: 'EXPENSE', title: null }), 'INVALID_INPUT');
    await expectRefusedUnchanged(() => updateEntry(db, viewer, { id: entry.id, kind: 'EXPENSE', amount: null }), 'INVALID_AMOUNT');
  });

  it('refuses a category of the other kind and a closed target account', async () => {
    const { entry } = await createEntry(db, viewer, expense());
    await expectRefusedUnchanged(() => updateEntry(db, viewer, { id: entry.id, kind: 'EXPENSE', categoryId: s.salesIncome.id }), 'CATEGORY_KIND_MISMATCH');
    await closeAccount(db, viewer, { id: s.bank.id });
    await expectRefusedUnchanged(() => updateEntry(db, viewer, { id: entry.id, kind: 'EXPENSE', accountId: s.bank.id }), 'ACCOUNT_CLOSED');
  });

  it('refuses moving to an account in another currency without a new amount (CURRENCY_MISMATCH)', async () => {
    const { entry } = await createEntry(db, viewer, expense());
    await expectRefusedUnchanged(() => updateEntry(db, viewer, { id: entry.id, kind: 'EXPENSE', accountId: s.euro.id }), 'CURRENCY_MISMATCH');
    const { entry: moved } = await updateEntry(db, viewer, { id: entry.id, kind: 'EXPENSE', accountId: s.euro.id, amount: '7.50' });
    expect(moved).toMatchObject({ accountId: s.euro.id, amountMinor: 750n });
  });

  it('re-checks funds when the amount of a posted expense grows: fits → moves the difference', async () => {
    const { entry } = await createEntry(db, viewer, expense({ amount: '600', post: true }));
    await updateEntry(db, viewer, { id: entry.id, kind: 'EXPENSE', amount: '1000.00' });
    expect(await expectBalanceInvariant(db, s.cash.id)).toBe(0n);
  });

  it('refuses a posted expense growing past the funds with INSUFFICIENT_FUNDS, nothing changed', async () => {
    const { entry } = await createEntry(db, viewer, expense({ amount: '600', post: true }));
    await expectRefusedUnchanged(() => updateEntry(db, viewer, { id: entry.id, kind: 'EXPENSE', amount: '1000.01', title: 'also this' }), 'INSUFFICIENT_FUNDS');
    expect(await expectBalanceInvariant(db, s.cash.id)).toBe(40000n);
  });

  it('moving a posted expense to another account needs funds there, and gives the money back to the first', async () => {
    const { entry } = await createEntry(db, viewer, expense({ amount: '300', post: true }));
    await expectRefusedUnchanged(() => updateEntry(db, viewer, { id: entry.id, kind: 'EXPENSE', accountId: s.bank.id }), 'INSUFFICIENT_FUNDS');
    await createEntry(db, viewer, { kind: 'INCOME', title: 'in', amount: '300', accountId: s.bank.id, post: true });
    await updateEntry(db, viewer, { id: entry.id, kind: 'EXPENSE', accountId: s.bank.id });
    expect(await expectBalanceInvariant(db, s.cash.id)).toBe(100000n);
    expect(await expectBalanceInvariant(db, s.bank.id)).toBe(0n);
  });

  it('refuses shrinking a posted income whose money was spent (INSUFFICIENT_FUNDS)', async () => {
    const { entry: income } = await createEntry(db, viewer, { kind: 'INCOME', title: 'in', amount: '500', accountId: s.bank.id, post: true });
    await createEntry(db, viewer, expense({ accountId: s.bank.id, amount: '450', post: true }));
    await expectRefusedUnchanged(() => updateEntry(db, viewer, { id: income.id, kind: 'INCOME', amount: '400' }), 'INSUFFICIENT_FUNDS');
    await updateEntry(db, viewer, { id: income.id, kind: 'INCOME', amount: '450' });
    expect(await expectBalanceInvariant(db, s.bank.id)).toBe(0n);
  });

  it('post: true on update posts, or leaves it unposted with the reason', async () => {
    const { entry } = await createEntry(db, viewer, expense({ amount: '2000' }));
    const short = await updateEntry(db, viewer, { id: entry.id, kind: 'EXPENSE', title: 'Big', post: true });
    expect(short.entry).toMatchObject({ title: 'Big', posted: false });
    expect(short.notPostedReason?.code).toBe('INSUFFICIENT_FUNDS');
    const fits = await updateEntry(db, viewer, { id: entry.id, kind: 'EXPENSE', amount: '999', post: true });
    expect(fits.entry.posted).toBe(true);
    expect((await eventsOf(db, entry.id)).map((e) => e.action)).toEqual(['NEW', 'UPDATED', 'UPDATED', 'POSTED']);
    expect(await expectBalanceInvariant(db, s.cash.id)).toBe(100n);
  });

  it('answers NOT_FOUND for the other kind and for another organization', async () => {
    const { entry } = await createEntry(db, viewer, expense());
    await expectRefusedUnchanged(() => updateEntry(db, viewer, { id: entry.id, kind: 'INCOME', title: 'x' }), 'NOT_FOUND');
    await expectRefusedUnchanged(() => updateEntry(db, other, { id: entry.id, kind: 'EXPENSE', title: 'x' }), 'NOT_FOUND');
  });
});

describe('deleteEntry', () => {
  it('deletes an unposted record and logs DELETED (history outlives it)', async () => {
    const { entry } = await createEntry(db, viewer, expense());
    await deleteEntry(db, viewer, { id: entry.id, kind: 'EXPENSE' }, scratchStorage());
    expect(await db.entry.count({ where: { id: entry.id } })).toBe(0);
    expect((await eventsOf(db, entry.id)).map((e) => e.action)).toEqual(['NEW', 'DELETED']);
  });

  it('refuses a posted record with ENTRY_POSTED (CRM 406), nothing changed', async () => {
    const { entry } = await createEntry(db, viewer, expense({ post: true }));
    await expectRefusedUnchanged(() => deleteEntry(db, viewer, { id: entry.id, kind: 'EXPENSE' }, scratchStorage()), 'ENTRY_POSTED');
  });

  it("answers NOT_FOUND for another organization's record", async () => {
    const { entry } = await createEntry(db, viewer, expense());
    await expectRefusedUnchanged(() => deleteEntry(db, other, { id: entry.id, kind: 'EXPENSE' }, scratchStorage()), 'NOT_FOUND');
    await expectRefusedUnchanged(() => postEntry(db, other, { id: entry.id, kind: 'EXPENSE' }), 'NOT_FOUND');
  });
});

describe('categories in use', () => {
  it('a category used by a record cannot be deleted', async () => {
    const category = await createCategory(db, viewer, { title: 'Used', kind: 'EXPENSE' });
    await createEntry(db, viewer, expense({ categoryId: category.id }));
    const { deleteCategory } = await import('../../src/services/categories.js');
    await expectRefusedUnchanged(() => deleteCategory(db, viewer, { id: category.id }), 'CATEGORY_IN_USE');
  });

  it('a fresh account of this organization works as a target', async () => {
    const account = await createAccount(db, viewer, { name: 'New', currency: 'RUB' });
    const { entry } = await createEntry(db, viewer, expense({ accountId: account.id }));
    expect(entry.accountId).toBe(account.id);
  });
});

/**
 * postEntry / unpostEntry and the budget link, on a real database: each refusal leaves the ledger
 * unchanged, unposting is a logged reversal, and the balance invariant holds after every step.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/open.js';
import { closeAccount } from '../../../src/services/ledger/accounts.js';
import { budgetSpentMinor } from '../../../src/services/budgets/spend.js';
import { createBudget } from '../../../src/services/budgets/budgets.js';
import { createEntry, deleteEntry, updateEntry } from '../../../src/services/ledger/entries.js';
import { postEntry, unpostEntry } from '../../../src/services/ledger/posting.js';
import type { Tx } from '../../../src/services/core/unit-of-work.js';
import { cancelTransfer, transferFunds } from '../../../src/services/ledger/transfers.js';
import type { Viewer } from '../../../src/services/core/viewer.js';
import { openTestDatabase, type TestDatabase } from '../../support/database.js';
import { eventsOf, expectBalanceInvariant, expectRefusedLedgerUnchanged, ledgerOrganizations, scratchStorage, type LedgerScenario } from '../../support/ledger-fixtures.js';
import { runService } from '../../../src/services/core/service.js';

let database: TestDatabase;
let db: Db;
let viewer: Viewer;
let s: LedgerScenario;

beforeAll(async () => {
  database = await openTestDatabase();
  db = database.prisma;
});
afterAll(() => database.close());
beforeEach(async () => {
  ({ viewer, s } = await ledgerOrganizations(db));
});

const expectRefusedUnchanged = (call: () => Promise<unknown>, code: string) =>
  expectRefusedLedgerUnchanged(db, viewer.organizationId, call, code);

const newExpense = async (amount: string, extra: Record<string, unknown> = {}) =>
  (await runService(db, viewer, createEntry, { kind: 'EXPENSE', title: 'Expense', amount, accountId: s.cash.id, ...extra })).entry;
const newIncome = async (amount: string, extra: Record<string, unknown> = {}) =>
  (await runService(db, viewer, createEntry, { kind: 'INCOME', title: 'Income', amount, accountId: s.bank.id, ...extra })).entry;

describe('postEntry / unpostEntry', () => {
  it('posting an expense takes the amount off; unposting puts it back and is logged as a reversal', async () => {
    const entry = await newExpense('400');
    const { entry: posted } = await runService(db, viewer, postEntry, { id: entry.id, kind: 'EXPENSE' });
    expect(posted.posted).toBe(true);
    expect(posted.postedAt).toBeInstanceOf(Date);
    expect(await expectBalanceInvariant(db, s.cash.id)).toBe(60000n);
    const { entry: unposted } = await runService(db, viewer, unpostEntry, { id: entry.id, kind: 'EXPENSE' });
    expect(unposted).toMatchObject({ posted: false, postedAt: null });
    expect(await expectBalanceInvariant(db, s.cash.id)).toBe(100000n);
    const events = await eventsOf(db, entry.id);
    expect(events.map((e) => e.action)).toEqual(['NEW', 'POSTED', 'UNPOSTED']);
    expect(events[2]!.comment).toBe('Reversed the posting of expense of 400.00 RUB');
  });

  it('refuses an expense beyond the funds with INSUFFICIENT_FUNDS (CRM 406), nothing changed', async () => {
    const entry = await newExpense('1000.01');
    await expectRefusedUnchanged(() => runService(db, viewer, postEntry, { id: entry.id, kind: 'EXPENSE' }), 'INSUFFICIENT_FUNDS');
  });

  it('an expense of exactly the balance posts and leaves zero', async () => {
    const entry = await newExpense('1000');
    await runService(db, viewer, postEntry, { id: entry.id, kind: 'EXPENSE' });
    expect(await expectBalanceInvariant(db, s.cash.id)).toBe(0n);
  });

  it('refuses posting twice with ALREADY_POSTED and unposting an unposted record with NOT_POSTED', async () => {
    const entry = await newExpense('1');
    await expectRefusedUnchanged(() => runService(db, viewer, unpostEntry, { id: entry.id, kind: 'EXPENSE' }), 'NOT_POSTED');
    await runService(db, viewer, postEntry, { id: entry.id, kind: 'EXPENSE' });
    await expectRefusedUnchanged(() => runService(db, viewer, postEntry, { id: entry.id, kind: 'EXPENSE' }), 'ALREADY_POSTED');
  });

  it('refuses unposting an income whose money is gone with INSUFFICIENT_FUNDS', async () => {
    const income = await newIncome('300', { post: true });
    await runService(db, viewer, createEntry, { kind: 'EXPENSE', title: 'spend', amount: '250', accountId: s.bank.id, post: true });
    await expectRefusedUnchanged(() => runService(db, viewer, unpostEntry, { id: income.id, kind: 'INCOME' }), 'INSUFFICIENT_FUNDS');
    expect(await expectBalanceInvariant(db, s.bank.id)).toBe(5000n);
  });

  it('refuses posting on a closed account with ACCOUNT_CLOSED', async () => {
    const income = await newIncome('10');
    // closeAccount refuses while the income is unposted (ACCOUNT_IN_USE); data from before that
    // rule can still hold such a record on a closed account.
    await expectRefusedUnchanged(() => runService(db, viewer, closeAccount, { id: s.bank.id }), 'ACCOUNT_IN_USE');
    await db.account.update({ where: { id: s.bank.id }, data: { closedAt: new Date() } });
    await expectRefusedUnchanged(() => runService(db, viewer, postEntry, { id: income.id, kind: 'INCOME' }), 'ACCOUNT_CLOSED');
  });

  it('answers NOT_FOUND for a record of the other kind', async () => {
    const income = await newIncome('10');
    await expectRefusedUnchanged(() => runService(db, viewer, postEntry, { id: income.id, kind: 'EXPENSE' }), 'NOT_FOUND');
  });
});

describe('budget-linked expenses', () => {
  const budgetSpent = async (budgetId: string) =>
    budgetSpentMinor(db as unknown as Tx, await db.budget.findUniqueOrThrow({ where: { id: budgetId } }));
  const rubBudget = (limit: string, config: ('SPEND_ALERTS' | 'AUTO_FREEZE')[] = []) =>
    runService(db, viewer, createBudget, {
      name: `Office ${limit}`, type: 'GLOBAL', granularity: 'YEAR', dateFrom: new Date('2024-01-01T00:00:00Z'), dateTo: new Date('2024-12-31T00:00:00Z'), limit, currency: 'RUB', config,
    });
  const inWindow = { plannedDate: new Date('2024-05-10T00:00:00Z') };

  it('posting charges the budget, unposting and a budget/amount change while posted move the spend', async () => {
    const first = await rubBudget('1000');
    const second = await rubBudget('2000');
    const entry = await newExpense('100', { budgetId: first.id, ...inWindow });
    expect(await budgetSpent(first.id)).toBe(0n);
    await runService(db, viewer, postEntry, { id: entry.id, kind: 'EXPENSE' });
    expect(await budgetSpent(first.id)).toBe(10000n);
    await runService(db, viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', amount: '150' });
    expect(await budgetSpent(first.id)).toBe(15000n);
    await runService(db, viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', budgetId: second.id });
    expect([await budgetSpent(first.id), await budgetSpent(second.id)]).toEqual([0n, 15000n]);
    await runService(db, viewer, unpostEntry, { id: entry.id, kind: 'EXPENSE' });
    expect(await budgetSpent(second.id)).toBe(0n);
    expect(await expectBalanceInvariant(db, s.cash.id)).toBe(100000n);
  });

  it('AUTO_FREEZE refuses a posting past the limit with BUDGET_FROZEN, nothing changed', async () => {
    const budget = await rubBudget('100', ['AUTO_FREEZE']);
    const entry = await newExpense('100.01', { budgetId: budget.id, ...inWindow });
    await expectRefusedUnchanged(() => runService(db, viewer, postEntry, { id: entry.id, kind: 'EXPENSE' }), 'BUDGET_FROZEN');
    const fits = await newExpense('100', { budgetId: budget.id, ...inWindow });
    await runService(db, viewer, postEntry, { id: fits.id, kind: 'EXPENSE' });
    await expectRefusedUnchanged(() => runService(db, viewer, updateEntry, { id: fits.id, kind: 'EXPENSE', amount: '100.01' }), 'BUDGET_FROZEN');
    await expectRefusedUnchanged(
      () => runService(db, viewer, createEntry, { kind: 'EXPENSE', title: 'x', amount: '1', accountId: s.cash.id, budgetId: budget.id, post: true, ...inWindow }),
      'BUDGET_FROZEN',
    );
  });

  it('SPEND_ALERTS alerts are returned to the caller, and an edit does not re-fire a threshold already passed', async () => {
    const budget = await rubBudget('100', ['SPEND_ALERTS']);
    const entry = await newExpense('85', { budgetId: budget.id, ...inWindow });
    const { alerts } = await runService(db, viewer, postEntry, { id: entry.id, kind: 'EXPENSE' });
    expect(alerts.map((a) => a.thresholdPercent)).toEqual([80]);
    const edit = await runService(db, viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', amount: '90' });
    expect(edit.alerts).toEqual([]);
    const over = await runService(db, viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', amount: '100' });
    expect(over.alerts.map((a) => a.thresholdPercent)).toEqual([100]);
    expect(await db.budgetAlert.count({ where: { budgetId: budget.id } })).toBe(2);
  });

  it('moving a posted expense to an account and budget in another currency moves its spend between budgets', async () => {
    const rub = await rubBudget('1000');
    const eur = await runService(db, viewer, createBudget, {
      name: 'EUR', type: 'GLOBAL', granularity: 'YEAR', dateFrom: new Date('2024-01-01T00:00:00Z'), dateTo: new Date('2024-12-31T00:00:00Z'), limit: '1000', currency: 'EUR',
    });
    const entry = await newExpense('100', { budgetId: rub.id, ...inWindow, post: true });
    expect(await budgetSpent(rub.id)).toBe(10000n);
    await runService(db, viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', accountId: s.euro.id, amount: '5.00', budgetId: eur.id });
    expect([await budgetSpent(rub.id), await budgetSpent(eur.id)]).toEqual([0n, 500n]);
    expect(await expectBalanceInvariant(db, s.cash.id)).toBe(100000n);
    expect(await expectBalanceInvariant(db, s.euro.id)).toBe(49500n);
  });

  it('a spend dated outside the window does not count; moving its date into the window does', async () => {
    const budget = await rubBudget('1000');
    const entry = await newExpense('50', { budgetId: budget.id, plannedDate: new Date('2025-02-01T00:00:00Z'), post: true });
    expect(await budgetSpent(budget.id)).toBe(0n);
    await runService(db, viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', plannedDate: new Date('2024-02-01T00:00:00Z') });
    expect(await budgetSpent(budget.id)).toBe(5000n);
  });
});

describe('the balance invariant over a sequence of operations', () => {
  it('holds after every step of a mixed sequence', async () => {
    const accounts = [s.cash.id, s.bank.id];
    const check = async () => {
      for (const id of accounts) await expectBalanceInvariant(db, id);
    };
    const salary = await newIncome('700', { post: true });
    await check();
    const rent = await newExpense('300', { post: true });
    await check();
    const move = await runService(db, viewer, transferFunds, { fromAccountId: s.bank.id, toAccountId: s.cash.id, amount: '200', title: 'to cash', post: true });
    await check();
    await runService(db, viewer, updateEntry, { id: rent.id, kind: 'EXPENSE', amount: '900', accountId: s.cash.id });
    await check();
    await expect(runService(db, viewer, updateEntry, { id: rent.id, kind: 'EXPENSE', amount: '1300' })).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    await check();
    await runService(db, viewer, cancelTransfer, { id: move.id });
    await check();
    await runService(db, viewer, unpostEntry, { id: rent.id, kind: 'EXPENSE' });
    await check();
    await runService(db, viewer, updateEntry, { id: salary.id, kind: 'INCOME', amount: '650' });
    await check();
    await runService(db, viewer, deleteEntry, { id: rent.id, kind: 'EXPENSE', storage: scratchStorage() });
    await check();
    expect((await db.account.findUniqueOrThrow({ where: { id: s.cash.id } })).balanceMinor).toBe(100000n);
    expect((await db.account.findUniqueOrThrow({ where: { id: s.bank.id } })).balanceMinor).toBe(65000n);
  });
});

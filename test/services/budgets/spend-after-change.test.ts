/**
 * AUTO_FREEZE is judged on the spend a whole change leaves, not charge by charge against the spend
 * before it (issue 10, item 1): every path that moves spend into a budget is refused when the
 * result would pass the limit, and nothing of it stays. Also what an edit of the budget itself
 * (limit, window, options) may do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/open.js';
import type { Budget } from '../../../src/generated/prisma/client.js';
import { encodeGlobalId } from '../../../src/graphql/global-id.js';
import { createBudgetTransaction, deleteBudgetTransaction, updateBudgetTransaction } from '../../../src/services/budgets/budget-transactions.js';
import { updateBudget } from '../../../src/services/budgets/budgets.js';
import { updateTransaction } from '../../../src/services/budgets/external-transactions.js';
import { budgetSpentMinor } from '../../../src/services/budgets/spend.js';
import { runService } from '../../../src/services/core/service.js';
import type { Viewer } from '../../../src/services/core/viewer.js';
import { createAccount } from '../../../src/services/ledger/accounts.js';
import { createEntry, updateEntry } from '../../../src/services/ledger/entries.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { budgetFixture, day, transactionFixture } from '../../support/budget-fixtures.js';
import { bigintJson, expectCode } from '../../support/service-fixture.js';

let app: TestApp;
let db: Db;
let viewer: Viewer;
beforeAll(async () => {
  app = await createTestApp();
  db = app.database.prisma;
  viewer = app.orgA.viewer;
});
afterAll(() => app.close());

/** Everything a spend change could write: parts, transactions, entries, budgets, balances, alerts, changelog. */
async function budgetState() {
  const [parts, transactions, entries, budgets, accounts, alerts, events] = await Promise.all([
    db.budgetTransaction.findMany({ orderBy: { id: 'asc' } }),
    db.transaction.findMany({ orderBy: { id: 'asc' } }),
    db.entry.findMany({ orderBy: { id: 'asc' } }),
    db.budget.findMany({ orderBy: { id: 'asc' } }),
    db.account.findMany({ orderBy: { id: 'asc' } }),
    db.budgetAlert.count(),
    db.changelogEvent.count(),
  ]);
  return JSON.stringify({ parts, transactions, entries, budgets, accounts, alerts, events }, bigintJson);
}

async function expectRefusedUnchanged(refused: () => Promise<unknown>, code: string): Promise<void> {
  const before = await budgetState();
  await expectCode(refused(), code);
  expect(await budgetState()).toBe(before);
}

/** A 100.00 AUTO_FREEZE budget over March 2024. */
const marchBudget = (overrides: Parameters<typeof budgetFixture>[2] = {}) =>
  budgetFixture(db, viewer, { limit: '100.00', config: ['AUTO_FREEZE'], dateFrom: day('2024-03-01'), dateTo: day('2024-03-31'), ...overrides });
const spent = (budget: Budget) => budgetSpentMinor(db, budget);
const gidOf = (budget: Budget) => encodeGlobalId('Budget', budget.id);
const part = (budgetId: string, transactionId: string, amount: string) =>
  runService(db, viewer, createBudgetTransaction, { budgetId, transactionId, amount });

describe('spend moved into an AUTO_FREEZE budget is judged after the whole change', () => {
  it('two parts of one transaction entering the window together (the reported case): BUDGET_FROZEN, nothing moves', async () => {
    const budget = await marchBudget();
    const transaction = await transactionFixture(db, viewer, { amount: '120.00', date: day('2024-02-15') });
    await part(budget.id, transaction.id, '60.00');
    await part(budget.id, transaction.id, '60.00');
    expect(await spent(budget)).toBe(0n);
    // Each part alone fits (0 + 60 ≤ 100); together they are 120.
    await expectRefusedUnchanged(() => runService(db, viewer, updateTransaction, { id: transaction.id, date: day('2024-03-10') }), 'BUDGET_FROZEN');
    expect(await spent(budget)).toBe(0n);
  });

  it('a date change that takes the parts to exactly the limit is allowed', async () => {
    const budget = await marchBudget();
    const transaction = await transactionFixture(db, viewer, { amount: '100.00', date: day('2024-02-15') });
    await part(budget.id, transaction.id, '50.00');
    await part(budget.id, transaction.id, '50.00');
    await runService(db, viewer, updateTransaction, { id: transaction.id, date: day('2024-03-10') });
    expect(await spent(budget)).toBe(10000n);
  });

  it('several parts of one transaction in one budget count together', async () => {
    const budget = await marchBudget();
    const transaction = await transactionFixture(db, viewer, { amount: '120.00', date: day('2024-03-05') });
    await part(budget.id, transaction.id, '60.00');
    await expectRefusedUnchanged(() => part(budget.id, transaction.id, '60.00'), 'BUDGET_FROZEN');
    expect(await spent(budget)).toBe(6000n);
  });

  it('a part moved to another budget, or grown, is judged in that budget', async () => {
    const full = await marchBudget();
    const other = await marchBudget({ config: [] });
    const a = await transactionFixture(db, viewer, { amount: '200.00', date: day('2024-03-05') });
    await part(full.id, a.id, '70.00');
    const moving = await part(other.id, a.id, '40.00');
    await expectRefusedUnchanged(() => runService(db, viewer, updateBudgetTransaction, { id: moving.id, budgetId: full.id }), 'BUDGET_FROZEN');
    await expectRefusedUnchanged(
      () => runService(db, viewer, updateBudgetTransaction, { id: moving.id, budgetId: full.id, amount: '30.01' }),
      'BUDGET_FROZEN',
    );
    await runService(db, viewer, updateBudgetTransaction, { id: moving.id, budgetId: full.id, amount: '30.00' });
    expect(await spent(full)).toBe(10000n);
    expect(await spent(other)).toBe(0n);
  });

  it("a posted expense's amount, date or budget moving spend in: BUDGET_FROZEN, balances unchanged", async () => {
    const budget = await marchBudget();
    const account = await runService(db, viewer, createAccount, { name: 'Spend', currency: 'EUR', openingBalance: '1000.00' });
    const inside = await runService(db, viewer, createEntry, {
      kind: 'EXPENSE', title: 'Inside', amount: '70.00', accountId: account.id, budgetId: budget.id, plannedDate: day('2024-03-02'), post: true,
    });
    const outside = await runService(db, viewer, createEntry, {
      kind: 'EXPENSE', title: 'Outside', amount: '40.00', accountId: account.id, budgetId: budget.id, plannedDate: day('2024-04-02'), post: true,
    });
    const unlinked = await runService(db, viewer, createEntry, {
      kind: 'EXPENSE', title: 'Unlinked', amount: '40.00', accountId: account.id, plannedDate: day('2024-03-03'), post: true,
    });
    expect(await spent(budget)).toBe(7000n);
    const update = (id: string, change: Record<string, unknown>) => runService(db, viewer, updateEntry, { kind: 'EXPENSE', id, ...change });
    await expectRefusedUnchanged(() => update(outside.entry.id, { plannedDate: day('2024-03-20') }), 'BUDGET_FROZEN');
    await expectRefusedUnchanged(() => update(inside.entry.id, { amount: '100.01' }), 'BUDGET_FROZEN');
    await expectRefusedUnchanged(() => update(unlinked.entry.id, { budgetId: budget.id }), 'BUDGET_FROZEN');
    // Date and amount together: leaving the window for more money is fine.
    await update(inside.entry.id, { amount: '500.00', plannedDate: day('2024-05-01') });
    expect(await spent(budget)).toBe(0n);
  });
});

describe('editing an AUTO_FREEZE budget itself', () => {
  it('a window widened over more spend than the limit: BUDGET_OVER_LIMIT, nothing changes', async () => {
    const budget = await marchBudget();
    const transaction = await transactionFixture(db, viewer, { amount: '120.00', date: day('2024-04-15') });
    await part(budget.id, transaction.id, '120.00');
    await expectRefusedUnchanged(() => runService(db, viewer, updateBudget, { id: budget.id, dateTo: day('2024-04-30') }), 'BUDGET_OVER_LIMIT');
    // Wider and with a limit that holds it: fine.
    await runService(db, viewer, updateBudget, { id: budget.id, dateTo: day('2024-04-30'), limit: '120.00' });
    expect(await spent(budget)).toBe(12000n);
  });

  it('lowering the limit below the spend is refused; down to the spend freezes it; without AUTO_FREEZE any limit goes', async () => {
    const budget = await marchBudget();
    const transaction = await transactionFixture(db, viewer, { amount: '80.00', date: day('2024-03-15') });
    await part(budget.id, transaction.id, '80.00');
    await expectRefusedUnchanged(() => runService(db, viewer, updateBudget, { id: budget.id, limit: '79.99' }), 'BUDGET_OVER_LIMIT');
    await runService(db, viewer, updateBudget, { id: budget.id, limit: '80.00' });
    const status = await app.gql(`query($id: ID!) { node(id: $id) { ... on Budget { status spent limit } } }`, { id: gidOf(budget) });
    expect(status.data!.node).toEqual({ status: 'FROZEN', spent: '80.00', limit: '80.00' });
    await expectCode(part(budget.id, (await transactionFixture(db, viewer, { amount: '1.00', date: day('2024-03-16') })).id, '0.01'), 'BUDGET_FROZEN');

    // Turning AUTO_FREEZE off and lowering the limit in one edit is allowed: the budget is EXCEEDED.
    await runService(db, viewer, updateBudget, { id: budget.id, limit: '50.00', config: [] });
    expect((await app.gql(`query($id: ID!) { node(id: $id) { ... on Budget { status } } }`, { id: gidOf(budget) })).data!.node.status).toBe('EXCEEDED');
    // ...but turning it back on over the limit is not.
    await expectRefusedUnchanged(() => runService(db, viewer, updateBudget, { id: budget.id, config: ['AUTO_FREEZE'] }), 'BUDGET_OVER_LIMIT');
    // A rename of that over-limit budget is no spend change and passes.
    await runService(db, viewer, updateBudget, { id: budget.id, name: 'Renamed' });
  });

  it('a budget already above its limit (data from before the rule) may shrink but not grow', async () => {
    const budget = await marchBudget();
    const transaction = await transactionFixture(db, viewer, { amount: '200.00', date: day('2024-03-15') });
    const first = await part(budget.id, transaction.id, '90.00');
    // Written past the rule, as the old code let through.
    await db.budgetTransaction.create({ data: { organizationId: viewer.organizationId, budgetId: budget.id, transactionId: transaction.id, amountMinor: 6000n } });
    expect(await spent(budget)).toBe(15000n);
    await expectRefusedUnchanged(() => part(budget.id, transaction.id, '0.01'), 'BUDGET_FROZEN');
    await runService(db, viewer, updateBudgetTransaction, { id: first.id, amount: '50.00' }); // 110: still over, but less
    await runService(db, viewer, deleteBudgetTransaction, { id: first.id });
    expect(await spent(budget)).toBe(6000n);
  });
});

/**
 * Every budgets rule in the service layer: the refusal, with its typed error, and proof that
 * nothing changed (rows re-read after the refused call).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/open.js';
import { createEmployee, createInvoice } from '../../../src/services/budgets/allocation-targets.js';
import { createBudgetEmployee, createBudgetInvoice, deleteBudgetEmployee } from '../../../src/services/budgets/allocations.js';
import { budgetSpentMinor } from '../../../src/services/budgets/spend.js';
import { createBudgetTransaction, deleteBudgetTransaction, updateBudgetTransaction } from '../../../src/services/budgets/budget-transactions.js';
import { deleteBudget, deleteBudgetGroup, updateBudget, updateBudgetGroup } from '../../../src/services/budgets/budgets.js';
import { deleteTransaction, updateTransaction } from '../../../src/services/budgets/external-transactions.js';
import type { Viewer } from '../../../src/services/core/viewer.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { budgetFixture, day, employeeFixture, gid, groupFixture, transactionFixture } from '../../support/budget-fixtures.js';
import { runService } from '../../../src/services/core/service.js';

let app: TestApp;
let db: Db;
let viewer: Viewer;
let other: Viewer;

beforeAll(async () => {
  app = await createTestApp();
  db = app.database.prisma;
  viewer = app.orgA.viewer;
  other = app.orgB.viewer;
});
afterAll(() => app.close());

const spent = (budget: { id: string; organizationId: string }) => budgetSpentMinor(db, budget);
const budgetCount = () => db.budget.count({ where: { organizationId: viewer.organizationId } });
const reread = (id: string) => db.budget.findUniqueOrThrow({ where: { id } });

describe('budgets', () => {
  it('refuses dateFrom after dateTo on create, and creates nothing', async () => {
    const before = await budgetCount();
    await expect(budgetFixture(db, viewer, { dateFrom: day('2024-12-31'), dateTo: day('2024-01-01') })).rejects.toMatchObject({
      code: 'INVALID_DATE_RANGE',
      field: 'dateFrom',
    });
    expect(await budgetCount()).toBe(before);
  });

  it('refuses an update whose resulting window is inverted, and keeps the budget', async () => {
    const budget = await budgetFixture(db, viewer);
    await expect(runService(db, viewer, updateBudget, { id: budget.id, dateFrom: day('2025-06-01') })).rejects.toMatchObject({ code: 'INVALID_DATE_RANGE' });
    expect(await reread(budget.id)).toEqual(budget);
  });

  it('refuses a negative limit on create and update', async () => {
    const before = await budgetCount();
    await expect(budgetFixture(db, viewer, { limit: '-1.00' })).rejects.toMatchObject({ code: 'INVALID_AMOUNT', field: 'limit' });
    expect(await budgetCount()).toBe(before);
    const budget = await budgetFixture(db, viewer);
    await expect(runService(db, viewer, updateBudget, { id: budget.id, limit: '-0.01' })).rejects.toMatchObject({ code: 'INVALID_AMOUNT' });
    expect(await reread(budget.id)).toEqual(budget);
  });

  it('refuses an unknown granularity, option or type with the accepted values, and creates nothing', async () => {
    const before = await budgetCount();
    await expect(budgetFixture(db, viewer, { granularity: 'WEEK' })).rejects.toMatchObject({
      code: 'UNKNOWN_VALUE',
      field: 'granularity',
      allowed: ['MONTH', 'QUARTER', 'YEAR'],
    });
    await expect(budgetFixture(db, viewer, { config: ['SPEND_ALERTS', 'SELF_DESTRUCT'] })).rejects.toMatchObject({ code: 'UNKNOWN_VALUE', field: 'config' });
    await expect(budgetFixture(db, viewer, { type: 'TEAM' })).rejects.toMatchObject({ code: 'UNKNOWN_VALUE', field: 'type' });
    expect(await budgetCount()).toBe(before);
    const budget = await budgetFixture(db, viewer);
    await expect(runService(db, viewer, updateBudget, { id: budget.id, granularity: 'DAY' })).rejects.toMatchObject({ code: 'UNKNOWN_VALUE' });
    expect(await reread(budget.id)).toEqual(budget);
  });

  it("refuses another organization's group, and another organization's budget answers NOT_FOUND", async () => {
    const foreignGroup = await groupFixture(db, other);
    const before = await budgetCount();
    await expect(budgetFixture(db, viewer, { budgetGroupId: foreignGroup.id })).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'budgetGroupId' });
    expect(await budgetCount()).toBe(before);
    const foreign = await budgetFixture(db, other);
    await expect(runService(db, viewer, updateBudget, { id: foreign.id, name: 'Mine now' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(runService(db, viewer, deleteBudget, { id: foreign.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await reread(foreign.id)).toEqual(foreign);
  });

  it('updates only the fields given, logs from → to, and null takes the budget out of its group', async () => {
    const group = await groupFixture(db, viewer);
    const budget = await budgetFixture(db, viewer, { budgetGroupId: group.id, config: ['SPEND_ALERTS'] });
    const updated = await runService(db, viewer, updateBudget, { id: budget.id, limit: '2000', config: ['auto-freeze'] });
    expect(updated).toMatchObject({ name: budget.name, granularity: 'MONTH', budgetGroupId: group.id, limitMinor: 200000n, config: ['AUTO_FREEZE'] });
    const ungrouped = await runService(db, viewer, updateBudget, { id: budget.id, budgetGroupId: null });
    expect(ungrouped.budgetGroupId).toBeNull();
    const events = await db.changelogEvent.findMany({ where: { entityId: budget.id }, orderBy: { seq: 'asc' } });
    expect(events.map((event) => event.action)).toEqual(['NEW', 'UPDATED', 'UPDATED']);
    expect(events[1]!.changes).toEqual({ limit: { from: '1000.00', to: '2000.00' }, config: { from: ['SPEND_ALERTS'], to: ['AUTO_FREEZE'] } });
  });

  it('re-evaluates status when the limit or the window changes', async () => {
    const budget = await budgetFixture(db, viewer, { limit: '1000.00' });
    const transaction = await transactionFixture(db, viewer, { amount: '900.00', date: day('2024-03-15') });
    await runService(db, viewer, createBudgetTransaction, { budgetId: budget.id, transactionId: transaction.id, amount: '900.00' });
    const id = gid('Budget', budget.id);
    const status = async () => (await app.gql(`query($id: ID!) { node(id: $id) { ... on Budget { spent status } } }`, { id })).data!.node;
    expect(await status()).toEqual({ spent: '900.00', status: 'WARNING' });
    await runService(db, viewer, updateBudget, { id: budget.id, limit: '800.00' });
    expect(await status()).toEqual({ spent: '900.00', status: 'EXCEEDED' });
    await runService(db, viewer, updateBudget, { id: budget.id, dateFrom: day('2024-04-01') });
    expect(await status()).toEqual({ spent: '0.00', status: 'OK' });
  });

  it('deleting a budget frees the amount its parts held on the transaction', async () => {
    const budget = await budgetFixture(db, viewer);
    const transaction = await transactionFixture(db, viewer, { amount: '100.00' });
    await runService(db, viewer, createBudgetTransaction, { budgetId: budget.id, transactionId: transaction.id, amount: '100.00' });
    await runService(db, viewer, deleteBudget, { id: budget.id });
    expect(await db.budget.findUnique({ where: { id: budget.id } })).toBeNull();
    const next = await budgetFixture(db, viewer);
    await expect(runService(db, viewer, createBudgetTransaction, { budgetId: next.id, transactionId: transaction.id, amount: '100.00' })).resolves.toBeTruthy();
  });
});

describe('budget groups', () => {
  it('renames, and deleting keeps its budgets ungrouped', async () => {
    const group = await groupFixture(db, viewer, 'Old');
    const budget = await budgetFixture(db, viewer, { budgetGroupId: group.id });
    expect((await runService(db, viewer, updateBudgetGroup, { id: group.id, name: 'New' })).name).toBe('New');
    await expect(runService(db, viewer, updateBudgetGroup, { id: group.id, name: '  ' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await db.budgetGroup.findUniqueOrThrow({ where: { id: group.id } })).name).toBe('New');
    await runService(db, viewer, deleteBudgetGroup, { id: group.id });
    expect((await reread(budget.id)).budgetGroupId).toBeNull();
  });

  it("another organization's group answers NOT_FOUND and stays", async () => {
    const foreign = await groupFixture(db, other);
    await expect(runService(db, viewer, deleteBudgetGroup, { id: foreign.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await db.budgetGroup.findUnique({ where: { id: foreign.id } })).not.toBeNull();
  });
});

describe('allocations', () => {
  it('refuses a second allocation of the same employee (DUPLICATE) and keeps one', async () => {
    const budget = await budgetFixture(db, viewer);
    const employee = await employeeFixture(db, viewer);
    const allocation = await runService(db, viewer, createBudgetEmployee, { budgetId: budget.id, employeeId: employee.id, limit: '250.00' });
    expect(allocation.limitMinor).toBe(25000n);
    await expect(runService(db, viewer, createBudgetEmployee, { budgetId: budget.id, employeeId: employee.id })).rejects.toMatchObject({ code: 'DUPLICATE' });
    expect(await db.budgetEmployee.count({ where: { budgetId: budget.id } })).toBe(1);
    await runService(db, viewer, deleteBudgetEmployee, { id: allocation.id });
    expect(await db.budgetEmployee.count({ where: { budgetId: budget.id } })).toBe(0);
  });

  it("refuses another organization's employee and a negative personal limit", async () => {
    const budget = await budgetFixture(db, viewer);
    const foreign = await runService(db, other, createEmployee, { name: 'Not ours' });
    await expect(runService(db, viewer, createBudgetEmployee, { budgetId: budget.id, employeeId: foreign.id })).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'employeeId' });
    const mine = await employeeFixture(db, viewer);
    await expect(runService(db, viewer, createBudgetEmployee, { budgetId: budget.id, employeeId: mine.id, limit: '-5' })).rejects.toMatchObject({ code: 'INVALID_AMOUNT' });
    expect(await db.budgetEmployee.count({ where: { budgetId: budget.id } })).toBe(0);
  });

  it('refuses a duplicate invoice link', async () => {
    const budget = await budgetFixture(db, viewer);
    const invoice = await runService(db, viewer, createInvoice, { number: 'INV-1', amount: '10.00', currency: 'EUR' });
    await runService(db, viewer, createBudgetInvoice, { budgetId: budget.id, invoiceId: invoice.id });
    await expect(runService(db, viewer, createBudgetInvoice, { budgetId: budget.id, invoiceId: invoice.id })).rejects.toMatchObject({ code: 'DUPLICATE' });
    expect(await db.budgetInvoice.count({ where: { budgetId: budget.id } })).toBe(1);
  });
});

describe('transactions', () => {
  it('refuses an externalId already used in the organization, but another organization may use it', async () => {
    const first = await transactionFixture(db, viewer, { externalId: 'erp-1' });
    await expect(transactionFixture(db, viewer, { externalId: 'erp-1', amount: '1.00' })).rejects.toMatchObject({ code: 'DUPLICATE', field: 'externalId' });
    expect(await db.transaction.count({ where: { organizationId: viewer.organizationId, externalId: 'erp-1' } })).toBe(1);
    expect((await db.transaction.findUniqueOrThrow({ where: { id: first.id } })).amountMinor).toBe(50000n);
    await expect(transactionFixture(db, other, { externalId: 'erp-1' })).resolves.toBeTruthy();
  });

  it('refuses a zero amount, an unknown direction, and a project on a non-PROJECT transaction', async () => {
    const before = await db.transaction.count();
    await expect(transactionFixture(db, viewer, { amount: '0' })).rejects.toMatchObject({ code: 'INVALID_AMOUNT' });
    await expect(transactionFixture(db, viewer, { direction: 'SIDEWAYS' })).rejects.toMatchObject({ code: 'UNKNOWN_VALUE', field: 'direction' });
    const project = await db.project.create({ data: { organizationId: viewer.organizationId, name: 'Launch' } });
    await expect(transactionFixture(db, viewer, { type: 'INCOME', projectId: project.id })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'projectId' });
    expect(await db.transaction.count()).toBe(before);
    await expect(transactionFixture(db, viewer, { type: 'project', projectId: project.id })).resolves.toMatchObject({ type: 'PROJECT', projectId: project.id });
  });

  it('once split across budgets: no currency change, no amount below the parts, no delete', async () => {
    const budget = await budgetFixture(db, viewer);
    const transaction = await transactionFixture(db, viewer, { amount: '500.00' });
    await runService(db, viewer, createBudgetTransaction, { budgetId: budget.id, transactionId: transaction.id, amount: '300.00' });
    await expect(runService(db, viewer, updateTransaction, { id: transaction.id, currency: 'USD' })).rejects.toMatchObject({ code: 'CURRENCY_MISMATCH' });
    await expect(runService(db, viewer, updateTransaction, { id: transaction.id, amount: '299.99' })).rejects.toMatchObject({ code: 'ALLOCATION_EXCEEDED' });
    await expect(runService(db, viewer, deleteTransaction, { id: transaction.id })).rejects.toMatchObject({ code: 'TRANSACTION_IN_USE' });
    expect(await db.transaction.findUniqueOrThrow({ where: { id: transaction.id } })).toEqual(transaction);
    await expect(runService(db, viewer, updateTransaction, { id: transaction.id, amount: '300.00', description: null })).resolves.toMatchObject({
      amountMinor: 30000n,
      description: null,
    });
  });

  it("moving the date re-charges the budgets whose window it leaves or enters", async () => {
    const q1 = await budgetFixture(db, viewer, { dateFrom: day('2024-01-01'), dateTo: day('2024-03-31') });
    const transaction = await transactionFixture(db, viewer, { amount: '100.00', date: day('2024-02-10') });
    await runService(db, viewer, createBudgetTransaction, { budgetId: q1.id, transactionId: transaction.id, amount: '100.00' });
    expect(await spent(q1)).toBe(10000n);
    await runService(db, viewer, updateTransaction, { id: transaction.id, date: day('2024-05-01') });
    expect(await spent(q1)).toBe(0n);
    await runService(db, viewer, updateTransaction, { id: transaction.id, date: day('2024-03-31') });
    expect(await spent(q1)).toBe(10000n);
  });

  it('refuses a date move into a frozen budget\'s window, and keeps the date', async () => {
    const frozen = await budgetFixture(db, viewer, { dateFrom: day('2024-01-01'), dateTo: day('2024-01-31'), limit: '100.00', config: ['AUTO_FREEZE'] });
    const filler = await transactionFixture(db, viewer, { amount: '100.00', date: day('2024-01-05') });
    await runService(db, viewer, createBudgetTransaction, { budgetId: frozen.id, transactionId: filler.id, amount: '100.00' });
    const outside = await transactionFixture(db, viewer, { amount: '1.00', date: day('2024-02-05') });
    await runService(db, viewer, createBudgetTransaction, { budgetId: frozen.id, transactionId: outside.id, amount: '1.00' });
    await expect(runService(db, viewer, updateTransaction, { id: outside.id, date: day('2024-01-20') })).rejects.toMatchObject({ code: 'BUDGET_FROZEN' });
    expect((await db.transaction.findUniqueOrThrow({ where: { id: outside.id } })).date).toEqual(day('2024-02-05'));
    expect(await spent(frozen)).toBe(10000n);
  });
});

describe('budget transactions', () => {
  it("refuses a budget in another currency than the transaction (CURRENCY_MISMATCH) and charges nothing", async () => {
    const budget = await budgetFixture(db, viewer, { currency: 'USD' });
    const transaction = await transactionFixture(db, viewer, { currency: 'EUR' });
    await expect(runService(db, viewer, createBudgetTransaction, { budgetId: budget.id, transactionId: transaction.id, amount: '10.00' })).rejects.toMatchObject({
      code: 'CURRENCY_MISMATCH',
    });
    expect(await db.budgetTransaction.count({ where: { budgetId: budget.id } })).toBe(0);
    expect(await spent(budget)).toBe(0n);
  });

  it('refuses parts of one transaction that would add up to more than it (ALLOCATION_EXCEEDED)', async () => {
    const a = await budgetFixture(db, viewer);
    const b = await budgetFixture(db, viewer);
    const transaction = await transactionFixture(db, viewer, { amount: '500.00' });
    await runService(db, viewer, createBudgetTransaction, { budgetId: a.id, transactionId: transaction.id, amount: '300.00' });
    await expect(runService(db, viewer, createBudgetTransaction, { budgetId: b.id, transactionId: transaction.id, amount: '200.01' })).rejects.toMatchObject({
      code: 'ALLOCATION_EXCEEDED',
    });
    expect(await spent(b)).toBe(0n);
    const part = await runService(db, viewer, createBudgetTransaction, { budgetId: b.id, transactionId: transaction.id, amount: '200.00' });
    await expect(runService(db, viewer, updateBudgetTransaction, { id: part.id, amount: '200.01' })).rejects.toMatchObject({ code: 'ALLOCATION_EXCEEDED' });
    expect((await db.budgetTransaction.findUniqueOrThrow({ where: { id: part.id } })).amountMinor).toBe(20000n);
  });

  it('refuses spend past an AUTO_FREEZE limit (BUDGET_FROZEN); reaching it exactly is allowed', async () => {
    const budget = await budgetFixture(db, viewer, { limit: '100.00', config: ['AUTO_FREEZE'] });
    const transaction = await transactionFixture(db, viewer, { amount: '500.00' });
    await runService(db, viewer, createBudgetTransaction, { budgetId: budget.id, transactionId: transaction.id, amount: '60.00' });
    await expect(runService(db, viewer, createBudgetTransaction, { budgetId: budget.id, transactionId: transaction.id, amount: '40.01' })).rejects.toMatchObject({
      code: 'BUDGET_FROZEN',
    });
    expect(await spent(budget)).toBe(6000n);
    await runService(db, viewer, createBudgetTransaction, { budgetId: budget.id, transactionId: transaction.id, amount: '40.00' });
    expect(await spent(budget)).toBe(10000n);
  });

  it('update charges the difference, a move takes the amount off the old budget, delete gives it back', async () => {
    const a = await budgetFixture(db, viewer);
    const b = await budgetFixture(db, viewer);
    const employee = await employeeFixture(db, viewer);
    const transaction = await transactionFixture(db, viewer, { amount: '500.00' });
    const part = await runService(db, viewer, createBudgetTransaction, { budgetId: a.id, transactionId: transaction.id, employeeId: employee.id, amount: '100.00' });
    await runService(db, viewer, updateBudgetTransaction, { id: part.id, amount: '150.00' });
    expect(await spent(a)).toBe(15000n);
    const moved = await runService(db, viewer, updateBudgetTransaction, { id: part.id, budgetId: b.id, employeeId: null });
    expect(moved).toMatchObject({ budgetId: b.id, employeeId: null, amountMinor: 15000n });
    expect([await spent(a), await spent(b)]).toEqual([0n, 15000n]);
    await runService(db, viewer, deleteBudgetTransaction, { id: part.id });
    expect(await spent(b)).toBe(0n);
    const actions = (await db.changelogEvent.findMany({ where: { entityId: part.id }, orderBy: { seq: 'asc' } })).map((event) => event.action);
    expect(actions).toEqual(['NEW', 'UPDATED', 'UPDATED', 'DELETED']);
  });

  it('refuses a move to a frozen budget and leaves both budgets as they were', async () => {
    const open = await budgetFixture(db, viewer);
    const frozen = await budgetFixture(db, viewer, { limit: '10.00', config: ['AUTO_FREEZE'] });
    const transaction = await transactionFixture(db, viewer, { amount: '50.00' });
    const part = await runService(db, viewer, createBudgetTransaction, { budgetId: open.id, transactionId: transaction.id, amount: '50.00' });
    await expect(runService(db, viewer, updateBudgetTransaction, { id: part.id, budgetId: frozen.id })).rejects.toMatchObject({ code: 'BUDGET_FROZEN' });
    expect([await spent(open), await spent(frozen)]).toEqual([5000n, 0n]);
  });

  it("a transaction dated outside the budget's window adds no spend", async () => {
    const budget = await budgetFixture(db, viewer, { dateFrom: day('2024-01-01'), dateTo: day('2024-01-31'), limit: '1.00', config: ['AUTO_FREEZE'] });
    const transaction = await transactionFixture(db, viewer, { amount: '500.00', date: day('2024-06-01') });
    await runService(db, viewer, createBudgetTransaction, { budgetId: budget.id, transactionId: transaction.id, amount: '500.00' });
    expect(await spent(budget)).toBe(0n);
  });

  it("another organization's transaction, budget or employee answers NOT_FOUND", async () => {
    const mine = await budgetFixture(db, viewer);
    const myTransaction = await transactionFixture(db, viewer);
    const theirBudget = await budgetFixture(db, other);
    const theirTransaction = await transactionFixture(db, other);
    const theirEmployee = await employeeFixture(db, other);
    await expect(runService(db, viewer, createBudgetTransaction, { budgetId: mine.id, transactionId: theirTransaction.id, amount: '1.00' })).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'transactionId' });
    await expect(runService(db, viewer, createBudgetTransaction, { budgetId: theirBudget.id, transactionId: myTransaction.id, amount: '1.00' })).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'budgetId' });
    await expect(
      runService(db, viewer, createBudgetTransaction, { budgetId: mine.id, transactionId: myTransaction.id, employeeId: theirEmployee.id, amount: '1.00' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'employeeId' });
    expect(await db.budgetTransaction.count({ where: { transactionId: myTransaction.id } })).toBe(0);
  });
});


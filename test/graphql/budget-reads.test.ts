/**
 * Reading budgets: spend from posted expenses (Entry rows, inserted directly as read-side fixtures)
 * plus budget transactions, spend per period, group totals, the filters, and a constant number of
 * SQL statements for a page of budgets with their allocations and spend (5 budgets = 50 budgets).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/open.js';
import { createAccount } from '../../src/services/ledger/accounts.js';
import { createContractor, createInvoice, createProject } from '../../src/services/budgets/allocation-targets.js';
import { createBudgetContractor, createBudgetEmployee, createBudgetInvoice, createBudgetProject } from '../../src/services/budgets/allocations.js';
import { budgetSpentMinor } from '../../src/services/budgets/spend.js';
import { createBudgetTransaction } from '../../src/services/budgets/budget-transactions.js';
import type { Viewer } from '../../src/services/core/viewer.js';
import { createTestApp, RAISED_COST_LIMIT, type TestApp } from '../support/app.js';
import { budgetFixture, day, employeeFixture, gid, groupFixture, transactionFixture } from '../support/budget-fixtures.js';
import { runService } from '../../src/services/core/service.js';

let app: TestApp;
let db: Db;
let viewer: Viewer;
let accountId: string;

beforeAll(async () => {
  app = await createTestApp(RAISED_COST_LIMIT);
  db = app.database.prisma;
  viewer = app.orgA.viewer;
  accountId = (await runService(db, viewer, createAccount, { name: 'Main', currency: 'EUR', openingBalance: '100000.00' })).id;
});
afterAll(() => app.close());

/** A posted expense linked to a budget, as the ledger would leave it (fixture for the read side only). */
function postedExpense(budgetId: string, amountMinor: bigint, plannedDate: string | null, period = { year: 2024, month: 1 }, organizationId = viewer.organizationId) {
  return db.entry.create({
    data: {
      organizationId,
      kind: 'EXPENSE',
      title: 'Ledger expense',
      accountId,
      amountMinor,
      periodYear: period.year,
      periodMonth: period.month,
      plannedDate: plannedDate ? day(plannedDate) : null,
      budgetId,
      posted: true,
      postedAt: new Date(),
    },
  });
}

describe('spend', () => {
  it('counts posted expenses and budget transactions inside the window, per quarter too', async () => {
    const budget = await budgetFixture(db, viewer, { granularity: 'QUARTER', dateFrom: day('2024-02-15'), dateTo: day('2024-08-31'), limit: '1000.00' });
    await postedExpense(budget.id, 10000n, '2024-03-01'); // Q1
    await postedExpense(budget.id, 5000n, null, { year: 2024, month: 7 }); // Q3 by its period
    await postedExpense(budget.id, 99900n, '2024-01-10'); // before the window: not counted
    await db.entry.create({
      data: { organizationId: viewer.organizationId, kind: 'EXPENSE', title: 'Unposted', accountId, amountMinor: 77700n, periodYear: 2024, periodMonth: 3, budgetId: budget.id },
    });
    const transaction = await transactionFixture(db, viewer, { amount: '300.00', date: day('2024-05-20') }); // Q2
    await runService(db, viewer, createBudgetTransaction, { budgetId: budget.id, transactionId: transaction.id, amount: '300.00' });

    const read = await app.gql(
      `query($id: ID!) { node(id: $id) { ... on Budget { spent remaining utilization status spendByPeriod { periodStart start end spent } } } }`,
      { id: gid('Budget', budget.id) },
    );
    expect(read.data!.node).toEqual({
      spent: '450.00',
      remaining: '550.00',
      utilization: '0.4500',
      status: 'OK',
      spendByPeriod: [
        { periodStart: '2024-01-01', start: '2024-02-15', end: '2024-03-31', spent: '100.00' },
        { periodStart: '2024-04-01', start: '2024-04-01', end: '2024-06-30', spent: '300.00' },
        { periodStart: '2024-07-01', start: '2024-07-01', end: '2024-08-31', spent: '50.00' },
      ],
    });
    // The page's loader and chargeBudget both read spend through spentByBudget: same answer.
    expect(await budgetSpentMinor(db, budget)).toBe(45000n);
  });

  it('totals a group per currency', async () => {
    const group = await groupFixture(db, viewer, 'Totals');
    const eur1 = await budgetFixture(db, viewer, { budgetGroupId: group.id, limit: '100.00' });
    await budgetFixture(db, viewer, { budgetGroupId: group.id, limit: '50.00' });
    await budgetFixture(db, viewer, { budgetGroupId: group.id, limit: '10.00', currency: 'USD' });
    await postedExpense(eur1.id, 2500n, '2024-06-01');
    const read = await app.gql(`query($id: ID!) { node(id: $id) { ... on BudgetGroup { name budgets { name } totals { currency budgetCount limit spent remaining } } } }`, {
      id: gid('BudgetGroup', group.id),
    });
    expect(read.data!.node.totals).toEqual([
      { currency: 'EUR', budgetCount: 2, limit: '150.00', spent: '25.00', remaining: '125.00' },
      { currency: 'USD', budgetCount: 1, limit: '10.00', spent: '0.00', remaining: '10.00' },
    ]);
    expect(read.data!.node.budgets).toHaveLength(3);
  });
});

describe('filters', () => {
  it('budgets by type and by period overlap, and only the viewer organization', async () => {
    await budgetFixture(db, viewer, { name: 'F-2023', type: 'EMPLOYEE', dateFrom: day('2023-01-01'), dateTo: day('2023-12-31') });
    await budgetFixture(db, viewer, { name: 'F-2023H2-2024H1', type: 'EMPLOYEE', dateFrom: day('2023-07-01'), dateTo: day('2024-06-30') });
    await budgetFixture(db, app.orgB.viewer, { name: 'F-theirs', type: 'EMPLOYEE', dateFrom: day('2023-01-01'), dateTo: day('2023-12-31') });
    const names = async (filter: Record<string, unknown>) =>
      (await app.gql(`query($filter: BudgetFilter) { budgets(first: 100, filter: $filter) { totalCount nodes { name } } }`, { filter })).data!.budgets;
    const employee2023 = await names({ type: 'EMPLOYEE', dateFrom: '2023-03-01', dateTo: '2023-03-31' });
    expect(employee2023).toEqual({ totalCount: 1, nodes: [{ name: 'F-2023' }] });
    const overlapping = await names({ type: 'EMPLOYEE', dateFrom: '2023-12-15', dateTo: '2024-01-15' });
    expect(overlapping.nodes.map((node: { name: string }) => node.name).sort()).toEqual(['F-2023', 'F-2023H2-2024H1']);
  });

  it('transactions by type (income / project transactions) and unassigned', async () => {
    const project = await runService(db, viewer, createProject, { name: 'Website' });
    await transactionFixture(db, viewer, { externalId: 'inc-1', type: 'INCOME', direction: 'CREDIT', date: day('2022-01-05') });
    await transactionFixture(db, viewer, { externalId: 'prj-1', type: 'PROJECT', projectId: project.id, date: day('2022-01-06') });
    const list = async (filter: Record<string, unknown>) =>
      (await app.gql(`query($filter: TransactionFilter) { transactions(filter: $filter) { totalCount nodes { externalId type project { name } } } }`, { filter }))
        .data!.transactions;
    expect(await list({ type: 'INCOME', dateTo: '2022-12-31' })).toEqual({ totalCount: 1, nodes: [{ externalId: 'inc-1', type: 'INCOME', project: null }] });
    expect(await list({ type: 'PROJECT', projectId: gid('Project', project.id) })).toEqual({
      totalCount: 1,
      nodes: [{ externalId: 'prj-1', type: 'PROJECT', project: { name: 'Website' } }],
    });
  });
});

describe('SQL statements for a page of budgets', () => {
  const PAGE = `query($first: Int!) {
    budgets(first: $first, filter: {dateFrom: "2030-01-01", dateTo: "2030-12-31"}) {
      totalCount
      nodes {
        name limit currency spent remaining utilization status
        spendByPeriod { periodStart spent }
        budgetGroup { name }
        employees { name }
        budgetEmployees { limit employee { name } }
        budgetContractors { limit contractor { name } }
        budgetProjects { project { name } }
        budgetInvoices { invoice { number amount } }
        alerts { thresholdPercent spent }
      }
    }
  }`;

  async function seedBudgets(count: number) {
    const group = await groupFixture(db, viewer, `Group ${count}`);
    const employee = await employeeFixture(db, viewer, `Employee ${count}`);
    const contractor = await runService(db, viewer, createContractor, { name: `Contractor ${count}` });
    const project = await runService(db, viewer, createProject, { name: `Project ${count}` });
    const invoice = await runService(db, viewer, createInvoice, { number: `INV-${count}`, amount: '10.00', currency: 'EUR' });
    const transaction = await transactionFixture(db, viewer, { amount: '100000.00', date: day('2030-05-05') });
    for (let i = 0; i < count; i++) {
      const budget = await budgetFixture(db, viewer, {
        name: `Page ${count} #${i}`,
        budgetGroupId: group.id,
        dateFrom: day('2030-01-01'),
        dateTo: day('2030-12-31'),
        limit: '100.00',
        config: ['SPEND_ALERTS'],
      });
      await runService(db, viewer, createBudgetEmployee, { budgetId: budget.id, employeeId: employee.id, limit: '10.00' });
      await runService(db, viewer, createBudgetContractor, { budgetId: budget.id, contractorId: contractor.id });
      await runService(db, viewer, createBudgetProject, { budgetId: budget.id, projectId: project.id });
      await runService(db, viewer, createBudgetInvoice, { budgetId: budget.id, invoiceId: invoice.id });
      await runService(db, viewer, createBudgetTransaction, { budgetId: budget.id, transactionId: transaction.id, amount: '85.00' });
      await postedExpense(budget.id, 100n, '2030-02-01');
    }
  }

  async function statementsFor(first: number) {
    app.database.statements.reset();
    const response = await app.gql(PAGE, { first });
    const count = app.database.statements.count;
    expect(response.errors).toBeUndefined();
    return { count, nodes: response.data!.budgets.nodes };
  }

  it('costs the same number of statements for 5 and for 50 budgets', async () => {
    await db.budget.deleteMany({ where: { organizationId: viewer.organizationId, dateFrom: { gte: day('2030-01-01') } } });
    await seedBudgets(5);
    const five = await statementsFor(5);
    expect(five.nodes).toHaveLength(5);
    expect(five.nodes[0]).toMatchObject({ spent: '86.00', remaining: '14.00', status: 'WARNING', alerts: [{ thresholdPercent: 80, spent: '85.00' }] });
    await seedBudgets(45);
    const fifty = await statementsFor(50);
    expect(fifty.nodes).toHaveLength(50);
    expect(fifty.count).toBe(five.count);
    // Pinned, so a new per-page query shows up in review.
    expect(five.count).toMatchInlineSnapshot(`4`);
  });
});

/**
 * SPEND_ALERTS: a BudgetAlert is recorded once per upward crossing of 80 % and of 100 %, and is
 * delivered after commit on the `budgetAlerts` subscription over SSE, to its organization only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBudgetTransaction, deleteBudgetTransaction } from '../../../src/services/budgets/budget-transactions.js';
import { createAlertPubSub } from '../../../src/http/alert-pubsub.js';
import { createTestApp, type TestApp, type TestTenant } from '../../support/app.js';
import { subscribeOverSse } from '../../support/sse.js';
import { budgetFixture, gid, transactionFixture } from '../../support/budget-fixtures.js';
import { runService } from '../../../src/services/core/service.js';

// The gateway's own pub/sub, so alerts of services run directly (runService) reach its subscribers.
const alerts = createAlertPubSub();
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ alerts });
});
afterAll(() => app.close());

const alertRows = (budgetId: string) =>
  app.database.prisma.budgetAlert.findMany({ where: { budgetId }, orderBy: [{ createdAt: 'asc' }, { thresholdPercent: 'asc' }] });

describe('alerts recorded by chargeBudget', () => {
  it('records 80 % and 100 % once each, even when spend dips and crosses again', async () => {
    const { viewer } = app.orgA;
    const db = app.database.prisma;
    const budget = await budgetFixture(db, viewer, { limit: '100.00', config: ['SPEND_ALERTS'] });
    const transaction = await transactionFixture(db, viewer, { amount: '1000.00' });
    const charge = (amount: string) => runService(db, viewer, createBudgetTransaction, { budgetId: budget.id, transactionId: transaction.id, amount });

    await charge('79.99');
    expect(await alertRows(budget.id)).toEqual([]);
    const crossing = await charge('0.01');
    expect((await alertRows(budget.id)).map((alert) => [alert.thresholdPercent, alert.spentMinor])).toEqual([[80, 8000n]]);
    await charge('10.00');
    expect(await alertRows(budget.id)).toHaveLength(1);
    await charge('20.00'); // 110 %: crosses 100
    expect((await alertRows(budget.id)).map((alert) => alert.thresholdPercent)).toEqual([80, 100]);
    await charge('5.00'); // still above: no new alert
    expect(await alertRows(budget.id)).toHaveLength(2);

    // Dropping back below 80 % and climbing again is a new crossing.
    await runService(db, viewer, deleteBudgetTransaction, { id: crossing.id });
    expect(await alertRows(budget.id)).toHaveLength(2);
    const all = await db.budgetTransaction.findMany({ where: { budgetId: budget.id } });
    for (const part of all) await runService(db, viewer, deleteBudgetTransaction, { id: part.id });
    await charge('85.00');
    expect((await alertRows(budget.id)).map((alert) => alert.thresholdPercent)).toEqual([80, 100, 80]);
  });

  it('crossing both thresholds in one charge records both; a budget without SPEND_ALERTS records none', async () => {
    const { viewer } = app.orgA;
    const db = app.database.prisma;
    const alerting = await budgetFixture(db, viewer, { limit: '100.00', config: ['SPEND_ALERTS'] });
    const silent = await budgetFixture(db, viewer, { limit: '100.00', config: [] });
    const transaction = await transactionFixture(db, viewer, { amount: '1000.00' });
    await runService(db, viewer, createBudgetTransaction, { budgetId: alerting.id, transactionId: transaction.id, amount: '150.00' });
    await runService(db, viewer, createBudgetTransaction, { budgetId: silent.id, transactionId: transaction.id, amount: '150.00' });
    expect((await alertRows(alerting.id)).map((alert) => alert.thresholdPercent)).toEqual([80, 100]);
    expect(await alertRows(silent.id)).toEqual([]);
  });
});

const subscribe = (tenant: TestTenant, query?: string) => subscribeOverSse(app, tenant, query);

describe('budgetAlerts subscription over SSE', () => {
  it('delivers each alert once, after commit, to its organization only', async () => {
    const db = app.database.prisma;
    const mine = await subscribe(app.orgA);
    const theirs = await subscribe(app.orgB);

    const budget = await budgetFixture(db, app.orgA.viewer, { name: 'Events', limit: '100.00', config: ['SPEND_ALERTS', 'AUTO_FREEZE'] });
    const transaction = await transactionFixture(db, app.orgA.viewer, { amount: '500.00' });
    const response = await app.gql(
      `mutation($input: CreateBudgetTransactionInput!) { createBudgetTransaction(input: $input) { __typename } }`,
      { input: { budgetId: gid('Budget', budget.id), transactionId: gid('Transaction', transaction.id), amount: '85.00' } },
    );
    expect(response.data!.createBudgetTransaction.__typename).toBe('CreateBudgetTransactionSuccess');
    // A refused charge (frozen) rolls back and publishes nothing.
    const refused = await app.gql(
      `mutation($input: CreateBudgetTransactionInput!) { createBudgetTransaction(input: $input) { __typename } }`,
      { input: { budgetId: gid('Budget', budget.id), transactionId: gid('Transaction', transaction.id), amount: '15.01' } },
    );
    expect(refused.data!.createBudgetTransaction.__typename).toBe('BudgetFrozenError');
    await runService(db, app.orgA.viewer, createBudgetTransaction, { budgetId: budget.id, transactionId: transaction.id, amount: '15.00' }, alerts);

    const events = await mine.waitFor(2);
    expect(events).toEqual([
      { data: { budgetAlerts: { thresholdPercent: 80, spent: '85.00', limit: '100.00', budget: { id: gid('Budget', budget.id), name: 'Events' } } } },
      { data: { budgetAlerts: { thresholdPercent: 100, spent: '100.00', limit: '100.00', budget: { id: gid('Budget', budget.id), name: 'Events' } } } },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mine.events).toHaveLength(2);
    expect(theirs.events).toEqual([]);
    await mine.close();
    await theirs.close();
  });

  it('budgetAlerts(budgetId:) delivers only that budget\'s alerts', async () => {
    const db = app.database.prisma;
    const { viewer } = app.orgA;
    const watched = await budgetFixture(db, viewer, { name: 'Watched', limit: '10.00', config: ['SPEND_ALERTS'] });
    const other = await budgetFixture(db, viewer, { name: 'Other', limit: '10.00', config: ['SPEND_ALERTS'] });
    const stream = await subscribe(app.orgA, `subscription { budgetAlerts(budgetId: "${gid('Budget', watched.id)}") { thresholdPercent budget { name } } }`);
    const transaction = await transactionFixture(db, viewer, { amount: '100.00' });
    await runService(db, viewer, createBudgetTransaction, { budgetId: other.id, transactionId: transaction.id, amount: '9.00' }, alerts);
    await runService(db, viewer, createBudgetTransaction, { budgetId: watched.id, transactionId: transaction.id, amount: '8.00' }, alerts);
    expect(await stream.waitFor(1)).toEqual([{ data: { budgetAlerts: { thresholdPercent: 80, budget: { name: 'Watched' } } } }]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stream.events).toHaveLength(1);
    await stream.close();
  });

  it("each event's nested budget shows spend and status as of that alert, not as of the first", async () => {
    const db = app.database.prisma;
    const { viewer } = app.orgA;
    const budget = await budgetFixture(db, viewer, { name: 'Fresh', limit: '100.00', config: ['SPEND_ALERTS'] });
    const stream = await subscribe(
      app.orgA,
      `subscription { budgetAlerts(budgetId: "${gid('Budget', budget.id)}") { thresholdPercent spent budget { spent status } } }`,
    );
    const transaction = await transactionFixture(db, viewer, { amount: '500.00' });
    await runService(db, viewer, createBudgetTransaction, { budgetId: budget.id, transactionId: transaction.id, amount: '85.00' }, alerts);
    await stream.waitFor(1);
    await runService(db, viewer, createBudgetTransaction, { budgetId: budget.id, transactionId: transaction.id, amount: '20.00' }, alerts);
    expect(await stream.waitFor(2)).toEqual([
      { data: { budgetAlerts: { thresholdPercent: 80, spent: '85.00', budget: { spent: '85.00', status: 'WARNING' } } } },
      { data: { budgetAlerts: { thresholdPercent: 100, spent: '105.00', budget: { spent: '105.00', status: 'EXCEEDED' } } } },
    ]);
    await stream.close();
  });

  it('refuses a subscription without an API key', async () => {
    const response = await app.yoga.fetch('http://allot.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { budgetAlerts { thresholdPercent } }' }),
    });
    const text = await response.text();
    expect(text).toContain('UNAUTHENTICATED');
  });
});

/**
 * Where the ledger meets budgets: posting an expense linked to a SPEND_ALERTS budget records the
 * alert in the posting's transaction and publishes it on `budgetAlerts` once committed; a posting
 * refused by AUTO_FREEZE publishes nothing and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId as gid } from '../../../src/graphql/global-id.js';
import { createAccount } from '../../../src/services/ledger/accounts.js';
import { createBudget } from '../../../src/services/budgets/budgets.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { subscribeOverSse } from '../../support/sse.js';
import { runService } from '../../../src/services/core/service.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const POST = `mutation($id: ID!) { postExpense(input: { id: $id }) { __typename ... on Error { code } } }`;
const CREATE = `mutation($input: CreateExpenseInput!) {
  createExpense(input: $input) { __typename ... on CreateExpenseSuccess { expense { id } } ... on Error { code message } }
}`;

describe('ledger postings against a budget', () => {
  it('publishes the 80 % alert when postExpense crosses it, and nothing for a frozen refusal', async () => {
    const { viewer } = app.orgA;
    const db = app.database.prisma;
    const account = await runService(db, viewer, createAccount, { name: 'Operating', currency: 'EUR', openingBalance: '1000.00' });
    const budget = await runService(db, viewer, createBudget, {
      name: 'Events',
      type: 'GLOBAL',
      granularity: 'MONTH',
      dateFrom: new Date('2024-01-01T00:00:00Z'),
      dateTo: new Date('2024-12-31T00:00:00Z'),
      config: ['SPEND_ALERTS', 'AUTO_FREEZE'],
      limit: '100.00',
      currency: 'EUR',
    });
    const expense = (amount: string) =>
      app.gql(CREATE, {
        input: { title: 'Booth', amount, accountId: gid('Account', account.id), budgetId: gid('Budget', budget.id), plannedDate: '2024-05-10' },
      });

    const subscription = await subscribeOverSse(app, app.orgA);
    const first = await expense('85.00');
    expect(first.data!.createExpense.__typename).toBe('CreateExpenseSuccess');
    const posted = await app.gql(POST, { id: first.data!.createExpense.expense.id });
    expect(posted.data!.postExpense.__typename).toBe('PostExpenseSuccess');

    const events = await subscription.waitFor(1);
    expect(events).toEqual([{ data: { budgetAlerts: expect.objectContaining({ thresholdPercent: 80, spent: '85.00', limit: '100.00' }) } }]);

    // 85 + 20 would pass the AUTO_FREEZE limit: refused, nothing moves, nothing is published.
    const second = await expense('20.00');
    const refused = await app.gql(POST, { id: second.data!.createExpense.expense.id });
    expect(refused.data!.postExpense).toEqual({ __typename: 'BudgetFrozenError', code: 'BUDGET_FROZEN' });
    expect((await db.account.findUniqueOrThrow({ where: { id: account.id } })).balanceMinor).toBe(91500n);
    expect(await db.budgetAlert.count({ where: { budgetId: budget.id } })).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(subscription.events).toHaveLength(1);
    await subscription.close();
  });
});

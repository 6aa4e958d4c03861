/**
 * createExpense with `post` against one account and one budget from parallel connections
 * (PostgreSQL only). Inserting the expense takes a KEY SHARE lock on the account and budget rows
 * it references; posting then needs FOR UPDATE on them. Two requests each holding the share lock
 * and waiting for the other's deadlocked (found by the crash test's load); the service now locks
 * both rows before the insert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId as gid } from '../../../src/graphql/global-id.js';
import { createAccount } from '../../../src/services/ledger/accounts.js';
import { createBudget } from '../../../src/services/budgets/budgets.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { usingPostgres } from '../../support/database.js';
import { findInvariantViolations } from '../../support/invariants.js';
import { runService } from '../../../src/services/core/service.js';

describe.skipIf(!usingPostgres)('concurrent createExpense with post on PostgreSQL', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());

  it('20 parallel creates posting to one account and one AUTO_FREEZE budget: no deadlock, the limit holds', async () => {
    const db = app.database.prisma;
    const viewer = app.orgA.viewer;
    const account = await runService(db, viewer, createAccount, { name: 'Shared', currency: 'EUR', openingBalance: '1000.00' });
    const budget = await runService(db, viewer, createBudget, {
      name: 'Shared budget',
      type: 'GLOBAL',
      granularity: 'MONTH',
      dateFrom: new Date('2024-01-01'),
      dateTo: new Date('2024-12-31'),
      config: ['AUTO_FREEZE'],
      limit: '100.00',
      currency: 'EUR',
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        app.gql(`mutation($input: CreateExpenseInput!) { createExpense(input: $input) { __typename ... on Error { code } } }`, {
          input: { title: `E${n}`, amount: '10.00', accountId: gid('Account', account.id), budgetId: gid('Budget', budget.id), plannedDate: '2024-05-01', post: true },
        }),
      ),
    );
    expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
    const outcomes = results.map((result) => result.data!.createExpense.code ?? result.data!.createExpense.__typename);
    expect(outcomes.filter((outcome) => outcome === 'CreateExpenseSuccess')).toHaveLength(10);
    expect(outcomes.filter((outcome) => outcome === 'BUDGET_FROZEN')).toHaveLength(10);
    expect((await db.account.findUniqueOrThrow({ where: { id: account.id } })).balanceMinor).toBe(90000n);
    expect(await findInvariantViolations(db)).toEqual([]);
  });
});

/**
 * Real parallel connections (PostgreSQL only; PGlite has one connection): concurrent spend against
 * an AUTO_FREEZE budget never ends above its limit, and concurrent splits of one transaction never
 * add up to more than it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/open.js';
import { budgetSpentMinor } from '../../../src/services/budgets/spend.js';
import { createBudgetTransaction, updateBudgetTransaction } from '../../../src/services/budgets/budget-transactions.js';
import { importTransactions } from '../../../src/services/budgets/external-transaction-import.js';
import type { Viewer } from '../../../src/services/core/viewer.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { usingPostgres } from '../../support/database.js';
import { budgetFixture, transactionFixture } from '../../support/budget-fixtures.js';
import { runService } from '../../../src/services/core/service.js';

describe.skipIf(!usingPostgres)('budgets under concurrency (PostgreSQL)', () => {
  let app: TestApp;
  let db: Db;
  let viewer: Viewer;

  beforeAll(async () => {
    app = await createTestApp();
    db = app.database.prisma;
    viewer = app.orgA.viewer;
  });
  afterAll(() => app.close());

  const outcomes = (results: PromiseSettledResult<unknown>[]) =>
    results.map((result) => (result.status === 'fulfilled' ? 'ok' : (result.reason as { code?: string }).code ?? String(result.reason)));

  it('40 concurrent budget transactions against an AUTO_FREEZE budget never pass its limit', async () => {
    const budget = await budgetFixture(db, viewer, { limit: '1000.00', config: ['AUTO_FREEZE', 'SPEND_ALERTS'] });
    // Each on its own transaction, so only the budget lock serialises them.
    const transactions = await Promise.all(Array.from({ length: 40 }, () => transactionFixture(db, viewer, { amount: '75.00' })));
    const results = await Promise.allSettled(
      transactions.map((transaction) => runService(db, viewer, createBudgetTransaction, { budgetId: budget.id, transactionId: transaction.id, amount: '75.00' })),
    );
    const codes = outcomes(results);
    expect(codes.filter((code) => code === 'ok')).toHaveLength(13); // 13 × 75 = 975; a 14th would be 1050
    expect(codes.filter((code) => code !== 'ok').every((code) => code === 'BUDGET_FROZEN')).toBe(true);
    expect(await budgetSpentMinor(db, budget)).toBe(97500n);
    // One alert per crossing, even with many writers racing past 80 %.
    expect((await db.budgetAlert.findMany({ where: { budgetId: budget.id } })).map((alert) => alert.thresholdPercent)).toEqual([80]);
  });

  it('concurrent increases of existing parts cannot pass the limit either', async () => {
    const budget = await budgetFixture(db, viewer, { limit: '100.00', config: ['AUTO_FREEZE'] });
    const parts = [];
    for (let i = 0; i < 10; i++) {
      const transaction = await transactionFixture(db, viewer, { amount: '100.00' });
      parts.push(await runService(db, viewer, createBudgetTransaction, { budgetId: budget.id, transactionId: transaction.id, amount: '5.00' }));
    }
    const results = await Promise.allSettled(parts.map((part) => runService(db, viewer, updateBudgetTransaction, { id: part.id, amount: '15.00' })));
    expect(outcomes(results).filter((code) => code === 'ok')).toHaveLength(5); // 50 + 5 × 10 = 100
    expect(await budgetSpentMinor(db, budget)).toBe(10000n);
  });

  it('30 concurrent splits of one transaction across budgets never exceed its amount', async () => {
    const transaction = await transactionFixture(db, viewer, { amount: '1000.00' });
    const budgets = await Promise.all(Array.from({ length: 30 }, (_, i) => budgetFixture(db, viewer, { name: `Split ${i}`, limit: '100000.00' })));
    const results = await Promise.allSettled(
      budgets.map((budget) => runService(db, viewer, createBudgetTransaction, { budgetId: budget.id, transactionId: transaction.id, amount: '70.00' })),
    );
    const codes = outcomes(results);
    expect(codes.filter((code) => code === 'ok')).toHaveLength(14); // 14 × 70 = 980
    expect(codes.filter((code) => code !== 'ok').every((code) => code === 'ALLOCATION_EXCEEDED')).toBe(true);
    const allocated = await db.budgetTransaction.aggregate({ where: { transactionId: transaction.id }, _sum: { amountMinor: true } });
    expect(allocated._sum.amountMinor).toBe(98000n);
  });

  it('5 concurrent imports of one file store each externalId once, and report each created once', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => ({
      externalId: `race-${i}`,
      date: new Date('2024-04-01T00:00:00Z'),
      amount: '10.00',
      currency: 'EUR',
      direction: 'DEBIT',
    }));
    const reports = await Promise.all(Array.from({ length: 5 }, () => runService(db, viewer, importTransactions, { rows })));
    expect(reports.reduce((sum, report) => sum + report.created, 0)).toBe(20);
    expect(reports.every((report) => report.created + report.existing === 20)).toBe(true);
    expect(await db.transaction.count({ where: { organizationId: viewer.organizationId, externalId: { startsWith: 'race-' } } })).toBe(20);
  });
});

/**
 * The invariants of test/support/invariants.ts can fail: on data written through the services they
 * hold, and each corruption below (done in a transaction that is rolled back) is reported by
 * the rule that should catch it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/open.js';
import { createAccount } from '../../src/services/ledger/accounts.js';
import { createBudgetTransaction } from '../../src/services/budgets/budget-transactions.js';
import { createBudget } from '../../src/services/budgets/budgets.js';
import { createEntry } from '../../src/services/ledger/entries.js';
import { createTransaction } from '../../src/services/budgets/external-transactions.js';
import { cancelTransfer, transferFunds } from '../../src/services/ledger/transfers.js';
import { createTestApp, type TestApp } from './app.js';
import { findInvariantViolations } from './invariants.js';
import { runService } from '../../src/services/core/service.js';

let app: TestApp;
const ids: Record<string, string> = {};

beforeAll(async () => {
  app = await createTestApp();
  const db = app.database.prisma;
  const { viewer } = app.orgA;
  const a = await runService(db, viewer, createAccount, { name: 'A', currency: 'EUR', openingBalance: '100.00' });
  const b = await runService(db, viewer, createAccount, { name: 'B', currency: 'EUR' });
  const budget = await runService(db, viewer, createBudget, {
    name: 'Frozen',
    type: 'GLOBAL',
    granularity: 'MONTH',
    dateFrom: new Date('2024-01-01'),
    dateTo: new Date('2024-12-31'),
    config: ['AUTO_FREEZE'],
    limit: '50.00',
    currency: 'EUR',
  });
  const expense = await runService(db, viewer, createEntry, { kind: 'EXPENSE', title: 'Paper', amount: '10.00', accountId: a.id, budgetId: budget.id, plannedDate: new Date('2024-02-01'), post: true });
  await runService(db, viewer, createEntry, { kind: 'INCOME', title: 'Fee', amount: '5.00', accountId: b.id, post: true });
  const moved = await runService(db, viewer, transferFunds, { fromAccountId: a.id, toAccountId: b.id, amount: '20.00', title: 'Move', post: true });
  const cancelled = await runService(db, viewer, transferFunds, { fromAccountId: a.id, toAccountId: b.id, amount: '7.00', title: 'Undo', post: true });
  await runService(db, viewer, cancelTransfer, { id: cancelled.id });
  const transaction = await runService(db, viewer, createTransaction, { externalId: 'erp-1', date: new Date('2024-03-01'), amount: '30.00', currency: 'EUR', direction: 'DEBIT' });
  await runService(db, viewer, createBudgetTransaction, { budgetId: budget.id, transactionId: transaction.id, amount: '30.00' });
  Object.assign(ids, { a: a.id, budget: budget.id, expense: expense.entry.id, moved: moved.id, transaction: transaction.id });
});
afterAll(() => app.close());

class Rollback extends Error {}

/** The rules broken after `corrupt`, which is then rolled back. */
async function brokenRulesAfter(corrupt: string): Promise<string[]> {
  let rules: string[] = [];
  await app.database.prisma
    .$transaction(async (tx) => {
      await tx.$executeRawUnsafe(corrupt);
      rules = (await findInvariantViolations(tx as unknown as Db)).map((violation) => violation.rule);
      throw new Rollback();
    })
    .catch((error) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return rules;
}

describe('data invariants', () => {
  it('hold for postings, transfers (one cancelled) and budget transactions written through the services', async () => {
    expect(await findInvariantViolations(app.database.prisma)).toEqual([]);
  });

  it.each([
    ['a balance off by one cent', () => `UPDATE "Account" SET "balanceMinor" = "balanceMinor" + 1 WHERE id = '${ids.a}'`, /^account balance/],
    ['an unposted expense that still moved money', () => `UPDATE "Entry" SET posted = false, "postedAt" = NULL WHERE id = '${ids.expense}'`, /^account balance/],
    ['a cancelled transfer still counted as posted', () => `UPDATE "Transfer" SET "cancelledAt" = now() WHERE id = '${ids.moved}'`, /^a posted entry has postedAt/],
    ['an expense without its NEW event', () => `DELETE FROM "ChangelogEvent" WHERE "entityId" = '${ids.expense}' AND action = 'NEW'`, /^every expense, income, transfer/],
    ['a transfer without its NEW event', () => `DELETE FROM "ChangelogEvent" WHERE "entityId" = '${ids.moved}' AND action = 'NEW'`, /^every expense, income, transfer/],
    ['an AUTO_FREEZE budget over its limit without an edit', () => `UPDATE "Budget" SET "limitMinor" = 100 WHERE id = '${ids.budget}'`, /^no AUTO_FREEZE budget is over its limit/],
    ['budget parts above their transaction', () => `UPDATE "Transaction" SET "amountMinor" = 2999 WHERE id = '${ids.transaction}'`, /^a transaction's budget parts/],
  ])('catch %s', async (_name, corrupt, rule) => {
    const rules = await brokenRulesAfter(corrupt());
    expect(rules.some((broken) => rule.test(broken)), rules.join('; ')).toBe(true);
    expect(await findInvariantViolations(app.database.prisma)).toEqual([]);
  });

  it('an edit of an AUTO_FREEZE budget that would leave it over its limit is refused, so the rule has no exemption', async () => {
    const { updateBudget } = await import('../../src/services/budgets/budgets.js');
    const before = await app.database.prisma.budget.findUniqueOrThrow({ where: { id: ids.budget! } });
    await expect(runService(app.database.prisma, app.orgA.viewer, updateBudget, { id: ids.budget!, limit: '1.00' })).rejects.toMatchObject({ code: 'BUDGET_OVER_LIMIT' });
    expect(await app.database.prisma.budget.findUniqueOrThrow({ where: { id: ids.budget! } })).toEqual(before);
    expect(await findInvariantViolations(app.database.prisma)).toEqual([]);
  });
});

/**
 * A row a write points at, deleted by a concurrent transaction (issue 10, item 8): every such race
 * answers its typed error, never INTERNAL_SERVER_ERROR. `deleteCategory` racing `createExpense`
 * on the category was the reported case (4–6 foreign-key 500s out of 30 pairs).
 *
 * PGlite has one connection and serialises the pair, so there each order is shown one after the
 * other, and the translation of the database's own foreign-key refusal is shown on a real one.
 * PostgreSQL runs the pairs truly at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/open.js';
import { DomainError, NotFoundError } from '../../../src/domain/errors.js';
import { createEmployee, createProject, deleteEmployee, deleteProject } from '../../../src/services/budgets/allocation-targets.js';
import { createBudgetEmployee } from '../../../src/services/budgets/allocations.js';
import { createBudgetTransaction } from '../../../src/services/budgets/budget-transactions.js';
import { createBudget, createBudgetGroup, deleteBudget, deleteBudgetGroup } from '../../../src/services/budgets/budgets.js';
import { createTransaction } from '../../../src/services/budgets/external-transactions.js';
import { rethrowMissingReference } from '../../../src/services/core/database-errors.js';
import { runService } from '../../../src/services/core/service.js';
import type { Viewer } from '../../../src/services/core/viewer.js';
import { createCategory, deleteCategory } from '../../../src/services/ledger/categories.js';
import { createEntry, updateEntry } from '../../../src/services/ledger/entries.js';
import { insertEntryRow } from '../../../src/services/ledger/entry-insert.js';
import type { Tx } from '../../../src/services/core/unit-of-work.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { usingPostgres } from '../../support/database.js';
import { budgetFixture, day, transactionFixture, unique } from '../../support/budget-fixtures.js';
import { ledgerScenario, type LedgerScenario } from '../../support/ledger-fixtures.js';
import { expectCode } from '../../support/service-fixture.js';

let app: TestApp;
let db: Db;
let viewer: Viewer;
let s: LedgerScenario;
beforeAll(async () => {
  app = await createTestApp();
  db = app.database.prisma;
  viewer = app.orgA.viewer;
  s = await ledgerScenario(db, viewer);
});
afterAll(() => app.close());

const newCategory = () => runService(db, viewer, createCategory, { title: unique('cat'), kind: 'EXPENSE' });
const expenseIn = (categoryId: string) =>
  runService(db, viewer, createEntry, { kind: 'EXPENSE', title: 'Racing', amount: '1.00', accountId: s.cash.id, categoryId });

/** What a settled call answered: 'ok' or its typed code; an untyped failure fails the test. */
function outcome(result: PromiseSettledResult<unknown>): string {
  if (result.status === 'fulfilled') return 'ok';
  if (result.reason instanceof DomainError) return result.reason.code;
  throw new Error(`Untyped failure (would be INTERNAL_SERVER_ERROR): ${String(result.reason)}`);
}

describe('one after the other (every database)', () => {
  it('deleteCategory then createExpense on it: NOT_FOUND; createExpense then deleteCategory: CATEGORY_IN_USE', async () => {
    const gone = await newCategory();
    await runService(db, viewer, deleteCategory, { id: gone.id });
    await expectCode(expenseIn(gone.id), 'NOT_FOUND');
    const used = await newCategory();
    await expenseIn(used.id);
    await expectCode(runService(db, viewer, deleteCategory, { id: used.id }), 'CATEGORY_IN_USE');
    expect(await db.category.count({ where: { id: used.id } })).toBe(1);
  });

  it("the database's own refusal of a deleted reference is answered as NOT_FOUND on that field", async () => {
    // What a write meets when the row was deleted between its check and its insert.
    const write = db.entry.create({
      data: {
        organizationId: viewer.organizationId, kind: 'EXPENSE', title: 'Late', accountId: s.cash.id, amountMinor: 100n,
        periodYear: 2024, periodMonth: 1, categoryId: '00000000-0000-4000-8000-000000000000',
      },
    });
    const error = await write.catch((caught: unknown) => caught);
    let translated: unknown;
    try {
      rethrowMissingReference(error);
    } catch (caught) {
      translated = caught;
    }
    expect(translated).toBeInstanceOf(NotFoundError);
    expect(translated).toMatchObject({ code: 'NOT_FOUND', entity: 'Category', field: 'categoryId' });
    expect(await db.entry.count({ where: { title: 'Late' } })).toBe(0);
  });

  it('so is the refusal of the raw insert createEntry uses, and the balance it would have moved stays', async () => {
    const before = await db.account.findUniqueOrThrow({ where: { id: s.cash.id } });
    const row = {
      organizationId: viewer.organizationId, kind: 'EXPENSE' as const, title: 'Late raw', description: null, accountId: s.cash.id, amountMinor: 100n,
      periodYear: 2024, periodMonth: 1, plannedDate: null, invoiceNumber: null, invoiceDate: null, invoicePaidDate: null, dealRef: null,
      counterpartyId: null, budgetId: null, posted: true, postedAt: new Date(), authorId: null, categoryId: '00000000-0000-4000-8000-000000000000',
    };
    const refused = await db.$transaction((tx) => insertEntryRow(tx as unknown as Tx, row, new Date(), -100n).catch(rethrowMissingReference)).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(NotFoundError);
    expect(refused).toMatchObject({ code: 'NOT_FOUND', entity: 'Category', field: 'categoryId' });
    expect(await db.entry.count({ where: { title: 'Late raw' } })).toBe(0);
    expect((await db.account.findUniqueOrThrow({ where: { id: s.cash.id } })).balanceMinor).toBe(before.balanceMinor);
  });
});

describe.skipIf(!usingPostgres)('at the same time (PostgreSQL)', () => {
  const PAIRS = 30;

  it(`deleteCategory racing createExpense / updateExpense on it, ${PAIRS} pairs: typed answers, never both`, async () => {
    for (let i = 0; i < PAIRS; i++) {
      const category = await newCategory();
      const existing = i % 2 === 1 ? await expenseIn(s.phone.id) : null;
      const write = existing
        ? runService(db, viewer, updateEntry, { kind: 'EXPENSE', id: existing.entry.id, categoryId: category.id })
        : expenseIn(category.id);
      const [written, deleted] = (await Promise.allSettled([write, runService(db, viewer, deleteCategory, { id: category.id })])).map(outcome);
      // Exactly one wins; the other says why.
      expect([written, deleted], `pair ${i}`).toSatisfy(
        ([w, d]: string[]) => (w === 'ok' && d === 'CATEGORY_IN_USE') || (w === 'NOT_FOUND' && d === 'ok'),
      );
    }
  });

  it(`deleteBudget racing createExpense(budgetId), deleteBudgetGroup racing createBudget, ${PAIRS} pairs each`, async () => {
    for (let i = 0; i < PAIRS; i++) {
      const budget = await budgetFixture(db, viewer, { currency: 'RUB' });
      const results = await Promise.allSettled([
        runService(db, viewer, createEntry, { kind: 'EXPENSE', title: 'B', amount: '1.00', accountId: s.cash.id, budgetId: budget.id, post: i % 2 === 0 }),
        runService(db, viewer, deleteBudget, { id: budget.id }),
      ]);
      const [written, deleted] = results.map(outcome);
      expect(deleted).toBe('ok');
      expect(['ok', 'NOT_FOUND']).toContain(written);

      const group = await runService(db, viewer, createBudgetGroup, { name: unique('group') });
      const groupResults = await Promise.allSettled([
        runService(db, viewer, createBudget, {
          name: 'G', type: 'GLOBAL', granularity: 'MONTH', dateFrom: day('2024-01-01'), dateTo: day('2024-12-31'), limit: '1.00', currency: 'EUR', budgetGroupId: group.id,
        }),
        runService(db, viewer, deleteBudgetGroup, { id: group.id }),
      ]);
      expect(['ok', 'NOT_FOUND']).toContain(outcome(groupResults[0]!));
      expect(outcome(groupResults[1]!)).toBe('ok');
    }
  });

  it(`deleting an employee or project racing what points at it, ${PAIRS} pairs each`, async () => {
    const budget = await budgetFixture(db, viewer, { limit: '100000.00' });
    for (let i = 0; i < PAIRS; i++) {
      const employee = await runService(db, viewer, createEmployee, { name: unique('employee') });
      const transaction = await transactionFixture(db, viewer, { amount: '1.00' });
      const [allocated, split, removed] = (
        await Promise.allSettled([
          runService(db, viewer, createBudgetEmployee, { budgetId: budget.id, employeeId: employee.id }),
          runService(db, viewer, createBudgetTransaction, { budgetId: budget.id, transactionId: transaction.id, employeeId: employee.id, amount: '1.00' }),
          runService(db, viewer, deleteEmployee, { id: employee.id }),
        ])
      ).map(outcome);
      expect(['ok', 'NOT_FOUND']).toContain(allocated);
      expect(['ok', 'NOT_FOUND']).toContain(split);
      expect(removed).toBe('ok');

      const project = await runService(db, viewer, createProject, { name: unique('project') });
      const [created, projectRemoved] = (
        await Promise.allSettled([
          runService(db, viewer, createTransaction, {
            externalId: unique('p'), date: day('2024-03-01'), amount: '1.00', currency: 'EUR', direction: 'DEBIT', type: 'PROJECT', projectId: project.id,
          }),
          runService(db, viewer, deleteProject, { id: project.id }),
        ])
      ).map(outcome);
      expect(['ok', 'NOT_FOUND']).toContain(created);
      expect(projectRemoved).toBe('ok');
    }
  });
});

/**
 * The demo organization created on first start: the CRM category tree of seed 004, a bank account
 * and seed 000's "EMEA Marketing FY25" budget, with a key that works.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAllotYoga } from '../../src/http/yoga.js';
import { seedDemoOrganization } from '../../src/services/demo.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';

// Written out from seed 004's `category` response (dohod / rashod, in the order given there),
// independently of src/services/demo.ts, so a typo or a lost node there fails this test.
const SEED_004 = {
  INCOME: [{ title: 'Прочие поступления', sub: ['Инвестиции', 'Наличка', 'Прочие доходы'] }],
  EXPENSE: [
    { title: 'Расходы на офис', sub: ['Аренда офиса', 'Оборудование', 'Почтовые расходы', 'Продукты питания', 'Телефония'] },
    { title: 'Расчеты с контрагентами', sub: ['Бюджет: налоги, взносы, пфр', 'Партнеры', 'Поставщики'] },
    { title: 'Реклама', sub: ['100CRM', 'Direct Mail', 'Вебинары', 'Интернет-реклама', 'Справочник'] },
    { title: 'Сотрудники', sub: ['Зарплата', 'Командировочные', 'Премия'] },
  ],
};

let database: TestDatabase;
let demo: { organizationId: string; apiKey: string };

beforeAll(async () => {
  database = await openTestDatabase();
  expect(await database.prisma.organization.count()).toBe(0);
  demo = await seedDemoOrganization(database.prisma);
});
afterAll(() => database.close());

describe('seedDemoOrganization', () => {
  it('creates one demo organization', async () => {
    const orgs = await database.prisma.organization.findMany();
    expect(orgs).toEqual([expect.objectContaining({ id: demo.organizationId, isDemo: true })]);
  });

  it('creates the CRM category tree of seed 004, both kinds, exactly', async () => {
    const rows = await database.prisma.category.findMany({ where: { organizationId: demo.organizationId } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const kind of ['INCOME', 'EXPENSE'] as const) {
      const roots = rows.filter((row) => row.kind === kind && row.parentId === null);
      const tree = roots
        .map((root) => ({
          title: root.title,
          sub: rows.filter((row) => row.parentId === root.id).map((row) => row.title).sort((a, b) => a.localeCompare(b, 'ru')),
        }))
        .sort((a, b) => a.title.localeCompare(b.title, 'ru'));
      const expected = SEED_004[kind]
        .map((root) => ({ title: root.title, sub: [...root.sub].sort((a, b) => a.localeCompare(b, 'ru')) }))
        .sort((a, b) => a.title.localeCompare(b.title, 'ru'));
      expect(tree).toEqual(expected);
    }
    // Two levels only, and every child has its parent's kind.
    for (const row of rows) {
      if (row.parentId) {
        const parent = byId.get(row.parentId)!;
        expect(parent.parentId).toBeNull();
        expect(parent.kind).toBe(row.kind);
      }
    }
    const expectedCount = Object.values(SEED_004).flat().reduce((n, root) => n + 1 + root.sub.length, 0);
    expect(rows).toHaveLength(expectedCount);
  });

  it('creates a bank account', async () => {
    const accounts = await database.prisma.account.findMany({ where: { organizationId: demo.organizationId } });
    expect(accounts).toHaveLength(1);
    expect(accounts[0]!.bank).toBeTruthy();
    expect(accounts[0]!.closedAt).toBeNull();
    expect(accounts[0]!.balanceMinor).toBe(accounts[0]!.openingBalanceMinor);
  });

  it('creates the "EMEA Marketing FY25" budget of seed 000 in its group', async () => {
    const budgets = await database.prisma.budget.findMany({
      where: { organizationId: demo.organizationId },
      include: { budgetGroup: true },
    });
    expect(budgets).toHaveLength(1);
    const budget = budgets[0]!;
    expect(budget).toMatchObject({ name: 'EMEA Marketing FY25', type: 'GLOBAL', granularity: 'MONTH' });
    expect(budget.dateFrom.toISOString().slice(0, 10)).toBe('2024-01-01');
    expect(budget.dateTo.toISOString().slice(0, 10)).toBe('2024-12-31');
    expect([...budget.config].sort()).toEqual(['AUTO_FREEZE', 'SPEND_ALERTS']);
    expect(budget.budgetGroup?.organizationId).toBe(demo.organizationId);
    expect(budget.limitMinor > 0n).toBe(true);
  });

  it('logs every seeded object in the changelog, like any other write', async () => {
    const events = await database.prisma.changelogEvent.groupBy({
      by: ['entityType'],
      where: { organizationId: demo.organizationId, action: 'NEW' },
      _count: true,
    });
    const counts = Object.fromEntries(events.map((e) => [e.entityType, e._count]));
    expect(counts).toEqual({ Category: 24, Account: 1, BudgetGroup: 1, Budget: 1 });
  });

  it('returns a key that works and sees the tree through the API', async () => {
    const yoga = createAllotYoga({ db: database.prisma, graphiql: false, logError: () => {} });
    const response = await yoga.fetch('http://allot.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.apiKey}` },
      body: JSON.stringify({ query: '{ viewer { isDemo } categories(kind: INCOME) { title children { title } } accounts { totalCount } }' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      data: {
        viewer: { isDemo: true },
        categories: [{ title: 'Прочие поступления', children: [{ title: 'Инвестиции' }, { title: 'Наличка' }, { title: 'Прочие доходы' }] }],
        accounts: { totalCount: 1 },
      },
    });
  });
});

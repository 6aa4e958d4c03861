/**
 * The demo organization created on first start: the CRM category tree of seed 004 and the story of
 * src/demo/story.ts (one currency per story, this year's dates, records posted and unposted, a
 * transfer, a budget in WARNING and one FROZEN), with a key that works; every GraphiQL tab and
 * every runnable README query returns data on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { encodeGlobalId } from '../../src/graphql/global-id.js';
import { demoExampleIds, exampleTabs } from '../../src/http/graphiql.js';
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

async function gql(query: string, variables?: Record<string, unknown>, operationName?: string): Promise<any> {
  const yoga = createAllotYoga({ db: database.prisma, graphiql: false, logError: () => {} });
  const response = await yoga.fetch('http://allot.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.apiKey}` },
    body: JSON.stringify({ query, variables, operationName }),
  });
  return response.json();
}

/** The root fields of an answer that found nothing (an empty list or connection): an example without data. */
function emptyLists(data: Record<string, unknown>): string[] {
  return Object.entries(data).flatMap(([field, value]) => {
    const list = Array.isArray(value) ? value : ((value as any)?.nodes ?? (value as any)?.edges);
    if (Array.isArray(list) && list.length === 0) return [field];
    if ((value as any)?.totalCount === 0) return [field];
    return [];
  });
}

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

  it('tells one story per currency: RUB for the CRM ledger, EUR for the budgets and what charges them', async () => {
    const accounts = await database.prisma.account.findMany({ where: { organizationId: demo.organizationId } });
    expect(accounts.map((a) => [a.name, a.currency]).sort()).toEqual([
      ['EUR operating', 'EUR'],
      ['Касса', 'RUB'],
      ['Расчётный счёт', 'RUB'],
    ]);
    const budgets = await database.prisma.budget.findMany({ where: { organizationId: demo.organizationId } });
    expect(budgets.map((b) => b.currency)).toEqual(['EUR', 'EUR']);
    const charging = await database.prisma.entry.findMany({ where: { organizationId: demo.organizationId, budgetId: { not: null } }, include: { account: true, budget: true } });
    expect(charging.length).toBeGreaterThanOrEqual(4);
    for (const entry of charging) expect(entry.account.currency).toBe(entry.budget!.currency);
  });

  it("dates everything in this year: the budgets' windows and every record", async () => {
    const year = new Date().getUTCFullYear();
    const budgets = await database.prisma.budget.findMany({ where: { organizationId: demo.organizationId } });
    for (const budget of budgets) {
      expect(budget.dateFrom.toISOString().slice(0, 10)).toBe(`${year}-01-01`);
      expect(budget.dateTo.toISOString().slice(0, 10)).toBe(`${year}-12-31`);
    }
    expect(budgets.find((b) => b.name.startsWith('EMEA Marketing'))!.name).toBe(`EMEA Marketing FY${String(year % 100).padStart(2, '0')}`);
    const entries = await database.prisma.entry.findMany({ where: { organizationId: demo.organizationId } });
    for (const entry of entries) {
      expect(entry.periodYear).toBe(year);
      expect(entry.plannedDate!.getUTCFullYear()).toBe(year);
      expect(entry.plannedDate!.getTime()).toBeLessThanOrEqual(Date.now());
    }
  });

  it('has expenses and incomes, posted and unposted, counterparties and a posted transfer', async () => {
    const entries = await database.prisma.entry.findMany({ where: { organizationId: demo.organizationId } });
    const kinds = new Set(entries.map((e) => `${e.kind}:${e.posted}`));
    expect([...kinds].sort()).toEqual(['EXPENSE:false', 'EXPENSE:true', 'INCOME:false', 'INCOME:true']);
    expect(await database.prisma.counterparty.count({ where: { organizationId: demo.organizationId } })).toBeGreaterThanOrEqual(2);
    const transfers = await database.prisma.transfer.findMany({ where: { organizationId: demo.organizationId } });
    expect(transfers).toEqual([expect.objectContaining({ posted: true, cancelledAt: null })]);
    // Balances add up: the running balance equals opening + posted incomes − posted expenses ± transfers.
    const accounts = await database.prisma.account.findMany({ where: { organizationId: demo.organizationId } });
    for (const account of accounts) {
      let expected = account.openingBalanceMinor;
      for (const e of entries) if (e.accountId === account.id && e.posted) expected += e.kind === 'INCOME' ? e.amountMinor : -e.amountMinor;
      for (const t of transfers) {
        if (t.fromAccountId === account.id) expected -= t.amountMinor;
        if (t.toAccountId === account.id) expected += t.amountMinor;
      }
      expect(account.balanceMinor).toBe(expected);
    }
  });

  it('has a budget in WARNING with its alert, and a FROZEN one that refused a spend', async () => {
    const answer = await gql('{ budgets { nodes { name status spent limit config alerts { thresholdPercent } } } }');
    const budgets = answer.data.budgets.nodes;
    const emea = budgets.find((b: any) => b.name.startsWith('EMEA Marketing FY'));
    expect(emea).toMatchObject({ status: 'WARNING', spent: '16500.00', limit: '20000.00', alerts: [{ thresholdPercent: 80 }] });
    const offsite = budgets.find((b: any) => b.name === 'Team offsite');
    expect(offsite).toMatchObject({ status: 'FROZEN', spent: '3000.00', limit: '3000.00' });
    expect(offsite.config).toContain('AUTO_FREEZE');
    const dinner = await database.prisma.entry.findFirstOrThrow({ where: { organizationId: demo.organizationId, title: 'Offsite dinner' } });
    expect(dinner.posted).toBe(false);
    const refused = await gql(`mutation { postExpense(input: { id: "${encodeGlobalId('Expense', dinner.id)}" }) { ... on Error { code } } }`);
    expect(refused.data.postExpense).toEqual({ code: 'BUDGET_FROZEN' });
  });

  it("every GraphiQL tab's operations return data (the subscription's budget exists)", async () => {
    const ids = await demoExampleIds(database.prisma, demo.apiKey);
    expect(ids.unpostedExpenseId).toBeTruthy();
    expect(ids.budgetId).toBeTruthy();
    for (const tab of exampleTabs(ids)) {
      const document = parse(tab.query);
      for (const operation of document.definitions) {
        if (operation.kind !== 'OperationDefinition' || operation.operation === 'subscription') continue;
        const answer = await gql(tab.query, tab.variables, operation.name!.value);
        expect(answer.errors, `${tab.name} ${operation.name!.value}`).toBeUndefined();
        expect(emptyLists(answer.data), `${tab.name} ${operation.name!.value}`).toEqual([]);
        // The PostExpense tab's mutation succeeds on the expense in its variables.
        if (operation.operation === 'mutation') expect(answer.data.postExpense.__typename).toBe('PostExpenseSuccess');
      }
    }
  });

  it("the README's runnable query examples return data on the demo", async () => {
    const readme = readFileSync('README.md', 'utf8');
    const queries = [...readme.matchAll(/`(\{[^`]*)`/g)].map((m) => m[1]!).filter((q) => !q.includes('<'));
    expect(queries.length).toBeGreaterThanOrEqual(2);
    for (const query of queries) {
      const answer = await gql(query);
      expect(answer.errors, query).toBeUndefined();
      expect(emptyLists(answer.data), query).toEqual([]);
    }
  });

  it('logs every seeded object in the changelog, like any other write', async () => {
    const events = await database.prisma.changelogEvent.groupBy({
      by: ['entityType'],
      where: { organizationId: demo.organizationId, action: 'NEW' },
      _count: true,
    });
    const counts = Object.fromEntries(events.map((e) => [e.entityType, e._count]));
    expect(counts).toMatchObject({ Category: 24, Account: 3, BudgetGroup: 1, Budget: 2, Counterparty: 3 });
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
        accounts: { totalCount: 3 },
      },
    });
  });
});

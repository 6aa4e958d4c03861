/**
 * N+1 guards: the SQL statements a query runs must not grow with the data. Counted at the driver
 * adapter (`database.statements`), so every statement Prisma sends is seen, including auth.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, RAISED_COST_LIMIT, type TestApp, type TestTenant } from '../support/app.js';
import { createOrganization } from '../../src/services/core/organizations.js';

let app: TestApp;
beforeAll(async () => {
  // The 200-category tree with every path and parent is ~950 objects, and the category lists are
  // priced by the tree's real shape: over the default cost limit of 500, as it should be.
  app = await createTestApp(RAISED_COST_LIMIT);
});
afterAll(() => app.close());

async function tenant(name: string): Promise<TestTenant> {
  const { organization, apiKey, key } = await createOrganization(app.database.prisma, { name });
  return { organizationId: organization.id, apiKey, viewer: { organizationId: organization.id, userId: key.userId } };
}

/** A 3-level forest: `roots` roots × `perRoot` children × `perChild` grandchildren, half of each kind. */
async function seedTree(org: TestTenant, roots: number, perRoot: number, perChild: number): Promise<number> {
  const rows: Array<{ id: string; organizationId: string; kind: 'EXPENSE' | 'INCOME'; title: string; parentId: string | null }> = [];
  for (let r = 0; r < roots; r++) {
    const kind = r % 2 === 0 ? 'EXPENSE' : 'INCOME';
    const rootId = randomUUID();
    rows.push({ id: rootId, organizationId: org.organizationId, kind, title: `R${r}`, parentId: null });
    for (let c = 0; c < perRoot; c++) {
      const childId = randomUUID();
      rows.push({ id: childId, organizationId: org.organizationId, kind, title: `R${r}C${c}`, parentId: rootId });
      for (let g = 0; g < perChild; g++) {
        rows.push({ id: randomUUID(), organizationId: org.organizationId, kind, title: `R${r}C${c}G${g}`, parentId: childId });
      }
    }
  }
  // Parents before children, so the foreign key holds row by row.
  await app.database.prisma.category.createMany({ data: rows });
  return rows.length;
}

const TREE = `{
  categories {
    title depth path { title } parent { title }
    children { title depth path { title } parent { title } children { title depth path { title } parent { title } children { title } } }
  }
}`;

/** Counted on a warm key: the first request looks the key up, later ones find it cached. */
async function countStatements(query: string, as: TestTenant): Promise<{ count: number; statements: string[]; data: any }> {
  expect((await app.gql('{ viewer { name } }', {}, as)).errors).toBeUndefined();
  app.database.statements.reset();
  const response = await app.gql(query, {}, as);
  expect(response.errors).toBeUndefined();
  return { count: app.database.statements.count, statements: [...app.database.statements.statements], data: response.data };
}

function countNodes(categories: Array<{ children?: unknown[] }>): number {
  return categories.reduce((sum, c) => sum + 1 + countNodes((c.children ?? []) as Array<{ children?: unknown[] }>), 0);
}

describe('the category tree', () => {
  it('costs the same small number of statements for 20 and for 200 categories', async () => {
    const small = await tenant('Small tree');
    const large = await tenant('Large tree');
    expect(await seedTree(small, 2, 3, 2)).toBe(2 + 6 + 12); // 20
    expect(await seedTree(large, 8, 4, 5)).toBe(8 + 32 + 160); // 200

    const smallRun = await countStatements(TREE, small);
    const largeRun = await countStatements(TREE, large);
    // The whole tree really came back, three levels deep, with paths and parents resolved.
    expect(countNodes(smallRun.data.categories)).toBe(20);
    expect(countNodes(largeRun.data.categories)).toBe(200);
    const grandchild = largeRun.data.categories[0].children[0].children[0];
    expect(grandchild).toMatchObject({ title: 'R0C0G0', depth: 2, path: [{ title: 'R0' }, { title: 'R0C0' }, { title: 'R0C0G0' }], parent: { title: 'R0C0' } });

    expect(largeRun.count).toBe(smallRun.count);
    // One read of the organization's categories: nothing per node or per level.
    expect(largeRun.count).toBe(1);
    expect(largeRun.statements.filter((sql) => sql.includes('"Category"'))).toHaveLength(1);
  });
});

describe('the accounts connection', () => {
  const ACCOUNTS = `{ accounts(first: 100) { totalCount edges { cursor node { id name bank currency balance openingBalance closed createdAt } } pageInfo { hasNextPage endCursor } } }`;

  async function seedAccounts(org: TestTenant, n: number): Promise<void> {
    await app.database.prisma.account.createMany({
      data: Array.from({ length: n }, (_, i) => ({
        organizationId: org.organizationId,
        name: `Account ${i}`,
        currency: i % 2 ? 'EUR' : 'JPY',
        openingBalanceMinor: BigInt(i * 100),
        balanceMinor: BigInt(i * 100),
      })),
    });
  }

  it('costs the same number of statements for 5 and for 50 accounts', async () => {
    const five = await tenant('Five accounts');
    const fifty = await tenant('Fifty accounts');
    await seedAccounts(five, 5);
    await seedAccounts(fifty, 50);

    const fiveRun = await countStatements(ACCOUNTS, five);
    const fiftyRun = await countStatements(ACCOUNTS, fifty);
    expect(fiveRun.data.accounts.totalCount).toBe(5);
    expect(fiftyRun.data.accounts.edges).toHaveLength(50);
    const byName = (name: string) => fiftyRun.data.accounts.edges.find((e: any) => e.node.name === name)?.node;
    expect(byName('Account 3')).toMatchObject({ currency: 'EUR', balance: '3.00', openingBalance: '3.00' });
    expect(byName('Account 4')).toMatchObject({ currency: 'JPY', balance: '400' });

    expect(fiftyRun.count).toBe(fiveRun.count);
    // The page and its totalCount.
    expect(fiftyRun.count).toBe(2);
  });
});

describe('the hot reads of the benchmark (bench/compare), on a warm key', () => {
  it('a page of expenses with category title and account name is one statement, whatever the page size', async () => {
    const org = await tenant('Expense page');
    const [account] = await app.database.prisma.account.createManyAndReturn({
      data: [{ organizationId: org.organizationId, name: 'Cash', currency: 'EUR', openingBalanceMinor: 0n, balanceMinor: 0n }],
    });
    const [category] = await app.database.prisma.category.createManyAndReturn({
      data: [{ id: randomUUID(), organizationId: org.organizationId, kind: 'EXPENSE', title: 'Rent', parentId: null }],
    });
    const year = new Date().getUTCFullYear();
    await app.database.prisma.entry.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({
        organizationId: org.organizationId, kind: 'EXPENSE' as const, title: `E${i}`, accountId: account!.id,
        categoryId: i % 2 ? category!.id : null, amountMinor: BigInt(100 + i), periodYear: year, periodMonth: 1,
        authorId: org.viewer.userId,
      })),
    });
    const page = (first: number) => `{ expenses(first: ${first}) { nodes { id title amount posted category { title } account { name } } } }`;
    const five = await countStatements(page(5), org);
    const all = await countStatements(page(60), org);
    expect(all.data.expenses.nodes).toHaveLength(60);
    expect(all.data.expenses.nodes.filter((n: any) => n.category?.title === 'Rent')).toHaveLength(30);
    expect(all.data.expenses.nodes.every((n: any) => n.account.name === 'Cash')).toBe(true);
    // The page, with its category and account joined in (Prisma relationJoins).
    expect(five.count).toBe(1);
    expect(all.count).toBe(1);
  });

  it('accounts(first: 5) is one statement', async () => {
    const org = await tenant('Five accounts, no total');
    await app.database.prisma.account.createMany({
      data: Array.from({ length: 7 }, (_, i) => ({ organizationId: org.organizationId, name: `A${i}`, currency: 'EUR', openingBalanceMinor: 0n, balanceMinor: 0n })),
    });
    const run = await countStatements('{ accounts(first: 5) { nodes { id name currency balance } } }', org);
    expect(run.data.accounts.nodes).toHaveLength(5);
    expect(run.count).toBe(1);
  });
});

describe('the write of the benchmark, on a warm key', () => {
  it('createExpense(post: true) writes the posted record in 3 statements besides BEGIN/COMMIT, and answers from the row it wrote', async () => {
    const org = await tenant('Create and post');
    const [account] = await app.database.prisma.account.createManyAndReturn({
      data: [{ organizationId: org.organizationId, name: 'Cash', currency: 'EUR', openingBalanceMinor: 10_000n, balanceMinor: 10_000n }],
    });
    const [category] = await app.database.prisma.category.createManyAndReturn({
      data: [{ id: randomUUID(), organizationId: org.organizationId, kind: 'EXPENSE', title: 'Rent', parentId: null }],
    });
    const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64url');
    const write = `mutation { createExpense(input: { title: "Rent", amount: "12.50", accountId: "${gid('Account', account!.id)}",
      categoryId: "${gid('Category', category!.id)}", post: true }) {
      __typename ... on CreateExpenseSuccess { expense { id posted } notPostedReason { code } } } }`;
    const run = await countStatements(write, org);
    expect(run.data.createExpense).toMatchObject({ __typename: 'CreateExpenseSuccess', expense: { posted: true }, notPostedReason: null });
    // Lock and read the account with the category, insert the record as posted moving the
    // balance, two changelog events and their webhook outbox rows (none when no endpoint
    // subscribes). No re-read: the answer is the inserted row (a field needing more, such as
    // `amount` with its account's currency, reads that).
    expect(run.statements.map((sql) => sql.trim().split(/\s+/)[0])).toEqual(['SELECT', 'WITH', 'WITH']);
    expect(run.count).toBe(3);
    const after = await app.database.prisma.account.findUniqueOrThrow({ where: { id: account!.id } });
    expect(after.balanceMinor).toBe(10_000n - 1_250n);
    const events = await app.database.prisma.changelogEvent.findMany({ where: { organizationId: org.organizationId, entityType: 'Entry' }, orderBy: { seq: 'asc' } });
    expect(events.map((event) => event.action)).toEqual(['NEW', 'POSTED']);
  });
});

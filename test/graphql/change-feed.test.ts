/**
 * The change feed (services/core/change-feed.ts): created, updated and deleted objects in a
 * resumable order, typed refusals for bad arguments, only the viewer's organization, priced like
 * a list, and a client following it while writers run ends with exactly the current state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestTenant } from '../support/app.js';
import { untilFeedHasCaughtUp } from '../support/feed-horizon.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const CHANGES = `query($after: String, $types: [String!], $first: Int) {
  changes(after: $after, types: $types, first: $first) {
    cursor hasMore
    nodes { type id operation at node { id ... on Budget { name limit } ... on Employee { name } } }
  }
}`;

type FeedChange = { type: string; id: string; operation: string; at: string; node: { id: string; name?: string; limit?: string } | null };
type Page = { cursor: string; hasMore: boolean; nodes: FeedChange[] };

async function changes(variables: Record<string, unknown>, tenant: TestTenant = app.orgA): Promise<Page> {
  const response = await app.gql(CHANGES, variables, tenant);
  expect(response.errors).toBeUndefined();
  return response.data!.changes;
}

/** Follows the feed from `cursor` until it holds every committed change; answers them and the new cursor. */
async function drain(cursor: string | null, types?: string[], tenant: TestTenant = app.orgA, first = 7, waitForHorizon = true) {
  if (waitForHorizon) await untilFeedHasCaughtUp(app.database.prisma, tenant.organizationId);
  const seen: FeedChange[] = [];
  for (;;) {
    const page = await changes({ after: cursor, types, first }, tenant);
    seen.push(...page.nodes);
    cursor = page.cursor;
    if (!page.hasMore) return { seen, cursor };
  }
}

const mutate = async (document: string, input: Record<string, unknown>, tenant: TestTenant = app.orgA) => {
  const response = await app.gql(document, { input }, tenant);
  expect(response.errors).toBeUndefined();
  return response.data!;
};
const CREATE_BUDGET = `mutation($input: CreateBudgetInput!) { createBudget(input: $input) { ... on CreateBudgetSuccess { budget { id } } ... on Error { code message } } }`;
const UPDATE_BUDGET = `mutation($input: UpdateBudgetInput!) { updateBudget(input: $input) { __typename ... on Error { code message } } }`;
const DELETE_BUDGET = `mutation($input: DeleteBudgetInput!) { deleteBudget(input: $input) { __typename ... on Error { code message } } }`;
const budgetInput = (name: string) => ({ name, type: 'GLOBAL', granularity: 'MONTH', dateFrom: '2024-01-01', dateTo: '2024-12-31', limit: '100.00', currency: 'EUR' });
const createBudget = async (name: string, tenant?: TestTenant): Promise<string> => (await mutate(CREATE_BUDGET, budgetInput(name), tenant)).createBudget.budget.id;

/** What a client holds after replaying changes: each live object's latest node. */
function mirror(changesSeen: FeedChange[], into = new Map<string, FeedChange['node']>()) {
  for (const change of changesSeen) {
    if (change.operation === 'DELETED' || change.node === null) into.delete(change.id);
    else into.set(change.id, change.node);
  }
  return into;
}

async function currentBudgetsAndEmployees(tenant: TestTenant = app.orgA) {
  const response = await app.gql(`{ budgets(first: 100) { nodes { id name limit } } employees(first: 100) { nodes { id name } } }`, {}, tenant);
  const all = [...response.data!.budgets.nodes, ...response.data!.employees.nodes] as Array<{ id: string }>;
  return new Map(all.map((node) => [node.id, node]));
}

describe('changes', () => {
  it('hands out created, updated and deleted objects in order, with the current node and a tombstone for a deletion', async () => {
    const start = (await drain(null)).cursor;
    const id = await createBudget('Feed one');
    await mutate(UPDATE_BUDGET, { id, limit: '150.00' });
    const other = await createBudget('Feed two');
    await mutate(DELETE_BUDGET, { id: other });

    const { seen, cursor } = await drain(start);
    expect(seen.map((change) => [change.type, change.id, change.operation])).toEqual([
      ['Budget', id, 'CREATED'],
      ['Budget', id, 'UPDATED'],
      ['Budget', other, 'CREATED'],
      ['Budget', other, 'DELETED'],
    ]);
    expect(seen[0]!.node).toEqual({ id, name: 'Feed one', limit: '150.00' });
    expect(seen[2]!.node).toBeNull();
    expect(seen[3]!.node).toBeNull();
    expect(typeof seen[0]!.at).toBe('string');
    // Nothing new: the same cursor, no changes, hasMore false.
    await untilFeedHasCaughtUp(app.database.prisma, app.orgA.organizationId);
    expect(await changes({ after: cursor })).toEqual({ cursor, hasMore: false, nodes: [] });
  });

  it('pages with first and hasMore, and filters by type names (an entry is an Expense or an Income)', async () => {
    const start = (await drain(null)).cursor;
    await createBudget('Paged 1');
    await createBudget('Paged 2');
    await mutate(`mutation($input: CreateEmployeeInput!) { createEmployee(input: $input) { __typename } }`, { name: 'Paged employee' });
    await untilFeedHasCaughtUp(app.database.prisma, app.orgA.organizationId);
    const page = await changes({ after: start, first: 2 });
    expect(page).toMatchObject({ hasMore: true });
    expect(page.nodes).toHaveLength(2);
    const rest = await changes({ after: page.cursor, first: 2 });
    expect(rest).toMatchObject({ hasMore: false, nodes: [{ type: 'Employee', operation: 'CREATED', node: { name: 'Paged employee' } }] });

    const employeesOnly = await drain(start, ['Employee']);
    expect(employeesOnly.seen.map((change) => change.type)).toEqual(['Employee']);
    const account = await mutate(`mutation($input: CreateAccountInput!) { createAccount(input: $input) { ... on CreateAccountSuccess { account { id } } } }`, {
      name: 'Feed account', currency: 'EUR', openingBalance: '100.00',
    });
    await mutate(`mutation($input: CreateExpenseInput!) { createExpense(input: $input) { __typename ... on Error { code message } } }`, {
      title: 'Feed expense', amount: '10.00', accountId: account.createAccount.account.id, post: true,
    });
    const expenses = await drain(start, ['Expense', 'Income']);
    // Created and posted in one transaction: one CREATED change.
    expect(expenses.seen.map((change) => [change.type, change.operation])).toEqual([['Expense', 'CREATED']]);
    // A file attached to the expense is an UPDATED change of the Expense too (its writer did not
    // know the kind: the feed reads it from the entry).
    const expenseId = expenses.seen[0]!.id;
    await mutate(`mutation($input: CreateAttachmentInput!) { createAttachment(input: $input) { __typename ... on Error { code message } } }`, {
      expenseId, fileName: 'receipt.pdf', contentType: 'application/pdf', sizeBytes: 10,
    });
    const attached = await drain(expenses.cursor, ['Expense']);
    expect(attached.seen.map((change) => [change.type, change.id, change.operation])).toEqual([['Expense', expenseId, 'UPDATED']]);
  });

  it('refuses a malformed cursor, an unknown type and a bad page size with typed errors, never a 500', async () => {
    const refusals: Array<[Record<string, unknown>, string, string]> = [
      [{ after: 'garbage!' }, 'INVALID_INPUT', 'after'],
      [{ after: Buffer.from('c1:1').toString('base64url') }, 'INVALID_INPUT', 'after'],
      [{ after: Buffer.from('Budget:123').toString('base64url') }, 'INVALID_INPUT', 'after'],
      [{ after: '' }, 'INVALID_INPUT', 'after'],
      [{ types: ['Budget', 'Nope'] }, 'UNKNOWN_VALUE', 'types'],
      [{ types: ['Entry'] }, 'UNKNOWN_VALUE', 'types'],
      [{ first: 0 }, 'INVALID_INPUT', 'first'],
      [{ first: 1001 }, 'INVALID_INPUT', 'first'],
    ];
    for (const [variables, code, field] of refusals) {
      const response = await app.gql(`query($after: String, $types: [String!], $first: Int) { changes(after: $after, types: $types, first: $first) { cursor } }`, variables);
      expect(response.status, JSON.stringify(variables)).toBe(200);
      expect(response.errors?.[0]?.extensions, JSON.stringify(variables)).toMatchObject({ code, field });
    }
  });

  it('shows an organization only its own changes', async () => {
    const startB = (await drain(null, undefined, app.orgB)).cursor;
    const startA = (await drain(null)).cursor;
    const aBudget = await createBudget('Only A');
    const bBudget = await createBudget('Only B', app.orgB);
    const seenA = (await drain(startA)).seen.map((change) => change.id);
    const seenB = (await drain(startB, undefined, app.orgB)).seen.map((change) => change.id);
    expect(seenA).toContain(aBudget);
    expect(seenA).not.toContain(bBudget);
    expect(seenB).toEqual([bBudget]);
    // B replaying from the beginning never meets A's objects either.
    const everythingB = (await drain(null, undefined, app.orgB, 200)).seen;
    expect(everythingB.every((change) => change.id !== aBudget)).toBe(true);
  });

  it('types events written without a type (a replica on the code before types, mid rolling deploy), also of a deleted entry', async () => {
    const start = (await drain(null)).cursor;
    const budget = await createBudget('Typed later');
    const account = await mutate(`mutation($input: CreateAccountInput!) { createAccount(input: $input) { ... on CreateAccountSuccess { account { id } } } }`, {
      name: 'Feed cash',
      currency: 'EUR',
    });
    const expense = await mutate(`mutation($input: CreateExpenseInput!) { createExpense(input: $input) { ... on CreateExpenseSuccess { expense { id } } } }`, {
      title: 'Typed later',
      amount: '1.00',
      accountId: account.createAccount.account.id,
    });
    const expenseId = expense.createExpense.expense.id as string;
    await mutate(`mutation($input: DeleteExpenseInput!) { deleteExpense(input: $input) { __typename } }`, { id: expenseId });
    const uuidOf = (id: string) => Buffer.from(id, 'base64url').toString('utf8').split(':')[1]!;
    // What the old code wrote: the budget's events and the entry's DELETED event carry no type.
    await app.database.prisma.changelogEvent.updateMany({ where: { entityId: uuidOf(budget) }, data: { nodeType: null } });
    await app.database.prisma.changelogEvent.updateMany({ where: { entityId: uuidOf(expenseId), action: 'DELETED' }, data: { nodeType: null } });
    const seen = (await drain(start)).seen;
    expect(seen.find((change) => change.id === budget)).toMatchObject({ type: 'Budget', operation: 'CREATED' });
    expect(seen.filter((change) => change.id === expenseId).map((change) => [change.type, change.operation])).toEqual([
      ['Expense', 'CREATED'],
      ['Expense', 'DELETED'],
    ]);
  });

  it('a replayed upsert adds nothing to the feed', async () => {
    const upsert = `mutation($input: UpsertBudgetsInput!) { upsertBudgets(input: $input) { __typename } }`;
    const row = { externalId: 'feed-erp', ...budgetInput('From the ERP') };
    await mutate(upsert, { budgets: [row] });
    const { cursor } = await drain(null);
    await mutate(upsert, { budgets: [row] });
    await mutate(upsert, { budgets: [row] });
    await untilFeedHasCaughtUp(app.database.prisma, app.orgA.organizationId);
    expect((await changes({ after: cursor })).nodes).toEqual([]);
  });

  it('is priced like a list: by first (default 100)', async () => {
    const cost = async (query: string) => (await app.gql(query)).extensions!.cost.requestedQueryCost as number;
    expect(await cost(`{ changes(first: 10) { cursor nodes { id node { id } } } }`)).toBeLessThan(await cost(`{ changes { cursor nodes { id node { id } } } }`));
    expect(await cost(`{ changes { cursor nodes { id node { id } } } }`)).toBeGreaterThanOrEqual(200);
    expect(await cost(`{ changes(first: null) { cursor nodes { id node { id } } } }`)).toBe(await cost(`{ changes { cursor nodes { id node { id } } } }`));
    const big = await app.gql(`{ changes(first: 1000) { cursor nodes { id node { id } } } }`);
    expect(big.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('a client polling with its cursor while writers run ends with the same objects as a fresh read', async () => {
    const { seen: history, cursor: start } = await drain(null, ['Budget', 'Employee'], app.orgA, 200);
    const held = mirror(history);
    let cursor = start;
    let writing = true;
    const follower = (async () => {
      while (writing) {
        const page = await drain(cursor, ['Budget', 'Employee'], app.orgA, 7, false);
        mirror(page.seen, held);
        cursor = page.cursor;
      }
    })();
    const writers = Array.from({ length: 4 }, async (_, writer) => {
      const mine: string[] = [];
      for (let step = 0; step < 8; step++) {
        if (step % 3 === 2 && mine.length > 0) await mutate(DELETE_BUDGET, { id: mine.shift()! });
        else if (step % 3 === 1 && mine.length > 0) await mutate(UPDATE_BUDGET, { id: mine[0]!, name: `W${writer} renamed ${step}`, limit: `${step + 1}.00` });
        else mine.push(await createBudget(`W${writer} step ${step}`));
        if (step === 4) await mutate(`mutation($input: UpsertEmployeesInput!) { upsertEmployees(input: $input) { __typename } }`, {
          employees: [{ externalId: `feed-w${writer}`, name: `Writer ${writer}` }],
        });
      }
    });
    await Promise.all(writers);
    writing = false;
    await follower;
    mirror((await drain(cursor, ['Budget', 'Employee'])).seen, held);
    const current = await currentBudgetsAndEmployees();
    expect(new Map([...held].sort(([a], [b]) => a.localeCompare(b)))).toEqual(new Map([...current].sort(([a], [b]) => a.localeCompare(b))));
  });
});

describe('changes: SQL statements', () => {
  it('a page costs the same number of statements for 5 and for 40 changes (nodes are loaded in batches)', async () => {
    const count = async (first: number) => {
      await untilFeedHasCaughtUp(app.database.prisma, app.orgA.organizationId);
      await app.gql('{ viewer { name } }');
      app.database.statements.reset();
      const response = await app.gql(`{ changes(types: ["Budget"], first: ${first}) { nodes { node { id ... on Budget { name limit } } } } }`);
      expect(response.errors).toBeUndefined();
      expect(response.data!.changes.nodes.length).toBe(first);
      return app.database.statements.count;
    };
    for (let n = 0; n < 40; n++) await createBudget(`Counted ${n}`);
    const few = await count(5);
    const many = await count(40);
    expect({ few, many }).toEqual({ few, many: few });
  });
});

describe('changes: one change per object and transaction', () => {
  it('merges what one transaction did to an object, and leaves out an object created and deleted in one transaction', async () => {
    const { runUnitOfWork } = await import('../../src/services/core/unit-of-work.js');
    const budgets = await import('../../src/services/budgets/budgets.js');
    const db = app.database.prisma;
    const viewer = app.orgA.viewer;
    const { cursor } = await drain(null, ['Budget'], app.orgA, 200);
    const input = { name: 'One transaction', type: 'GLOBAL', granularity: 'MONTH', dateFrom: new Date('2024-01-01'), dateTo: new Date('2024-12-31'), limit: '1.00', currency: 'EUR' };
    const kept = await runUnitOfWork({ db, viewer }, async (uow) => {
      const budget = await budgets.createBudget(uow, input);
      await budgets.updateBudget(uow, { id: budget.id, limit: '2.00' });
      await budgets.updateBudget(uow, { id: budget.id, name: 'Renamed in the same transaction' });
      const gone = await budgets.createBudget(uow, { ...input, name: 'Never seen' });
      await budgets.deleteBudget(uow, { id: gone.id });
      return budget;
    });
    await runUnitOfWork({ db, viewer }, (uow) => budgets.updateBudget(uow, { id: kept.id, limit: '3.00' }));
    const { seen } = await drain(cursor, ['Budget']);
    expect(seen.map((change) => [change.operation, change.node?.name ?? null, change.node?.limit ?? null])).toEqual([
      ['CREATED', 'Renamed in the same transaction', '3.00'],
      ['UPDATED', 'Renamed in the same transaction', '3.00'],
    ]);
  });
});

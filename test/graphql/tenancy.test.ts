/**
 * Organization B can neither read nor change organization A's accounts and categories. For every
 * way in (node, nodes, connections, every mutation), B's answer for A's id is byte-for-byte the
 * answer for an id that names nothing, so B cannot even learn that A's object exists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAllotYoga } from '../../src/http/yoga.js';
import { createTestApp, type TestApp, type TestTenant } from '../support/app.js';
import { CLOSE_ACCOUNT, CREATE_ACCOUNT, CREATE_CATEGORY, DELETE_CATEGORY, UPDATE_ACCOUNT, UPDATE_CATEGORY, missingId } from '../support/documents.js';
import { bigintJson, snapshot } from '../support/service-fixture.js';

let app: TestApp;
let raw: (query: string, variables: Record<string, unknown>, as: TestTenant) => Promise<string>;
/** A's objects: an empty account, a root category with a child, and one of B's own categories. */
let a: { account: string; root: string; child: string };
let bCategory: string;

beforeAll(async () => {
  app = await createTestApp();
  const yoga = createAllotYoga({ db: app.database.prisma, graphiql: false, logError: () => {} });
  raw = async (query, variables, as) => {
    const response = await yoga.fetch('http://allot.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${as.apiKey}` },
      body: JSON.stringify({ query, variables }),
    });
    return `${response.status} ${await response.text()}`;
  };
  const account = await app.gql(CREATE_ACCOUNT, { input: { name: 'A secret', currency: 'EUR' } });
  const root = await app.gql(CREATE_CATEGORY, { input: { title: 'A root', kind: 'EXPENSE' } });
  const rootId = root.data!.createCategory.category.id;
  const child = await app.gql(CREATE_CATEGORY, { input: { title: 'A child', kind: 'EXPENSE', parentId: rootId } });
  a = { account: account.data!.createAccount.account.id, root: rootId, child: child.data!.createCategory.category.id };
  const own = await app.gql(CREATE_CATEGORY, { input: { title: 'B own', kind: 'EXPENSE' } }, app.orgB);
  bCategory = own.data!.createCategory.category.id;
});
afterAll(() => app.close());

/** B's answer with A's id must equal B's answer with a fresh id that names nothing. */
async function expectSameAsMissing(query: string, variables: (id: string) => Record<string, unknown>, aId: string, type: 'Account' | 'Category') {
  const before = JSON.stringify(await snapshot(app.database.prisma), bigintJson);
  const withAId = await raw(query, variables(aId), app.orgB);
  const withMissingId = await raw(query, variables(missingId(type)), app.orgB);
  expect(withAId).toBe(withMissingId);
  expect(JSON.stringify(await snapshot(app.database.prisma), bigintJson)).toBe(before);
  return withAId;
}

describe('reads', () => {
  it('A sees its own objects through node', async () => {
    const own = await app.gql(`query($id: ID!) { node(id: $id) { ... on Account { name } } }`, { id: a.account });
    expect(own.data?.node).toEqual({ name: 'A secret' });
  });

  it('node(id:) answers null for A’s account and category, as for a missing id', async () => {
    const query = `query($id: ID!) { node(id: $id) { id ... on Account { name balance } ... on Category { title } } }`;
    expect(await expectSameAsMissing(query, (id) => ({ id }), a.account, 'Account')).toMatch(/^200 \{"data":\{"node":null\}[,}]/);
    expect(await expectSameAsMissing(query, (id) => ({ id }), a.root, 'Category')).toMatch(/^200 \{"data":\{"node":null\}[,}]/);
  });

  it('nodes(ids:) answers null for each of A’s objects', async () => {
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`;
    const answer = await expectSameAsMissing(query, (id) => ({ ids: [id, id] }), a.child, 'Category');
    expect(answer).toMatch(/^200 \{"data":\{"nodes":\[null,null\]\}[,}]/);
  });

  it('the accounts and categories connections never show A’s objects, whatever A adds', async () => {
    const query = `{ accounts(includeClosed: true) { totalCount edges { node { name } } }
      categories { title children { title } } expense: categories(kind: EXPENSE) { title } }`;
    const before = await raw(query, {}, app.orgB);
    expect(JSON.parse(before.slice(4)).data).toEqual({
      accounts: { totalCount: 0, edges: [] },
      categories: [{ title: 'B own', children: [] }],
      expense: [{ title: 'B own' }],
    });
    await app.gql(CREATE_ACCOUNT, { input: { name: 'A more', currency: 'USD', openingBalance: '5.00' } });
    await app.gql(CREATE_CATEGORY, { input: { title: 'A more', kind: 'EXPENSE', parentId: a.root } });
    expect(await raw(query, {}, app.orgB)).toBe(before);
  });
});

describe('writes', () => {
  it('updateAccount and closeAccount answer NOT_FOUND and change nothing', async () => {
    const update = await expectSameAsMissing(UPDATE_ACCOUNT, (id) => ({ input: { id, name: 'Hijacked', bank: null } }), a.account, 'Account');
    expect(update).toContain('"code":"NOT_FOUND"');
    const close = await expectSameAsMissing(CLOSE_ACCOUNT, (id) => ({ input: { id } }), a.account, 'Account');
    expect(close).toContain('"code":"NOT_FOUND"');
  });

  it('updateCategory answers NOT_FOUND for A’s category as id and as parentId', async () => {
    const asId = await expectSameAsMissing(UPDATE_CATEGORY, (id) => ({ input: { id, title: 'Hijacked' } }), a.child, 'Category');
    expect(asId).toContain('"code":"NOT_FOUND"');
    const asParent = await expectSameAsMissing(UPDATE_CATEGORY, (id) => ({ input: { id: bCategory, parentId: id } }), a.root, 'Category');
    expect(asParent).toContain('"field":"parentId"');
  });

  it('createCategory below A’s category answers NOT_FOUND', async () => {
    const answer = await expectSameAsMissing(CREATE_CATEGORY, (id) => ({ input: { title: 'Sneaky', kind: 'EXPENSE', parentId: id } }), a.root, 'Category');
    expect(answer).toContain('"code":"NOT_FOUND"');
  });

  it('deleteCategory answers NOT_FOUND for A’s leaf and for A’s parent alike (no CATEGORY_HAS_CHILDREN leak)', async () => {
    expect(await expectSameAsMissing(DELETE_CATEGORY, (id) => ({ input: { id } }), a.child, 'Category')).toContain('"code":"NOT_FOUND"');
    expect(await expectSameAsMissing(DELETE_CATEGORY, (id) => ({ input: { id } }), a.root, 'Category')).toContain('"code":"NOT_FOUND"');
  });

  it('leaves A’s objects exactly as A made them', async () => {
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Account { name closed } ... on Category { title parent { title } } } }`;
    const answer = await app.gql(query, { ids: [a.account, a.root, a.child] });
    expect(answer.data?.nodes).toEqual([
      { name: 'A secret', closed: false },
      { title: 'A root', parent: null },
      { title: 'A child', parent: { title: 'A root' } },
    ]);
  });
});

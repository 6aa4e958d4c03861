/**
 * Bad input that never reaches a service: page sizes, cursors and `node` ids. Each is the caller's
 * mistake and must come back as a top-level BAD_USER_INPUT with a clear message, never as a masked
 * "Unexpected error.".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/graphql/global-id.js';
import { createTestApp, type GraphQLResponse, type TestApp } from '../support/app.js';
import { CREATE_ACCOUNT } from '../support/documents.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
  for (const name of ['One', 'Two', 'Three']) await app.gql(CREATE_ACCOUNT, { input: { name, currency: 'EUR' } });
});
afterAll(() => app.close());

function expectBadUserInput(response: GraphQLResponse, messagePart: string | RegExp) {
  expect(response.errors, JSON.stringify(response)).toHaveLength(1);
  expect(response.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
  expect(response.errors![0]!.message).toMatch(messagePart);
}

const ACCOUNTS = `query($first: Int, $after: String, $last: Int, $before: String) {
  accounts(first: $first, after: $after, last: $last, before: $before) {
    totalCount edges { cursor node { name } } pageInfo { hasNextPage endCursor }
  }
}`;

describe('connection arguments', () => {
  it('pages with the default size, first and after', async () => {
    const all = await app.gql(ACCOUNTS);
    expect(all.data?.accounts.totalCount).toBe(3);
    expect(all.data?.accounts.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['One', 'Two', 'Three']);
    const firstPage = await app.gql(ACCOUNTS, { first: 2 });
    expect(firstPage.data?.accounts.pageInfo.hasNextPage).toBe(true);
    const next = await app.gql(ACCOUNTS, { first: 2, after: firstPage.data?.accounts.pageInfo.endCursor });
    expect(next.data?.accounts.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['Three']);
  });

  it('accepts first: 100 and refuses first: 101 and last: 101 with BAD_USER_INPUT', async () => {
    expect((await app.gql(ACCOUNTS, { first: 100 })).data?.accounts.totalCount).toBe(3);
    expectBadUserInput(await app.gql(ACCOUNTS, { first: 101 }), /at most 100/);
    expectBadUserInput(await app.gql(ACCOUNTS, { last: 101 }), /at most 100/);
  });

  it('refuses a negative page size with BAD_USER_INPUT', async () => {
    expectBadUserInput(await app.gql(ACCOUNTS, { first: -1 }), /first/);
  });

  it.each([
    ['not base64 at all', 'not a cursor!'],
    ['base64 of something else', Buffer.from('hello').toString('base64')],
    ['a cursor whose id is not a uuid', Buffer.from('GPC:S:zzz').toString('base64')],
    ['a cursor of the wrong value type', Buffer.from('GPC:N:12').toString('base64')],
    ['a JSON cursor', Buffer.from('GPC:J:{"id":1}').toString('base64')],
  ])('refuses %s as after and before with BAD_USER_INPUT', async (_label, cursor) => {
    expectBadUserInput(await app.gql(ACCOUNTS, { first: 2, after: cursor }), /cursor/i);
    expectBadUserInput(await app.gql(ACCOUNTS, { last: 2, before: cursor }), /cursor/i);
  });
});

describe('node and nodes ids', () => {
  const NODE = `query($id: ID!) { node(id: $id) { __typename id } }`;
  const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`;
  const uuid = '6b1f0c1e-3a57-4c8e-9a43-1d2a5b7c9e01';

  it.each([
    ['a malformed id', 'zzz'],
    ['an empty id', ''],
    ['an id of a type that is not a node', encodeGlobalId('Organization', uuid)],
    ['an id of a type that does not exist', encodeGlobalId('Foo', uuid)],
    ['an id whose uuid is malformed', encodeGlobalId('Account', 'not-a-uuid')],
  ])('node refuses %s with BAD_USER_INPUT', async (_label, id) => {
    expectBadUserInput(await app.gql(NODE, { id }), /not a valid id/);
    expectBadUserInput(await app.gql(NODES, { ids: [id] }), /not a valid id/);
  });

  it('answers null for a well-formed id that names nothing', async () => {
    expect(await app.gql(NODE, { id: encodeGlobalId('Account', uuid) })).toMatchObject({ status: 200, data: { node: null } });
    expect(await app.gql(NODES, { ids: [encodeGlobalId('Category', uuid)] })).toMatchObject({ status: 200, data: { nodes: [null] } });
  });

  it('finds an existing account by its id, with an upper-case uuid too', async () => {
    const edges = (await app.gql(ACCOUNTS)).data?.accounts.edges;
    const id = (await app.gql(`{ accounts(first: 1) { edges { node { id } } } }`)).data?.accounts.edges[0].node.id as string;
    const [type, raw] = Buffer.from(id, 'base64url').toString().split(':');
    expect(edges).toHaveLength(3);
    const node = await app.gql(NODE, { id: encodeGlobalId(type!, raw!.toUpperCase()) });
    expect(node.data?.node).toEqual({ __typename: 'Account', id });
  });
});

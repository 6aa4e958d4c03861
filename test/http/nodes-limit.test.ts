/**
 * `nodes(ids:)` is priced per id and takes at most 100 ids (issue 10: 1500 ids cost 1, and twenty
 * such requests stalled a replica). Over the cap: a top-level TOO_MANY_IDS (400) before anything
 * runs, whether the ids come as a literal list, a variable or through a fragment.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_NODES_IDS } from '../../src/http/nodes-limit.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { accountId, CREATE_ACCOUNT } from '../support/documents.js';

let app: TestApp;
let existing: string;
beforeAll(async () => {
  app = await createTestApp();
  existing = (await app.gql(CREATE_ACCOUNT, { input: { name: 'Op', currency: 'EUR' } })).data!.createAccount.account.id;
});
afterAll(() => app.close());

const ids = (count: number) => Array.from({ length: count }, () => accountId(randomUUID()));

describe('nodes(ids:)', () => {
  it('costs one object per id', async () => {
    const result = await app.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [existing, ...ids(49)] });
    expect(result.errors).toBeUndefined();
    expect(result.data?.nodes).toHaveLength(50);
    expect(result.extensions?.cost.requestedQueryCost).toBe(50);
  });

  it('prices each id with its selection', async () => {
    const result = await app.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Account { entries(first: 4) { nodes { id } } } } }', { ids: ids(10) });
    // 10 × (the node 1 + entries 1 + 4 entries)
    expect(result.extensions?.cost.requestedQueryCost).toBe(60);
  });

  it(`accepts ${MAX_NODES_IDS} ids and refuses ${MAX_NODES_IDS + 1} with TOO_MANY_IDS (400), running nothing`, async () => {
    expect(MAX_NODES_IDS).toBe(100);
    const accepted = await app.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ids(100) });
    expect(accepted.errors).toBeUndefined();
    const before = app.database.statements.count;
    const refused = await app.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ids(101) });
    expect(refused.status).toBe(400);
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_IDS', maxIds: 100, ids: 101 });
    // Only the API key lookup ran.
    expect(app.database.statements.count - before).toBeLessThanOrEqual(1);
  });

  it('refuses too many ids as a literal, as a variable and behind a fragment', async () => {
    // A literal of 1500 ids is already over the token limit (TOO_MANY_TOKENS); 150 fit in it.
    const literal = `{ nodes(ids: [${ids(150).map((id) => `"${id}"`).join(',')}]) { id } }`;
    const big = ids(1500);
    for (const [query, variables] of [
      [literal, undefined],
      ['query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: big }],
      ['query($ids: [ID!]!) { ...Q } fragment Q on Query { ... on Query { nodes(ids: $ids) { id } } }', { ids: big }],
    ] as const) {
      const result = await app.gql(query, variables as Record<string, unknown> | undefined);
      expect(result.errors?.[0]?.extensions?.code, query.slice(0, 60)).toBe('TOO_MANY_IDS');
    }
  });

  it('adds up several nodes fields against the cost limit', async () => {
    const aliases = Array.from({ length: 6 }, (_, i) => `n${i}: nodes(ids: $ids) { id }`).join(' ');
    const result = await app.gql(`query($ids: [ID!]!) { ${aliases} }`, { ids: ids(100) });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: 600 });
  });
});

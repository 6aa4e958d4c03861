/**
 * Each query limit refuses with a top-level error, its own extensions.code and HTTP status, and
 * runs nothing (a refused mutation changes nothing).
 */
import type { AddressInfo } from 'node:net';
import { GraphQLError, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { maskError } from '../../src/http/errors.js';
import { requestTimeoutPlugin } from '../../src/http/limits.js';
import { createHttpServer } from '../../src/http/server.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { usingPostgres } from '../support/database.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

function nested(levels: number, leaf = 'title'): string {
  let selection = leaf;
  for (let i = 0; i < levels; i++) selection = `children { ${selection} }`;
  return selection;
}

describe('document limits', () => {
  it('refuses depth over 10 with QUERY_TOO_DEEP (400), and accepts depth 10', async () => {
    const tooDeep = await app.gql(`{ categories { ${nested(10)} } }`);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
    expect(tooDeep.data).toBeUndefined();
    const deepest = await app.gql(`{ categories { ${nested(8)} } }`);
    expect(deepest.errors).toBeUndefined();
  });

  it('counts depth through fragments (flattened): a fragment is no way to hide a level', async () => {
    const query = `
      fragment L1 on Category { children { ...L2 } }
      fragment L2 on Category { children { ...L3 } }
      fragment L3 on Category { children { ${nested(7)} } }
      { categories { ...L1 } }`;
    const result = await app.gql(query);
    expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
  });

  it('refuses more than 15 aliases with TOO_MANY_ALIASES (400)', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: viewer { name }`).join(' ');
    const result = await app.gql(`{ ${aliases} }`);
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('TOO_MANY_ALIASES');
    const fifteen = Array.from({ length: 15 }, (_, i) => `a${i}: viewer { name }`).join(' ');
    expect((await app.gql(`{ ${fifteen} }`)).errors).toBeUndefined();
  });

  it('refuses more than 1000 tokens with TOO_MANY_TOKENS (400)', async () => {
    const result = await app.gql(`{ viewer { ${'name '.repeat(1000)} } }`);
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('TOO_MANY_TOKENS');
  });

  it('refuses more than 50 directives with TOO_MANY_DIRECTIVES (400)', async () => {
    const result = await app.gql(`{ viewer { name ${'@include(if: true) '.repeat(51)} } }`);
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('TOO_MANY_DIRECTIVES');
  });

  it('refuses cost over 500 with QUERY_TOO_COMPLEX (400), where a list costs its `first` times its selection', async () => {
    const query = (first: number) =>
      `{ accounts(first: ${first}) { edges { node { id name balance entries(first: 10) { edges { node { id title amount } } } } } } }`;
    const refused = await app.gql(query(100));
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', maxCost: 500 });
    // Objects cost 1, scalars 0: 1 + first × (account 1 + entries 1 + 10 × entry 1) = 1 + 12 × first
    expect(refused.errors?.[0]?.extensions?.cost).toBe(1201);
    const accepted = await app.gql(query(40));
    expect(accepted.errors).toBeUndefined();
    expect(accepted.extensions?.cost).toMatchObject({ requestedQueryCost: 481 });
  });

  it('refuses an over-limit mutation before it writes anything', async () => {
    const before = await app.database.prisma.account.count();
    const result = await app.gql(
      `mutation { createAccount(input: {name: "Never", currency: "EUR"}) { ... on CreateAccountSuccess { account { ${'id '.repeat(60)} } } } }`,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_BROAD');
    expect(await app.database.prisma.account.count()).toBe(before);
  });

  it('refuses more than 50 fields with QUERY_TOO_BROAD (400)', async () => {
    // Repeated fields merge in the response but each is a selection the server must plan.
    const result = await app.gql(`{ viewer { ${'id '.repeat(50)} } }`);
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_BROAD');
    expect((await app.gql(`{ viewer { ${'id '.repeat(49)} } }`)).errors).toBeUndefined();
  });

  it('refuses batched requests (an array body)', async () => {
    const response = await app.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.orgA.apiKey}` },
      body: JSON.stringify([{ query: '{ viewer { name } }' }, { query: '{ viewer { name } }' }]),
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(body.data).toBeUndefined();
  });
});

describe('time limits', () => {
  // A schema with a resolver slower than the limit: the timeout mechanism itself, deterministically.
  const slowSchema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        slow: { type: GraphQLString, resolve: () => new Promise((resolve) => setTimeout(() => resolve('late'), 500)) },
        fast: { type: GraphQLString, resolve: () => 'fast' },
      },
    }),
  });

  it('stops an execution over the request limit with REQUEST_TIMEOUT (503)', async () => {
    const yoga = createYoga({ schema: slowSchema, plugins: [requestTimeoutPlugin(50)], maskedErrors: false });
    const started = Date.now();
    const response = await yoga.fetch('http://x/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ slow }' }) });
    expect(Date.now() - started).toBeLessThan(450);
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe('REQUEST_TIMEOUT');
    expect(body.data ?? null).toBeNull();
    const fast = await yoga.fetch('http://x/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ fast }' }) });
    expect(await fast.json()).toEqual({ data: { fast: 'fast' } });
  });

  it.skipIf(!usingPostgres)('PostgreSQL cancels a statement over statement_timeout', async () => {
    const url = new URL(process.env.TEST_DATABASE_URL as string);
    const database = await openDatabase({ databaseUrl: url.toString(), statementTimeoutMs: 200 });
    try {
      const [setting] = await database.prisma.$queryRaw<Array<{ statement_timeout: string }>>`SHOW statement_timeout`;
      expect(setting?.statement_timeout).toBe('200ms');
      const cancelled = await database.prisma.$queryRaw`SELECT pg_sleep(2)`.catch((error: unknown) => error);
      expect(String(cancelled)).toMatch(/statement timeout|57014/);
      // As a resolver's error reaches the mask: a typed 503, not "Unexpected error.".
      const masked = maskError(new GraphQLError('wrapped', { originalError: cancelled as Error }), () => {});
      expect(masked.message).not.toMatch(/Unexpected error|pg_sleep|57014/);
      expect((masked as GraphQLError).extensions).toMatchObject({ code: 'STATEMENT_TIMEOUT', http: { status: 503 } });
    } finally {
      await database.close();
    }
  });
});

describe('HTTP server limits', () => {
  it('refuses a body over 100 KB with PAYLOAD_TOO_LARGE (413)', async () => {
    const database = await openDatabase();
    const server = createHttpServer({ database, maxBodyBytes: 100 * 1024, graphiql: false });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `{ viewer { name } }`, variables: { pad: 'x'.repeat(101 * 1024) } }),
      });
      expect(response.status).toBe(413);
      expect((await response.json()).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await database.close();
    }
  });
});

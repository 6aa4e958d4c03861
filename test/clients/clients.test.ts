/**
 * Frontend clients with their defaults, each the real package against the real HTTP server on the
 * demo data: urql (queries as GET), Apollo Client 4 (with the shipped possibleTypes.json), Relay
 * (relay-compiler's binary from npm, then relay-runtime), and GraphQL Code Generator's scalar
 * mappings (clients/codegen.ts).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { ApolloClient, HttpLink, InMemoryCache, gql as apolloGql } from '@apollo/client';
import { Client as UrqlClient, fetchExchange, gql as urqlGql } from '@urql/core';
import { Environment, Network, RecordSource, Store, fetchQuery, type GraphQLTaggedNode } from 'relay-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../src/http/server.js';
import { seedDemoOrganization } from '../../src/services/demo.js';
import { printPossibleTypes, POSSIBLE_TYPES_FILE } from '../../scripts/possible-types.js';
import { schema } from '../../src/graphql/schema.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';

const PORT = 4311;
const url = `http://127.0.0.1:${PORT}/graphql`;
const ROOT = path.resolve(import.meta.dirname, '../..');

let database: TestDatabase;
let server: Server;
let apiKey: string;

beforeAll(async () => {
  database = await openTestDatabase();
  apiKey = (await seedDemoOrganization(database.prisma)).apiKey;
  server = createHttpServer({ database, maxBodyBytes: 100 * 1024, graphiql: false, logError: () => {} });
  await new Promise<void>((resolve) => server.listen(PORT, '127.0.0.1', resolve));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await database.close();
});

function runCommand(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const ACCOUNTS = '{ accounts { nodes { id name currency balance } } }';
const BAD_ACCOUNT = `mutation { createAccount(input: { name: "Bad", currency: "XXX", openingBalance: "1.00" }) {
  __typename ... on CreateAccountSuccess { account { id } } ... on Error { code message field } } }`;

describe('urql (@urql/core) with its defaults', () => {
  it('sends queries as GET, which the CSRF rule lets through, and mutations as POST', async () => {
    const methods: string[] = [];
    const client = new UrqlClient({
      url,
      exchanges: [fetchExchange],
      fetchOptions: () => ({ headers: { authorization: `Bearer ${apiKey}` } }),
      // Only observes the method; the request goes out unchanged.
      fetch: (input, init) => {
        methods.push(init?.method ?? 'GET');
        return fetch(input, init);
      },
    });
    const query = await client.query(urqlGql(ACCOUNTS), {}).toPromise();
    expect(query.error).toBeUndefined();
    expect(query.data.accounts.nodes.map((a: { currency: string }) => a.currency).sort()).toEqual(['EUR', 'RUB', 'RUB']);
    const mutation = await client.mutation(urqlGql(BAD_ACCOUNT), {}).toPromise();
    expect(mutation.data.createAccount).toMatchObject({ __typename: 'UnknownCurrencyError', code: 'UNKNOWN_CURRENCY', field: 'currency' });
    expect(methods).toEqual(['GET', 'POST']);
  });
});

describe('Apollo Client 4', () => {
  const link = () => new HttpLink({ uri: url, headers: { authorization: `Bearer ${apiKey}` } });

  it('clients/possibleTypes.json is current (npm run schema:print writes it)', () => {
    expect(readFileSync(POSSIBLE_TYPES_FILE, 'utf8')).toBe(printPossibleTypes(schema));
  });

  it('without possibleTypes drops `... on Error` fields; with the shipped possibleTypes.json keeps them', async () => {
    const bare = new ApolloClient({ link: link(), cache: new InMemoryCache() });
    const dropped = await bare.mutate({ mutation: apolloGql(BAD_ACCOUNT) });
    expect(dropped.data).toEqual({ createAccount: { __typename: 'UnknownCurrencyError' } });

    const possibleTypes = JSON.parse(readFileSync(POSSIBLE_TYPES_FILE, 'utf8'));
    const client = new ApolloClient({ link: link(), cache: new InMemoryCache({ possibleTypes }) });
    const kept = await client.mutate({ mutation: apolloGql(BAD_ACCOUNT) });
    expect(kept.data).toMatchObject({ createAccount: { __typename: 'UnknownCurrencyError', code: 'UNKNOWN_CURRENCY', field: 'currency' } });
    const query = await client.query({ query: apolloGql(ACCOUNTS) });
    expect((query.data as any).accounts.nodes).toHaveLength(3);
  });
});

describe('Relay', () => {
  const relayDir = path.join(ROOT, 'clients/relay');
  const generated = path.join(relayDir, '__generated__');

  it("relay-compiler (the npm package's own binary, offline) compiles against schema.graphql, and relay-runtime runs the result", async () => {
    for (const file of readdirSync(generated)) if (file !== '.gitkeep') rmSync(path.join(generated, file));
    mkdirSync(generated, { recursive: true });
    const compiled = await runCommand(path.join(ROOT, 'node_modules/.bin/relay-compiler'), [], relayDir);
    expect(compiled.code, compiled.output).toBe(0);
    const artifact = path.join(generated, 'AccountsListQuery.graphql.ts');
    const source = readFileSync(artifact, 'utf8');
    expect(source).toContain('readonly balance: string;'); // Decimal → string (customScalarTypes)

    const network = Network.create(async (params, variables) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ query: params.text, variables }),
      });
      return response.json();
    });
    const environment = new Environment({ network, store: new Store(new RecordSource()) });
    const query = ((await import(artifact)) as { default: GraphQLTaggedNode }).default;
    const data = (await fetchQuery(environment, query, {}).toPromise()) as any;
    expect(data.accounts.edges).toHaveLength(3);
    expect(data.accounts.edges[0].node).toEqual({ id: expect.any(String), name: expect.any(String), currency: expect.any(String), balance: expect.stringMatching(/^-?\d+\.\d{2}$/) });
  });
});

describe('GraphQL Code Generator (clients/codegen.ts)', () => {
  it('maps Decimal, Date and DateTime to string and File to File, and types the operations', async () => {
    const result = await runCommand(path.join(ROOT, 'node_modules/.bin/graphql-codegen'), ['--config', 'clients/codegen.ts'], ROOT);
    expect(result.code, result.output).toBe(0);
    const output = readFileSync(path.join(ROOT, 'clients/generated/graphql.ts'), 'utf8');
    expect(output).toContain("Decimal: { input: string; output: string; }");
    expect(output).toContain("Date: { input: string; output: string; }");
    expect(output).toContain("DateTime: { input: string; output: string; }");
    expect(output).toContain("File: { input: File; output: File; }");
    expect(output).not.toMatch(/: \{ input: (any|unknown); output: (any|unknown); \}/);
    expect(output).toMatch(/export type AccountsAndBudgetsQuery = \{ accounts: \{ nodes: Array<\{ id: string, name: string, currency: string, balance: string \}> \}/);
  }, 120_000);
});

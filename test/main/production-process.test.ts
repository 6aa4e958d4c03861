/**
 * The real server started with NODE_ENV=production: proves main.ts wires the configuration (no
 * GraphiQL, no anonymous introspection, hidden suggestions, limits, metrics, request ids, JSON
 * logs) and that no API key ever reaches its output.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../support/server-process.js';

let server: ServerProcess;
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'allot-production-'));
  server = await startServer({ dataDir, extra: { NODE_ENV: 'production', ALLOT_RATE_LIMIT: 'true', ALLOT_MAX_DEPTH: '4' } });
}, 120_000);
afterAll(() => {
  if (server.child.exitCode === null) server.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const auth = () => ({ authorization: `Bearer ${server.apiKey}` });

describe('the server in production mode', () => {
  it('serves no GraphiQL and refuses anonymous introspection, but not introspection with a key', async () => {
    const page = await fetch(`${server.baseUrl}/graphql`, { headers: { accept: 'text/html', 'x-allot-csrf': '1' } });
    expect(await page.text()).not.toMatch(/graphiql/i);
    expect((await post({ query: getIntrospectionQuery() })).status).toBe(401);
    const withKey = await post({ query: '{ __schema { queryType { name } } }' }, auth());
    expect((await withKey.json()).data.__schema.queryType.name).toBe('Query');
  });

  it('hides suggestions and applies limits from the environment (ALLOT_MAX_DEPTH=4)', async () => {
    const suggestion = await (await post({ query: '{ viewr { name } }' }, auth())).json();
    expect(suggestion.errors[0].message).not.toMatch(/Did you mean/);
    const deep = await post({ query: '{ categories { children { children { children { title } } } } }' }, auth());
    expect(deep.status).toBe(400);
    expect((await deep.json()).errors[0].extensions.code).toBe('QUERY_TOO_DEEP');
  });

  it('reports cost with the default bucket, echoes request ids and serves metrics', async () => {
    const response = await post({ query: '{ viewer { name } }' }, { ...auth(), 'x-request-id': 'prod-check-1' });
    expect(response.headers.get('x-request-id')).toBe('prod-check-1');
    expect((await response.json()).extensions.cost.throttleStatus).toMatchObject({ maximumAvailable: 1000, restoreRate: 50 });
    expect(await (await fetch(`${server.baseUrl}/metrics`)).text()).toContain('allot_graphql_requests_total');
  });

  it('writes only JSON log lines, with no API key anywhere in its output, and stops cleanly', async () => {
    await post({ query: 'mutation { createAccount(input: {name: "x", currency: "EUR"}) { __typename } }' }, auth());
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    const output = server.output.join('');
    expect(output).not.toContain(server.apiKey);
    expect(output).not.toContain(server.apiKey.slice(6, 26));
    const lines = output.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('npm warn'));
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(lines.map((line) => JSON.parse(line))).toEqual(
      expect.arrayContaining([expect.objectContaining({ requestId: 'prod-check-1', operation: 'query viewer', outcome: 'ok' })]),
    );
  });
});

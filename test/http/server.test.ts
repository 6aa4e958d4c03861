/**
 * The real Node HTTP server (createHttpServer) listening on a random port: probes, the body limit
 * and GraphiQL. Uses an in-memory database of its own, which one test closes.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../src/http/server.js';
import { createOrganization } from '../../src/services/core/organizations.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';

const MAX_BODY = 100 * 1024;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

let database: TestDatabase;
let apiKey: string;
let server: Server;
let base: string;

beforeAll(async () => {
  database = await openTestDatabase();
  apiKey = (await createOrganization(database.prisma, { name: 'HTTP org' })).apiKey;
  server = createHttpServer({
    database,
    maxBodyBytes: MAX_BODY,
    graphiql: true,
    graphiqlApiKey: apiKey,
    demoKeyFile: '/data/demo-api-key',
    metrics: {},
    logError: () => {},
  });
  base = await listen(server);
});
afterAll(async () => {
  await close(server);
  await database.close().catch(() => {}); // the readiness test closes it first
});

function graphql(body: string, key: string | null = apiKey) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  return fetch(`${base}/graphql`, { method: 'POST', headers, body });
}

describe('GraphQL over HTTP', () => {
  it('answers an authenticated query', async () => {
    const response = await graphql(JSON.stringify({ query: '{ viewer { name } }' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { viewer: { name: 'HTTP org' } } });
  });

  it('answers 401 UNAUTHENTICATED without a key', async () => {
    const response = await graphql(JSON.stringify({ query: '{ viewer { name } }' }), null);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('the body limit', () => {
  const mutation = (padding: string) =>
    JSON.stringify({
      query: `mutation($input: CreateAccountInput!) { createAccount(input: $input) { __typename } }`,
      variables: { input: { name: 'Too big', currency: 'EUR', bank: padding } },
    });

  it('refuses a body over 100 KB with 413 PAYLOAD_TOO_LARGE and writes nothing', async () => {
    const before = await database.prisma.account.count();
    const body = mutation('x'.repeat(MAX_BODY));
    expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_BODY);
    const response = await graphql(body);
    expect(response.status).toBe(413);
    const json = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(json.errors[0]!.extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(json.errors[0]!.message).toContain(String(MAX_BODY));
    expect(await database.prisma.account.count()).toBe(before);
  });

  it('refuses an oversized body sent in chunks without a Content-Length', async () => {
    const before = await database.prisma.account.count();
    const chunk = new TextEncoder().encode(' '.repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await database.prisma.account.count()).toBe(before);
  });

  it('accepts a body just under the limit', async () => {
    const body = mutation('y'.repeat(400));
    const response = await graphql(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { createAccount: { __typename: 'CreateAccountSuccess' } } });
  });
});

describe('GraphiQL', () => {
  it('is served on GET /graphql to a browser when enabled, with the API key prefilled', async () => {
    const response = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toMatch(/graphiql/i);
    expect(html).toContain(apiKey);
  });

  it('is self-contained: no script, style, worker or icon from another host, and it opens on the example tabs', async () => {
    const html = await (await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } })).text();
    // Every src= / href= in the page is inline (data:, blob:) or this server's; no CDN.
    const references = [...html.matchAll(/\b(?:src|href)\s*=\s*["'`]([^"'`]*)/g)].map((m) => m[1]!);
    expect(references.filter((ref) => /^(https?:)?\/\//.test(ref))).toEqual([]);
    expect(html).not.toMatch(/unpkg\.com|jsdelivr|raw\.githubusercontent\.com/);
    for (const operation of ['AccountsAndBalances', 'CategoryTree', 'BudgetsWithSpend', 'PostExpense', 'BudgetAlerts']) {
      expect(html).toContain(operation);
    }
    expect(html).toContain('graphiql-explorer'); // the explorer plugin is bundled
  });

  it('is not served when disabled', async () => {
    const plain = createHttpServer({ database, maxBodyBytes: MAX_BODY, graphiql: false, logError: () => {} });
    const plainBase = await listen(plain);
    try {
      const response = await fetch(`${plainBase}/graphql`, { headers: { accept: 'text/html' } });
      const text = await response.text();
      expect(response.headers.get('content-type') ?? '').not.toContain('text/html');
      expect(text).not.toMatch(/graphiql/i);
      expect(text).not.toContain('<html');
    } finally {
      await close(plain);
    }
  });
});

describe('landing page', () => {
  it('GET / answers HTML naming the endpoints and, in development, where the demo key is', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    for (const href of ['/graphql', '/health', '/ready', '/metrics']) expect(html).toContain(`href="${href}"`);
    expect(html).toContain('/data/demo-api-key');
    expect(html).toContain(`curl -s ${base}/graphql`);
    expect(html).not.toContain(apiKey); // the key itself stays in its file
    expect(html).not.toMatch(/<script|\b(?:src|href)="https?:/);
  });

  it('escapes the Host header it shows back', async () => {
    const { request } = await import('node:http');
    const html = await new Promise<string>((resolve, reject) => {
      const req = request(`${base}/`, { headers: { host: '<b>evil</b>' } }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    expect(html).not.toContain('<b>evil</b>');
    expect(html).toContain('&lt;b&gt;evil&lt;/b&gt;');
  });
});

describe('probes', () => {
  it('/health answers 200 without an API key', async () => {
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
  });

  it('/ready answers 200 while the database takes queries, 503 once it is closed', async () => {
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });

    await database.close();
    const notReady = await fetch(`${base}/ready`);
    expect(notReady.status).toBe(503);
    expect(((await notReady.json()) as { status: string }).status).toBe('database unreachable');
    // Liveness does not depend on the database.
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });
});

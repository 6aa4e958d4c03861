import type { AddressInfo } from 'node:net';
import { trace, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/open.js';
import { createLogger, createTelemetry, loadTracer, scrubSecrets } from '../../src/http/observability.js';
import { createHttpServer } from '../../src/http/server.js';
import { createOrganization } from '../../src/services/core/organizations.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { openTestDatabase, usingPostgres } from '../support/database.js';

/** A pino destination that keeps every line written, as the operator's log shipper would see it. */
function captureLogs() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) }, parsed: () => lines.map((line) => JSON.parse(line)) };
}

describe('structured request logs', () => {
  const logs = captureLogs();
  let app: TestApp;
  beforeAll(async () => {
    const telemetry = createTelemetry({ logger: createLogger({ level: 'debug', destination: logs.destination }) });
    app = await createTestApp({ telemetry, logError: undefined });
  });
  afterAll(() => app.close());

  it('echoes X-Request-Id and logs operation name, fields, status, outcome and duration under it', async () => {
    const response = await app.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.orgA.apiKey}`, 'x-request-id': 'trace-me-42' },
      body: JSON.stringify({ query: 'query WhoAmI { viewer { name } }', operationName: 'WhoAmI' }),
    });
    expect(response.headers.get('x-request-id')).toBe('trace-me-42');
    const line = logs.parsed().find((entry) => entry.requestId === 'trace-me-42');
    expect(line).toMatchObject({
      msg: 'request',
      operationName: 'WhoAmI',
      operation: 'query viewer',
      status: 200,
      outcome: 'ok',
      cost: { requested: 1, actual: 1 },
    });
    expect(typeof line.durationMs).toBe('number');
  });

  it('generates a request id when none (or a malformed one) is sent', async () => {
    for (const header of [undefined, 'bad id with spaces\n']) {
      const response = await app.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${app.orgA.apiKey}`, ...(header ? { 'x-request-id': header } : {}) },
        body: JSON.stringify({ query: '{ viewer { name } }' }),
      });
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('logs the outcome of refusals by their code', async () => {
    await app.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer allot_not_a_real_key_123456789', 'x-request-id': 'refused-1' },
      body: JSON.stringify({ query: '{ viewer { name } }' }),
    });
    expect(logs.parsed().find((entry) => entry.requestId === 'refused-1')).toMatchObject({ status: 401, outcome: 'UNAUTHENTICATED' });
  });

  it('never writes API keys, Authorization headers or variables to the log', async () => {
    const secret = 'allot_' + 'S3cretVariableValue'.repeat(2);
    await app.gql('mutation($input: CreateAccountInput!) { createAccount(input: $input) { __typename } }', {
      input: { name: secret, currency: 'EUR', bank: `Bearer ${secret}` },
    });
    await app.gql('{ viewer { name } }', {}, { ...app.orgA, apiKey: `${app.orgA.apiKey}x` });
    // An error whose message carries a key, as a careless library might produce.
    createLogger({ destination: logs.destination }).error({ err: new Error(`lookup failed for Bearer ${app.orgA.apiKey}`) }, 'boom');
    const all = logs.lines.join('\n');
    expect(logs.lines.length).toBeGreaterThan(5);
    expect(all).not.toContain(app.orgA.apiKey);
    expect(all).not.toContain(app.orgA.apiKey.slice(6, 30));
    expect(all).not.toContain('S3cretVariableValue');
    expect(all.toLowerCase()).not.toContain('authorization');
    expect(all).toContain('Bearer [redacted]');
  });

  it('scrubs key-shaped strings and bearer tokens', () => {
    expect(scrubSecrets('{"msg":"key allot_abcdefghijkl and Bearer xyz.123"}')).toBe('{"msg":"key allot_[redacted] and Bearer [redacted]"}');
  });
});

describe('/metrics and /ready on the HTTP server', () => {
  let database: Database;
  let base: string;
  let apiKey: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    database = await openDatabase();
    apiKey = (await createOrganization(database.prisma, { name: 'Metrics' })).apiKey;
    const server = createHttpServer({ database, maxBodyBytes: 100 * 1024, graphiql: false, metrics: {} });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    };
  });
  afterAll(async () => {
    await close();
    await database.close().catch(() => {});
  });

  it('exports request counts and durations by operation and outcome, database and process metrics', async () => {
    await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, body: JSON.stringify({ query: '{ viewer { name } }' }) });
    await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ viewer { name } }' }) });
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('allot_graphql_requests_total{operation="query viewer",outcome="ok"} 1');
    expect(text).toContain('allot_graphql_requests_total{operation="query viewer",outcome="UNAUTHENTICATED"} 1');
    expect(text).toMatch(/allot_graphql_request_duration_seconds_count\{operation="query viewer",outcome="ok"\} 1/);
    expect(text).toContain('allot_database_up 1');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('/ready answers 200 while the database answers and 503 once it is unreachable', async () => {
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    await database.close();
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'database unreachable' });
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('allot_database_up 0');
  });
});

describe.skipIf(!usingPostgres)('/metrics on PostgreSQL', () => {
  it('exports the connection pool', async () => {
    const database = await openTestDatabase();
    const server = createHttpServer({ database, maxBodyBytes: 1024, graphiql: false, metrics: {} });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await database.prisma.$queryRaw`SELECT 1`;
      const text = await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`)).text();
      expect(text).toMatch(/allot_db_pool_connections\{state="total"\} [1-9]/);
      expect(text).toContain('allot_db_pool_connections{state="waiting"} 0');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await database.close();
    }
  });
});

describe('/metrics behind a token', () => {
  it('refuses a scrape without the token', async () => {
    const database = await openDatabase();
    const server = createHttpServer({ database, maxBodyBytes: 1024, graphiql: false, metrics: { token: 'scrape-secret' } });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer scrape-secret' } })).status).toBe(200);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await database.close();
    }
  });
});

describe('OpenTelemetry tracing', () => {
  it('wraps each request in a span carrying operation and outcome, once a tracer provider is registered', async () => {
    const ended: Array<{ name: string; attributes: Record<string, unknown> }> = [];
    const recordingTracer = {
      startSpan(name: string, options?: { attributes?: Record<string, unknown> }) {
        const attributes: Record<string, unknown> = { ...options?.attributes };
        return {
          setAttributes(more: Record<string, unknown>) {
            Object.assign(attributes, more);
            return this;
          },
          end: () => void ended.push({ name, attributes }),
        } as unknown as Span;
      },
    } as unknown as Tracer;
    const provider: TracerProvider = { getTracer: () => recordingTracer };
    trace.setGlobalTracerProvider(provider);
    try {
      const tracer = await loadTracer();
      const app = await createTestApp({ telemetry: createTelemetry({ logger: createLogger({ level: 'silent' }), tracer }) });
      try {
        await app.gql('query Traced { viewer { name } }');
      } finally {
        await app.close();
      }
      expect(ended).toEqual([
        {
          name: 'graphql.request',
          attributes: expect.objectContaining({ 'graphql.operation.name': 'Traced', 'graphql.operation.fields': 'query viewer', 'allot.outcome': 'ok', 'http.response.status_code': 200 }),
        },
      ]);
    } finally {
      trace.disable();
    }
  });
});

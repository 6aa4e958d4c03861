/**
 * The in-process API-key cache (src/http/api-key-cache.ts): a known key costs no lookup, and a
 * revocation still refuses the key on its next request — here at once, and in another process
 * (on PostgreSQL) as soon as its NOTIFY arrives; a server that may have missed a notification
 * stops trusting its cache.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { ApiKeyCache, createApiKeyCache } from '../../src/http/api-key-cache.js';
import { createApiKey, revokeApiKey } from '../../src/services/core/organizations.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createScratchDatabase, startServer, type ServerProcess } from '../support/server-process.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const VIEWER = '{ viewer { name } }';

async function statementsOf(run: () => Promise<unknown>): Promise<number> {
  app.database.statements.reset();
  await run();
  return app.database.statements.count;
}

describe('in one process', () => {
  it('looks a key up once; later requests with it run no lookup', async () => {
    const issued = await createApiKey(app.database.prisma, app.orgA.organizationId, 'cached');
    const as = { ...app.orgA, apiKey: issued.apiKey };
    const first = await statementsOf(() => app.gql(VIEWER, {}, as));
    const second = await statementsOf(() => app.gql(VIEWER, {}, as));
    expect(first - second).toBe(1);
    expect((await app.gql(VIEWER, {}, as)).data).toEqual({ viewer: { name: expect.any(String) } });
  });

  it('refuses a cached key on the very next request after its revocation; nothing else is evicted', async () => {
    const issued = await createApiKey(app.database.prisma, app.orgA.organizationId, 'soon revoked');
    const as = { ...app.orgA, apiKey: issued.apiKey };
    expect((await app.gql(VIEWER, {}, as)).status).toBe(200);
    expect((await app.gql(VIEWER, {}, app.orgA)).status).toBe(200);
    const warm = await statementsOf(() => app.gql(VIEWER, {}, app.orgA));
    await revokeApiKey(app.database.prisma, issued.key.id);
    const refused = await app.gql(VIEWER, {}, as);
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // The other key stayed cached: still no lookup.
    expect(await statementsOf(() => app.gql(VIEWER, {}, app.orgA))).toBe(warm);
  });

  it('never caches a lookup that raced a revocation', async () => {
    const cache = new ApiKeyCache(app.database.prisma, { ttlMs: 60_000 });
    try {
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const issued = await createApiKey(app.database.prisma, app.orgA.organizationId, `race ${attempt}`);
        const lookup = cache.authenticate(issued.apiKey);
        await revokeApiKey(app.database.prisma, issued.key.id);
        await lookup; // read before or after the revocation: either way it must not be remembered
        expect(await cache.authenticate(issued.apiKey)).toBeNull();
      }
    } finally {
      cache.close();
    }
  });

  it('caches nothing for unknown keys, and nothing while bypassed', async () => {
    const cache = new ApiKeyCache(app.database.prisma, { ttlMs: 60_000 });
    try {
      expect(await cache.authenticate('allot_doesNotExist000000000000000000000')).toBeNull();
      expect(cache.size).toBe(0);
      cache.bypass();
      expect(await cache.authenticate(app.orgA.apiKey)).toMatchObject({ organizationId: app.orgA.organizationId });
      expect(cache.size).toBe(0);
      cache.resume();
      await cache.authenticate(app.orgA.apiKey);
      expect(cache.size).toBe(1);
    } finally {
      cache.close();
    }
  });

  it('trusts an entry no longer than its time to live', async () => {
    const cache = new ApiKeyCache(app.database.prisma, { ttlMs: 50 });
    try {
      const issued = await createApiKey(app.database.prisma, app.orgA.organizationId, 'short-lived');
      await cache.authenticate(issued.apiKey);
      // Revoked behind the cache's back (no announcement), as a missed notification would be.
      await app.database.prisma.apiKey.update({ where: { id: issued.key.id }, data: { revokedAt: new Date() } });
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(await cache.authenticate(issued.apiKey)).toBeNull();
    } finally {
      cache.close();
    }
  });
});

const postgresUrl = process.env.TEST_DATABASE_URL;

describe.runIf(postgresUrl)('across processes on PostgreSQL', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let dataDir: string;
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    scratch = await createScratchDatabase(postgresUrl!);
    dataDir = mkdtempSync(path.join(tmpdir(), 'allot-key-cache-'));
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await server?.exited;
    await scratch.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const ask = async (apiKey: string) =>
    (await fetch(`${server!.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query: VIEWER }),
    })).status;

  it('a key revoked by the CLI (another process) is refused by a running server that had it cached', async () => {
    server = await startServer({ dataDir, databaseUrl: scratch.url });
    expect(await ask(server.apiKey)).toBe(200);
    expect(await ask(server.apiKey)).toBe(200);
    const client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    const { rows } = await client.query<{ id: string }>('SELECT id FROM "ApiKey"');
    await client.end();
    await promisify(execFile)('npx', ['tsx', 'src/cli/allot.ts', 'key', 'revoke', rows[0]!.id], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { PATH: process.env.PATH, DATABASE_URL: scratch.url, ALLOT_DATA_DIR: dataDir },
    });
    // The NOTIFY reaches the server when the CLI's transaction commits, before the CLI exits.
    expect(await ask(server.apiKey)).toBe(401);
  });

  it('stops trusting its cache while its LISTEN connection is down, and trusts it again once it is back', async () => {
    const database = await openDatabase({ databaseUrl: scratch.url });
    const cache = createApiKeyCache(database, 60_000);
    const admin = new pg.Client({ connectionString: scratch.url });
    await admin.connect();
    try {
      const { organizationId } = (await admin.query<{ organizationId: string }>('SELECT "organizationId" FROM "ApiKey" LIMIT 1')).rows[0]!;
      const issued = await createApiKey(database.prisma, organizationId, 'listen test');
      const listening = async () => {
        for (let i = 0; i < 100 && (await cache.authenticate(issued.apiKey), cache.size === 0); i += 1) await new Promise((r) => setTimeout(r, 50));
        return cache.size;
      };
      expect(await listening()).toBe(1);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`);
      for (let i = 0; i < 100 && cache.size > 0; i += 1) await new Promise((r) => setTimeout(r, 20));
      expect(cache.size).toBe(0);
      // A revocation without a notification, as one sent while the connection was down would be missed.
      await admin.query('UPDATE "ApiKey" SET "revokedAt" = now() WHERE id = $1', [issued.key.id]);
      expect(await cache.authenticate(issued.apiKey)).toBeNull();
      const other = await createApiKey(database.prisma, organizationId, 'after reconnect');
      for (let i = 0; i < 100 && (await cache.authenticate(other.apiKey), cache.size === 0); i += 1) await new Promise((r) => setTimeout(r, 50));
      expect(cache.size).toBe(1);
    } finally {
      await admin.end();
      cache.close();
      await database.close();
    }
  });
});

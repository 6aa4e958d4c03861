/**
 * The very first start of a fresh checkout on PostgreSQL: `ALLOT_DATA_DIR` does not exist yet
 * (nothing else creates it when the database is not embedded). The server must create it, seed
 * the demo organization, store its key there and serve, rather than commit the organization and
 * crash writing the key file (ENOENT), which left a demo organization whose key nobody had.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usingPostgres } from '../support/database.js';
import { createScratchDatabase } from '../support/server-process.js';
import { childEnv, start, tempDataDir } from '../support/processes.js';

const PORT = 47111;

describe.skipIf(!usingPostgres)('first start on an empty PostgreSQL database with no data directory', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let parent: ReturnType<typeof tempDataDir>;
  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!);
    parent = tempDataDir('first-start');
  });
  afterAll(async () => {
    await scratch.drop();
    parent.remove();
  });

  it('creates the data directory, writes the demo key there and serves with it', async () => {
    const dataDir = path.join(parent.dir, 'not-yet', '.allot-data');
    expect(existsSync(dataDir)).toBe(false);
    // childEnv drops DATABASE_URL (so no test run leaks one in); this test names its own.
    const env = { ...childEnv(dataDir, { PORT: String(PORT), HOST: '127.0.0.1' }), DATABASE_URL: scratch.url };
    const server = start(process.execPath, ['--import', 'tsx', 'src/main.ts'], env);
    try {
      await server.waitFor(/serving GraphQL at/, 90_000);
      expect(server.output()).toMatch(/PostgreSQL \(DATABASE_URL\)/);
      const keyFile = path.join(dataDir, 'demo-api-key');
      const key = readFileSync(keyFile, 'utf8').trim();
      const response = await fetch(`http://127.0.0.1:${PORT}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: '{ viewer { isDemo } }' }),
      });
      expect(await response.json()).toEqual({ data: { viewer: { isDemo: true } }, extensions: expect.anything() });
      expect(server.output()).not.toMatch(/ENOENT/);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 120_000);
});

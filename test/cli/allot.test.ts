/**
 * The operator CLI as an operator runs it: `npx tsx src/cli/allot.ts` in a child process on a
 * temporary embedded data directory. Keys it prints are checked against the real auth path.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { runOverAdminSocket, startAdminSocket } from '../../src/http/admin-socket.js';
import { createLogger } from '../../src/http/observability.js';
import { createAllotYoga } from '../../src/http/yoga.js';
import { allot, childEnv, isAlive, run, start, tempDataDir } from '../support/processes.js';

/** The migrations in the repository: every one of them is applied to a fresh directory. */
const committedMigrations = () =>
  readdirSync(path.resolve(import.meta.dirname, '../../prisma/migrations'), { withFileTypes: true }).filter((entry) => entry.isDirectory()).length;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let data: ReturnType<typeof tempDataDir>;
beforeAll(() => {
  data = tempDataDir('cli');
});
afterAll(() => data.remove());

/** Opens the data directory in this process (the CLI has exited) and asks who each key is. */
async function viewerNames(...keys: string[]): Promise<Array<string | number>> {
  const database = await openDatabase({ dataDir: data.dir, role: 'the CLI test' });
  try {
    const yoga = createAllotYoga({ db: database.prisma, graphiql: false, logError: () => {} });
    const answers: Array<string | number> = [];
    for (const key of keys) {
      const response = await yoga.fetch('http://allot.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: '{ viewer { name } }' }),
      });
      answers.push(response.status === 200 ? ((await response.json()) as any).data.viewer.name : response.status);
    }
    return answers;
  } finally {
    await database.close();
  }
}

function json(stdout: string): any {
  return JSON.parse(stdout);
}

describe('organizations and keys', () => {
  let organizationId: string;
  let ownerKey: string;
  let ciKeyId: string;
  let ciKey: string;

  it('org create prints exactly one JSON object {organizationId, apiKey}, and the key works', async () => {
    const result = await allot(data.dir, 'org', 'create', 'Acme');
    expect(result.code, result.stderr).toBe(0);
    const printed = json(result.stdout);
    expect(Object.keys(printed).sort()).toEqual(['apiKey', 'organizationId']);
    expect(printed.organizationId).toMatch(UUID);
    expect(printed.apiKey).toMatch(/^allot_[A-Za-z0-9_-]{40,}$/);
    organizationId = printed.organizationId;
    ownerKey = printed.apiKey;
    expect(await viewerNames(ownerKey)).toEqual(['Acme']);
  });

  it('org list shows the organization and its key count, never a secret', async () => {
    const result = await allot(data.dir, 'org', 'list');
    expect(result.code, result.stderr).toBe(0);
    const orgs = json(result.stdout);
    expect(orgs).toEqual([{ id: organizationId, name: 'Acme', isDemo: false, createdAt: expect.any(String), keys: 1 }]);
    expect(result.stdout).not.toContain(ownerKey);
  });

  it('key create adds a named key that authenticates as the same organization', async () => {
    const result = await allot(data.dir, 'key', 'create', organizationId, '--name', 'ci');
    expect(result.code, result.stderr).toBe(0);
    const printed = json(result.stdout);
    expect(Object.keys(printed).sort()).toEqual(['apiKey', 'keyId']);
    ciKeyId = printed.keyId;
    ciKey = printed.apiKey;
    expect(ciKey).not.toBe(ownerKey);
    expect(await viewerNames(ciKey)).toEqual(['Acme']);
  });

  it('key list shows both keys by name and prefix only', async () => {
    const result = await allot(data.dir, 'key', 'list', organizationId);
    expect(result.code, result.stderr).toBe(0);
    const keys = json(result.stdout);
    expect(keys.map((k: any) => [k.name, k.prefix, k.revokedAt])).toEqual([
      ['owner', ownerKey.slice(0, 12), null],
      ['ci', ciKey.slice(0, 12), null],
    ]);
    expect(result.stdout).not.toContain(ciKey);
    expect(result.stdout).not.toMatch(/secretHash/);
  });

  it('key revoke refuses the revoked key on its next request and leaves the other working', async () => {
    const result = await allot(data.dir, 'key', 'revoke', ciKeyId);
    expect(result.code, result.stderr).toBe(0);
    const printed = json(result.stdout);
    expect(printed.keyId).toBe(ciKeyId);
    expect(Number.isNaN(Date.parse(printed.revokedAt))).toBe(false);
    expect(await viewerNames(ciKey, ownerKey)).toEqual([401, 'Acme']);
    const list = json((await allot(data.dir, 'key', 'list', organizationId)).stdout);
    expect(list.find((k: any) => k.id === ciKeyId).revokedAt).toBe(printed.revokedAt);
  });

  it('key revoke of an unknown key exits 1 with a message', async () => {
    const result = await allot(data.dir, 'key', 'revoke', '00000000-0000-4000-8000-000000000000');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('ApiKey not found');
  });
});

describe('bad usage', () => {
  it.each([
    [[], /usage: allot <command>/],
    [['frobnicate'], /usage: allot <command>/],
    [['org', 'create'], /usage: allot org create/],
    [['key', 'create', 'not-a-uuid'], /organizationId must be a UUID/],
    [['key', 'revoke'], /keyId must be a UUID/],
  ])('allot %j exits 1 with a message and prints nothing on stdout', async (args, message) => {
    const result = await allot(data.dir, ...(args as string[]));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('an organization name of only spaces is refused as input', async () => {
    const result = await allot(data.dir, 'org', 'create', '   ');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('name must not be empty');
  });
});

describe('the data directory lock', () => {
  it('refuses a second process while a live one holds the directory, naming its pid; usage still answers', async () => {
    const holder = start('npx', ['tsx', 'test/support/hold-data-dir-lock.ts', data.dir], childEnv(data.dir));
    let holderPid = 0;
    try {
      holderPid = Number(/locked (\d+)/.exec(await holder.waitFor(/locked \d+/))![1]);
      const refused = await allot(data.dir, 'org', 'list');
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toContain(`in use by a test lock holder (pid ${holderPid})`);
      // Usage mistakes are answered without touching the database, so even now.
      const usage = await allot(data.dir, 'org', 'create');
      expect(usage.code).toBe(1);
      expect(usage.stderr).toMatch(/usage: allot org create/);
      expect(usage.stderr).not.toContain('in use');
    } finally {
      if (holderPid) process.kill(holderPid, 'SIGKILL');
      await holder.exited;
    }

    // The holder died without releasing: its lock names a dead pid and is taken over.
    const lockPath = path.join(data.dir, 'allot.lock');
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(holderPid);
    expect(isAlive(holderPid)).toBe(false);
    const taken = await allot(data.dir, 'org', 'list');
    expect(taken.code, taken.stderr).toBe(0);
    expect(json(taken.stdout)[0].name).toBe('Acme');
    expect(existsSync(lockPath)).toBe(false);
  });

  it("while a process serves the admin socket, the CLI's commands run there, refusals included", async () => {
    const database = await openDatabase({ dataDir: data.dir, role: 'the CLI test server' });
    const socket = (await startAdminSocket({ dataDir: data.dir, database, logger: createLogger({ level: 'silent' }) }))!;
    try {
      expect(statSync(socket.path).mode & 0o777).toBe(0o600);
      const listed = await allot(data.dir, 'org', 'list');
      expect(listed.code, listed.stderr).toBe(0);
      expect(json(listed.stdout)[0].name).toBe('Acme');
      const refused = await allot(data.dir, 'key', 'revoke', '00000000-0000-4000-8000-000000000000');
      expect(refused).toMatchObject({ code: 1, stdout: '' });
      expect(refused.stderr).toContain('ApiKey not found');
      // The socket checks what it is sent, like the CLI does.
      const bad = await runOverAdminSocket(socket.path, ['key', 'create', 'not-a-uuid']);
      expect(bad).toEqual({ status: 400, body: { error: expect.stringContaining('organizationId must be a UUID') } });
      const notStrings = await runOverAdminSocket(socket.path, [1 as unknown as string]);
      expect(notStrings.status).toBe(400);
    } finally {
      await socket.close();
      await database.close();
    }
    // Nobody listens any more: the CLI opens the directory itself again.
    const direct = await allot(data.dir, 'org', 'list');
    expect(direct.code, direct.stderr).toBe(0);
  });

  it('migrate reports nothing left to apply on an existing directory', async () => {
    const result = await run('npx', ['tsx', 'src/cli/allot.ts', 'migrate'], childEnv(data.dir));
    expect(result.code, result.stderr).toBe(0);
    expect(json(result.stdout)).toEqual({ applied: [], alreadyApplied: committedMigrations() });
  });
});

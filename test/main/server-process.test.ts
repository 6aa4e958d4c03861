/**
 * `npm start` end to end: `npx tsx src/main.ts` on a fresh embedded data directory seeds the demo,
 * serves it with a banner on stderr, runs CLI commands over its admin socket meanwhile, stops
 * cleanly on SIGTERM, and on restart keeps the data without seeding again.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allot, childEnv, isAlive, start, tempDataDir, type Running } from '../support/processes.js';

/** Every committed migration: the count grows with each one, so it is read rather than written down. */
const MIGRATIONS = readdirSync('prisma/migrations', { withFileTypes: true }).filter((entry) => entry.isDirectory()).length;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

let data: ReturnType<typeof tempDataDir>;
beforeAll(() => {
  data = tempDataDir('main');
});
afterAll(() => data.remove());

interface Served {
  server: Running;
  base: string;
  /** The server's own pid, from the data directory's lock. */
  pid: number;
}

async function serve(): Promise<Served> {
  const port = await freePort();
  const server = start('npx', ['tsx', 'src/main.ts'], childEnv(data.dir, { PORT: String(port), HOST: '127.0.0.1' }));
  await server.waitFor(/serving GraphQL at/, 90_000);
  await server.waitFor(/Allot is running: [^\n]*\n[\s\S]*?\n─+\n/, 10_000); // the whole banner (stderr)
  const pid = JSON.parse(readFileSync(path.join(data.dir, 'allot.lock'), 'utf8')).pid as number;
  return { server, base: `http://127.0.0.1:${port}`, pid };
}

async function stop(served: Served): Promise<number | null> {
  process.kill(served.pid, 'SIGTERM');
  return served.server.exited;
}

async function query(base: string, key: string, text: string) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: text }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

const DEMO = '{ viewer { id name isDemo } categories { title } accounts { totalCount } }';

describe('src/main.ts', () => {
  let demoKey: string;
  let firstData: unknown;

  it('seeds the demo on first start, prints its key once and serves it', async () => {
    const served = await serve();
    try {
      const output = served.server.output();
      expect(output).toContain(`"applied":${MIGRATIONS},"alreadyApplied":0`);
      const match = /Its API key \(shown once\):\s+(allot_\S+)/.exec(output);
      expect(match).not.toBeNull();
      demoKey = match![1]!;
      expect(output.split(demoKey)).toHaveLength(2); // printed exactly once
      // …in the banner on standard error, never in a JSON log line on standard output.
      const stdout = served.server.stdout();
      expect(stdout).not.toContain(demoKey);
      const banner = served.server.stderr();
      const keyFile = path.join(data.dir, 'demo-api-key');
      expect(readFileSync(keyFile, 'utf8')).toBe(demoKey);
      expect(banner).toContain(`${served.base}/graphql`);
      expect(banner).toContain(`It is also stored in ${keyFile}`);
      expect(banner).toContain(`KEY=$(cat ${keyFile})`);
      expect(banner).toContain(`curl -s ${served.base}/graphql -H "Authorization: Bearer $KEY"`);

      const answer = await query(served.base, demoKey, DEMO);
      expect(answer.status).toBe(200);
      expect(answer.body.data.viewer).toMatchObject({ isDemo: true });
      expect(answer.body.data.categories.map((c: { title: string }) => c.title)).toEqual(
        expect.arrayContaining(['Прочие поступления', 'Расходы на офис', 'Реклама', 'Сотрудники']),
      );
      expect(answer.body.data.accounts.totalCount).toBe(3);
      firstData = answer.body.data;

      expect((await fetch(`${served.base}/health`)).status).toBe(200);
      expect((await fetch(`${served.base}/ready`)).status).toBe(200);
    } finally {
      expect(await stop(served)).toBe(0);
    }
    expect(served.server.output()).toMatch(/"signal":"SIGTERM".*finishing in-flight requests/);
    expect(isAlive(served.pid)).toBe(false);
    expect(existsSync(path.join(data.dir, 'allot.lock'))).toBe(false);
  }, 120_000);

  it('on restart keeps the data, does not seed again, says where the key is, and runs CLI commands meanwhile', async () => {
    const served = await serve();
    try {
      const output = served.server.output();
      expect(output).toContain(`"applied":0,"alreadyApplied":${MIGRATIONS}`);
      expect(output).not.toContain('Created the demo organization');
      expect(output).not.toMatch(/allot_\S+/);
      // The banner says where the key is, and its curl line runs as printed.
      expect(served.server.stderr()).toContain(`The demo organization's API key is in ${path.join(data.dir, 'demo-api-key')}`);

      const answer = await query(served.base, demoKey, DEMO);
      expect(answer.body.data).toEqual(firstData);

      // In development, GraphiQL opens with the demo key filled in, also after a restart.
      const graphiql = await fetch(`${served.base}/graphql`, { headers: { accept: 'text/html' } });
      expect(await graphiql.text()).toContain(demoKey);

      // The CLI works while the server holds the directory: the server runs it (admin socket).
      const listed = await allot(data.dir, 'org', 'list');
      expect(listed.code, listed.stderr).toBe(0);
      expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'Allot demo', isDemo: true, keys: 1 })]);
      const created = await allot(data.dir, 'org', 'create', 'Made while running');
      expect(created.code, created.stderr).toBe(0);
      const { apiKey } = JSON.parse(created.stdout);
      expect((await query(served.base, apiKey, '{ viewer { name } }')).body.data.viewer.name).toBe('Made while running');
      // Refusals come back as the CLI's own: exit 1, a message on stderr, nothing on stdout.
      const unknown = await allot(data.dir, 'key', 'revoke', '00000000-0000-4000-8000-000000000000');
      expect(unknown).toMatchObject({ code: 1, stdout: '' });
      expect(unknown.stderr).toContain('ApiKey not found');
    } finally {
      expect(await stop(served)).toBe(0);
    }
    expect(existsSync(path.join(data.dir, 'admin.sock'))).toBe(false);
    // Two organizations now, read directly once the server has stopped.
    const list = await allot(data.dir, 'org', 'list');
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toHaveLength(2);
  }, 180_000);
});

/**
 * Crash safety with the real server process, on embedded PGlite and (when TEST_DATABASE_URL is set)
 * PostgreSQL:
 * - SIGKILL in the middle of a write load, restart: every acknowledged mutation is there, nothing
 *   is half-written (each account has its NEW event; each name is the one its latest changelog
 *   event says), every invariant holds;
 * - SIGTERM while requests are in flight: they all complete, then the database closes cleanly
 *   and the process exits 0.
 * The load is bounded and stays on localhost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { decodeIdOf } from '../../src/graphql/global-id.js';
import { findInvariantViolations } from '../support/invariants.js';
import { createScratchDatabase, startServer, type ServerProcess } from '../support/server-process.js';

const CREATE = `mutation($input: CreateAccountInput!) { createAccount(input: $input) { __typename ... on CreateAccountSuccess { account { id } } } }`;
const UPDATE = `mutation($input: UpdateAccountInput!) { updateAccount(input: $input) { __typename } }`;

async function gql(server: ServerProcess, query: string, variables: Record<string, unknown>) {
  const response = await fetch(`${server.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.apiKey}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: Record<string, any>; errors?: unknown[] } };
}

interface Acknowledged {
  id: string;
  openingBalance: string;
  /** The last name the server acknowledged, and names sent after it that got no answer. */
  ackedName: string;
  unansweredNames: string[];
}

/** Workers create accounts and rename them, recording exactly what the server acknowledged. */
function writeLoad(server: ServerProcess, workers: number, maxPerWorker: number) {
  const acknowledged = new Map<string, Acknowledged>();
  let stopped = false;
  let acks = 0;
  const worker = async (w: number) => {
    for (let i = 0; i < maxPerWorker && !stopped; i++) {
      const openingBalance = `${w * 1000 + i}.${String(i % 100).padStart(2, '0')}`;
      let id: string | undefined;
      try {
        const created = await gql(server, CREATE, { input: { name: `w${w}-a${i}`, currency: 'EUR', openingBalance } });
        id = created.body.data?.createAccount?.account?.id;
        if (created.status !== 200 || !id) throw new Error(`unexpected answer ${JSON.stringify(created.body)}`);
      } catch (error) {
        if (stopped) return; // the server died mid-request: unacknowledged
        throw error;
      }
      const record: Acknowledged = { id, openingBalance, ackedName: `w${w}-a${i}`, unansweredNames: [] };
      acknowledged.set(id, record);
      acks++;
      for (let v = 1; v <= 2 && !stopped; v++) {
        const name = `w${w}-a${i}-v${v}`;
        record.unansweredNames.push(name);
        try {
          const updated = await gql(server, UPDATE, { input: { id, name } });
          if (updated.body.data?.updateAccount?.__typename !== 'UpdateAccountSuccess') throw new Error(JSON.stringify(updated.body));
          record.ackedName = name;
          record.unansweredNames = [];
          acks++;
        } catch (error) {
          if (stopped) return;
          throw error;
        }
      }
    }
  };
  const done = Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  return {
    acknowledged,
    acks: () => acks,
    stop: () => {
      stopped = true;
    },
    done,
  };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function environment(kind: 'pglite' | 'postgres') {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'allot-crash-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  let databaseUrl: string | undefined;
  if (kind === 'postgres') {
    const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL as string);
    cleanups.push(() => scratch.drop());
    databaseUrl = scratch.url;
  }
  const start = async (extra: Record<string, string> = {}) => {
    const server = await startServer({ dataDir, databaseUrl, extra });
    cleanups.push(() => {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    });
    return server;
  };
  return { dataDir, databaseUrl, start };
}

const kinds: Array<'pglite' | 'postgres'> = ['pglite', ...(process.env.TEST_DATABASE_URL ? (['postgres'] as const) : [])];

describe.each(kinds)('crash safety on %s', (kind) => {
  it('SIGKILL mid-load: after a restart every acknowledged write is there, nothing half-written, invariants hold', async () => {
    const env = await environment(kind);
    const first = await env.start();
    const load = writeLoad(first, 4, 60);
    await waitFor(() => load.acks() >= 40, 60_000);
    first.child.kill('SIGKILL');
    load.stop();
    await load.done;
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(load.acknowledged.size).toBeGreaterThanOrEqual(10);

    // Restart on the same data: the server recovers and serves every acknowledged write.
    const second = await env.start();
    for (const account of load.acknowledged.values()) {
      const { body } = await gql(second, `query($id: ID!) { node(id: $id) { ... on Account { name openingBalance balance } } }`, { id: account.id });
      const node = body.data?.node as { name: string; openingBalance: string; balance: string } | null;
      expect(node, `acknowledged account ${account.id}`).not.toBeNull();
      expect([account.ackedName, ...account.unansweredNames]).toContain(node?.name);
      expect(node?.openingBalance).toBe(Number(account.openingBalance).toFixed(2));
      expect(node?.balance).toBe(node?.openingBalance);
    }
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });

    // Straight at the data: no half-written change anywhere.
    const database = await openDatabase({ dataDir: env.dataDir, databaseUrl: env.databaseUrl });
    try {
      expect(await findInvariantViolations(database.prisma)).toEqual([]);
      const stored = await database.prisma.account.count({
        where: { id: { in: [...load.acknowledged.keys()].map((id) => decodeIdOf('Account', id)) } },
      });
      expect(stored).toBe(load.acknowledged.size);
    } finally {
      await database.close();
    }
  }, 240_000);

  it('SIGTERM: /ready fails at once, every request already sent is answered, the database closes, exit 0', async () => {
    const env = await environment(kind);
    const server = await env.start({ ALLOT_SHUTDOWN_GRACE_MS: '1000' });
    // Four clients write continuously; a "load balancer" stops them once /ready fails, which is
    // the contract: after that nobody sends, and everything sent before must be answered.
    let routing = true;
    const answers: Array<Awaited<ReturnType<typeof gql>>> = [];
    const failures: string[] = [];
    const client = async (c: number) => {
      for (let i = 0; routing && i < 200; i++) {
        try {
          answers.push(await gql(server, CREATE, { input: { name: `drain-${c}-${i}`, currency: 'EUR', openingBalance: '1.00' } }));
        } catch (error) {
          failures.push(String((error as { cause?: { code?: string } }).cause?.code ?? error));
        }
      }
    };
    const clients = [0, 1, 2, 3].map(client);
    await waitFor(() => answers.length >= 8, 60_000);
    server.child.kill('SIGTERM');
    while (routing) {
      const ready = await fetch(`${server.baseUrl}/ready`).catch(() => undefined);
      if (!ready || ready.status === 503) routing = false;
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await Promise.all(clients);

    expect(failures).toEqual([]);
    for (const answer of answers) expect(answer.body.data?.createAccount?.__typename).toBe('CreateAccountSuccess');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output.join('')).toContain('database closed; exiting');
    // Requests in flight when the signal came were answered after it (the drain).
    const log = server.output.join('').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    const stopAt = log.find((entry) => entry.signal === 'SIGTERM')?.time as number;
    expect(log.filter((entry) => entry.msg === 'request' && entry.time >= stopAt).length).toBeGreaterThan(0);
    // New connections are no longer accepted.
    await expect(fetch(`${server.baseUrl}/health`)).rejects.toThrow();

    const database = await openDatabase({ dataDir: env.dataDir, databaseUrl: env.databaseUrl });
    try {
      // Exactly the answered writes: none lost, none done without an answer.
      expect(await database.prisma.account.count({ where: { name: { startsWith: 'drain-' } } })).toBe(answers.length);
      expect(await findInvariantViolations(database.prisma)).toEqual([]);
    } finally {
      await database.close();
    }
  }, 240_000);
});

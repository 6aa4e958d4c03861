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
import { seedEveryNodeType } from '../support/every-node.js';
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

const LEDGER = {
  expense: `mutation($input: CreateExpenseInput!) { createExpense(input: $input) { __typename ... on CreateExpenseSuccess { expense { id posted } } } }`,
  transfer: `mutation($input: TransferFundsInput!) { transferFunds(input: $input) { __typename ... on TransferFundsSuccess { transfer { id posted } } } }`,
  transaction: `mutation($input: CreateTransactionInput!) { createTransaction(input: $input) { __typename ... on CreateTransactionSuccess { transaction { id } } } }`,
  part: `mutation($input: CreateBudgetTransactionInput!) { createBudgetTransaction(input: $input) { __typename ... on Error { code } ... on CreateBudgetTransactionSuccess { budgetTransaction { id } } } }`,
};

/** Ledger writes the server acknowledged: posted expenses and transfers, budget parts. */
interface LedgerAcks {
  expenses: string[];
  transfers: string[];
  parts: string[];
  frozen: number;
}

/**
 * Workers create accounts and rename them, and post expenses (against an AUTO_FREEZE budget),
 * transfers and budget transactions (which the budget freezes once full), recording exactly what
 * the server acknowledged.
 */
function writeLoad(server: ServerProcess, workers: number, maxPerWorker: number, budgetId: string) {
  const acknowledged = new Map<string, Acknowledged>();
  const ledger: LedgerAcks = { expenses: [], transfers: [], parts: [], frozen: 0 };
  let stopped = false;
  let acks = 0;
  /** Sends a ledger write; undefined when the server died before answering. */
  const send = async (query: string, input: Record<string, unknown>, field: string) => {
    try {
      const { status, body } = await gql(server, query, { input });
      const payload = body.data?.[field] as Record<string, any> | undefined;
      if (status !== 200 || !payload) throw new Error(`unexpected answer ${JSON.stringify(body)}`);
      return payload;
    } catch (error) {
      if (stopped) return undefined;
      throw error;
    }
  };
  const ledgerWrites = async (w: number, i: number, from: string, to: string) => {
    const expense = await send(LEDGER.expense, { title: `w${w}-e${i}`, amount: '1.00', accountId: from, budgetId, plannedDate: '2024-05-01', post: true }, 'createExpense');
    if (!expense) return;
    // The budget may be frozen already: then the expense is refused whole.
    if (expense.__typename === 'CreateExpenseSuccess') {
      expect(expense.expense.posted).toBe(true);
      ledger.expenses.push(expense.expense.id);
      acks++;
    } else expect(expense.__typename).toBe('BudgetFrozenError');
    const moved = await send(LEDGER.transfer, { fromAccountId: from, toAccountId: to, amount: '0.50', title: `w${w}-t${i}`, post: true }, 'transferFunds');
    if (!moved) return;
    expect(moved.__typename).toBe('TransferFundsSuccess');
    ledger.transfers.push(moved.transfer.id);
    acks++;
    const transaction = await send(LEDGER.transaction, { externalId: `w${w}-x${i}`, date: '2024-05-02', amount: '3.00', currency: 'EUR', direction: 'DEBIT' }, 'createTransaction');
    if (!transaction) return;
    const part = await send(LEDGER.part, { budgetId, transactionId: transaction.transaction.id, amount: '2.00' }, 'createBudgetTransaction');
    if (!part) return;
    if (part.__typename === 'CreateBudgetTransactionSuccess') ledger.parts.push(part.budgetTransaction.id);
    else {
      expect(part.code).toBe('BUDGET_FROZEN');
      ledger.frozen++;
    }
    acks++;
  };
  const ledgerAccount = async (name: string) => {
    const created = await send(CREATE, { name, currency: 'EUR', openingBalance: '500.00' }, 'createAccount');
    return created?.account?.id as string | undefined;
  };
  const worker = async (w: number) => {
    const from = await ledgerAccount(`w${w}-ledger-from`);
    const to = await ledgerAccount(`w${w}-ledger-to`);
    if (!from || !to) return;
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
      if (!stopped) await ledgerWrites(w, i, from, to);
    }
  };
  const done = Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  return {
    acknowledged,
    ledger,
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
    // Every Node type, with postings, a cancelled transfer and a budget part, before the load.
    await seedEveryNodeType(async (query, variables) => (await gql(first, query, variables ?? {})).body, 'crash');
    const budget = await gql(first, `mutation { createBudget(input: {name: "Frozen", type: "GLOBAL", granularity: "MONTH", dateFrom: "2024-01-01", dateTo: "2024-12-31", config: ["AUTO_FREEZE"], limit: "40.00", currency: "EUR"}) { ... on CreateBudgetSuccess { budget { id } } } }`, {});
    const load = writeLoad(first, 4, 60, budget.body.data!.createBudget.budget.id);
    await waitFor(() => load.acks() >= 80, 90_000);
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
      // Acknowledged ledger writes are all there, posted; the load did reach the budget's freeze.
      const { expenses, transfers, parts } = load.ledger;
      expect(expenses.length).toBeGreaterThan(0);
      expect(transfers.length).toBeGreaterThan(0);
      expect(parts.length).toBeGreaterThan(0);
      expect(await database.prisma.entry.count({ where: { id: { in: expenses.map((id) => decodeIdOf('Expense', id)) }, posted: true } })).toBe(expenses.length);
      expect(await database.prisma.transfer.count({ where: { id: { in: transfers.map((id) => decodeIdOf('Transfer', id)) }, posted: true } })).toBe(transfers.length);
      expect(await database.prisma.budgetTransaction.count({ where: { id: { in: parts.map((id) => decodeIdOf('BudgetTransaction', id)) } } })).toBe(parts.length);
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

/**
 * At-least-once across a crash, with the real server process: the receiver holds the first
 * delivery open, the server is SIGKILLed mid-attempt, restarted on the same database, and the
 * event still arrives (same webhook-id, signature valid). PGlite by default; PostgreSQL when
 * TEST_DATABASE_URL is set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createScratchDatabase, startServer, type ServerProcess } from '../support/server-process.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function gql(server: ServerProcess, query: string, input: Record<string, unknown>) {
  const response = await fetch(`${server.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.apiKey}` },
    body: JSON.stringify({ query, variables: { input } }),
  });
  const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data!;
}

const WEBHOOK_ENV = {
  ALLOT_WEBHOOK_POLL_MS: '50',
  ALLOT_WEBHOOK_TIMEOUT_MS: '2000',
  ALLOT_WEBHOOK_LEASE_MS: '3000',
  ALLOT_WEBHOOK_RETRY_BASE_MS: '100',
};

it('SIGKILL mid delivery, restart: the event still arrives, with the same webhook-id', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'allot-webhook-crash-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  let databaseUrl: string | undefined;
  if (process.env.TEST_DATABASE_URL) {
    const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL);
    cleanups.push(() => scratch.drop());
    databaseUrl = scratch.url;
  }
  const receiver: WebhookReceiver = await startWebhookReceiver();
  cleanups.push(() => receiver.close());
  receiver.respond = (n) => (n === 1 ? 'hang' : 200);

  const first = await startServer({ dataDir, databaseUrl, extra: WEBHOOK_ENV });
  cleanups.push(() => void first.child.kill('SIGKILL'));
  const created = await gql(
    first,
    `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { ... on CreateWebhookEndpointSuccess { secret endpoint { id } } } }`,
    { url: receiver.url, events: ['entry.created'] },
  );
  receiver.secret = created.createWebhookEndpoint.secret;
  const account = await gql(first, `mutation($input: CreateAccountInput!) { createAccount(input: $input) { ... on CreateAccountSuccess { account { id } } } }`, {
    name: 'Crash',
    currency: 'EUR',
    openingBalance: '10.00',
  });
  const category = await gql(first, `mutation($input: CreateCategoryInput!) { createCategory(input: $input) { ... on CreateCategorySuccess { category { id } } } }`, {
    title: 'Crash',
    kind: 'EXPENSE',
  });
  const expense = await gql(first, `mutation($input: CreateExpenseInput!) { createExpense(input: $input) { ... on CreateExpenseSuccess { expense { id } } } }`, {
    title: 'Survives',
    amount: '1.00',
    accountId: account.createAccount.account.id,
    categoryId: category.createCategory.category.id,
  });

  // The first attempt reaches the receiver, which holds it open; the server dies mid-attempt.
  const [held] = await receiver.waitFor(1, 30_000);
  first.child.kill('SIGKILL');
  expect((await first.exited).signal).toBe('SIGKILL');

  const second = await startServer({ dataDir, databaseUrl, extra: WEBHOOK_ENV });
  cleanups.push(async () => {
    second.child.kill('SIGTERM');
    await second.exited;
  });
  const received = await receiver.waitFor(2, 30_000);
  expect(received[1]!.id).toBe(held!.id);
  expect(received[1]!.verified).toBe(true);
  expect(received[1]!.payload).toMatchObject({ type: 'entry.created', data: { id: expense.createExpense.expense.id, title: 'Survives' } });
}, 120_000);

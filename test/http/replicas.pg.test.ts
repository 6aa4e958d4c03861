/**
 * Two real server processes (`node --import tsx src/main.ts`) on one PostgreSQL database, each with
 * its own attachments directory, show that nothing a client needs lives in one replica any more:
 * - a budget alert recorded through replica 1 reaches a `budgetAlerts` subscriber on replica 2
 *   (LISTEN/NOTIFY, src/http/alert-pubsub.ts), and not a subscriber of another organization;
 * - one API key's rate budget is shared: once replica 1 spent it, replica 2 refuses
 *   (src/http/shared-rate-limit.ts);
 * - an attachment uploaded through replica 1 downloads from replica 2 (the database store).
 * Skipped without TEST_DATABASE_URL (the embedded database belongs to one process).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/open.js';
import { encodeGlobalId } from '../../src/graphql/global-id.js';
import { createOrganization } from '../../src/services/core/organizations.js';
import type { Viewer } from '../../src/services/core/viewer.js';
import { budgetFixture, transactionFixture } from '../support/budget-fixtures.js';
import { usingPostgres } from '../support/database.js';
import { readSseEvents } from '../support/sse.js';
import { createScratchDatabase, startServer, type ServerProcess } from '../support/server-process.js';

const PORTS = ['4171', '4172'];
const BUCKET = 500;

interface Tenant {
  apiKey: string;
  viewer: Viewer;
}

async function gql(replica: ServerProcess, tenant: Tenant, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${replica.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiKey}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { data?: any; errors?: any[]; extensions?: any } };
}

/** A `budgetAlerts` subscription over SSE on a real server, collecting its events. */
async function subscribe(replica: ServerProcess, tenant: Tenant) {
  const controller = new AbortController();
  const response = await fetch(`${replica.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${tenant.apiKey}` },
    body: JSON.stringify({ query: 'subscription { budgetAlerts { id thresholdPercent spent limit budget { id name } } }' }),
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  return readSseEvents(response, controller);
}

describe.skipIf(!usingPostgres)('two replicas on one PostgreSQL database share alerts, rate budgets and attachments', () => {
  let scratch: { url: string; drop(): Promise<void> };
  let dataDir: string;
  let attachmentDirs: string[];
  let replicas: ServerProcess[] = [];
  let database: Database;
  let alerts: Tenant;
  let bystander: Tenant;
  let throttled: Tenant;

  const tenant = async (name: string): Promise<Tenant> => {
    const { organization, apiKey, key } = await createOrganization(database.prisma, { name });
    return { apiKey, viewer: { organizationId: organization.id, userId: key.userId } };
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!);
    // One data directory (on PostgreSQL it holds only the demo key file the helper reads), but
    // each replica its own attachments directory: nothing may be shared through a disk.
    dataDir = mkdtempSync(path.join(tmpdir(), 'allot-replicas-'));
    attachmentDirs = PORTS.map(() => mkdtempSync(path.join(tmpdir(), 'allot-replica-files-')));
    for (const [i, port] of PORTS.entries()) {
      replicas.push(
        await startServer({
          dataDir,
          databaseUrl: scratch.url,
          extra: {
            PORT: port,
            ALLOT_ATTACHMENTS_DIR: attachmentDirs[i]!,
            ALLOT_RATE_LIMIT: 'true',
            ALLOT_RATE_LIMIT_BUCKET: String(BUCKET),
            ALLOT_RATE_LIMIT_RESTORE_PER_SECOND: '1',
            ALLOT_SHUTDOWN_GRACE_MS: '0',
          },
        }),
      );
    }
    database = await openDatabase({ databaseUrl: scratch.url, poolSize: 3 });
    alerts = await tenant('Alerts and files');
    bystander = await tenant('Bystander');
    throttled = await tenant('Throttled');
  }, 180_000);

  afterAll(async () => {
    for (const replica of replicas) {
      replica.child.kill('SIGTERM');
      await replica.exited;
    }
    await database?.close();
    await scratch?.drop();
    for (const dir of [dataDir, ...(attachmentDirs ?? [])]) if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('a budget alert recorded through replica 1 reaches the subscriber on replica 2, fresh, and no other organization', async () => {
    const budget = await budgetFixture(database.prisma, alerts.viewer, { name: 'Shared alerts', limit: '100.00', config: ['SPEND_ALERTS'] });
    const transaction = await transactionFixture(database.prisma, alerts.viewer, { amount: '500.00' });
    const onReplica2 = await subscribe(replicas[1]!, alerts);
    const otherTenant = await subscribe(replicas[1]!, bystander);
    const onReplica1 = await subscribe(replicas[0]!, alerts);
    try {
      const written = await gql(
        replicas[0]!,
        alerts,
        `mutation($input: CreateBudgetTransactionInput!) { createBudgetTransaction(input: $input) { __typename ... on Error { code message } } }`,
        { input: { budgetId: encodeGlobalId('Budget', budget.id), transactionId: encodeGlobalId('Transaction', transaction.id), amount: '90.00' } },
      );
      expect(written.body.data.createBudgetTransaction.__typename).toBe('CreateBudgetTransactionSuccess');
      const [event] = await onReplica2.waitFor(1, 10_000);
      const row = await database.prisma.budgetAlert.findFirstOrThrow({ where: { budgetId: budget.id } });
      expect(event).toEqual({
        data: {
          budgetAlerts: {
            id: encodeGlobalId('BudgetAlert', row.id),
            thresholdPercent: 80,
            spent: '90.00',
            limit: '100.00',
            budget: { id: encodeGlobalId('Budget', budget.id), name: 'Shared alerts' },
          },
        },
      });
      expect(await onReplica1.waitFor(1, 5_000)).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(onReplica2.events).toHaveLength(1); // once, not once per replica
      expect(otherTenant.events).toEqual([]);
    } finally {
      for (const subscription of [onReplica1, onReplica2, otherTenant]) await subscription.close();
    }
  });

  it('an attachment uploaded through replica 1 downloads from replica 2; nothing is written to either disk', async () => {
    const transaction = await transactionFixture(database.prisma, alerts.viewer, { externalId: 'receipt-owner' });
    const bytes = new TextEncoder().encode('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');
    const form = new FormData();
    form.set(
      'operations',
      JSON.stringify({
        query: `mutation($input: UploadAttachmentInput!) { uploadAttachment(input: $input) { __typename ... on UploadAttachmentSuccess { attachment { downloadUrl } } ... on Error { code } } }`,
        variables: { input: { transactionId: encodeGlobalId('Transaction', transaction.id), file: null } },
      }),
    );
    form.set('map', JSON.stringify({ 0: ['variables.input.file'] }));
    form.set('0', new File([bytes as BlobPart], 'receipt.pdf'));
    const uploaded = await fetch(`${replicas[0]!.baseUrl}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alerts.apiKey}`, 'x-allot-csrf': '1' },
      body: form,
    });
    const result = ((await uploaded.json()) as any).data.uploadAttachment;
    expect(result.__typename).toBe('UploadAttachmentSuccess');

    const downloaded = await fetch(`${replicas[1]!.baseUrl}${result.attachment.downloadUrl}`, { headers: { authorization: `Bearer ${alerts.apiKey}` } });
    expect(downloaded.status).toBe(200);
    expect(downloaded.headers.get('content-type')).toBe('application/pdf');
    expect(downloaded.headers.get('content-disposition')).toBe(`attachment; filename="receipt.pdf"; filename*=UTF-8''receipt.pdf`);
    expect(new Uint8Array(await downloaded.arrayBuffer())).toEqual(bytes);
    // Another organization gets the missing-id answer from either replica.
    for (const replica of replicas) {
      const foreign = await fetch(`${replica.baseUrl}${result.attachment.downloadUrl}`, { headers: { authorization: `Bearer ${bystander.apiKey}` } });
      expect(foreign.status).toBe(404);
    }
    for (const dir of attachmentDirs) expect(readdirSync(dir, { recursive: true })).toEqual([]);
  });

  it("one key's rate budget is shared: once replica 1 spent it, replica 2 refuses (THROTTLED, 429, Retry-After) and writes nothing", async () => {
    for (let i = 0; i < 60; i++) {
      await database.prisma.account.create({
        data: { organizationId: throttled.viewer.organizationId, name: `R${i}`, currency: 'EUR', openingBalanceMinor: 0n, balanceMinor: 0n },
      });
    }
    // Requested and actual cost alike: the connection and its 60 accounts.
    const page = `{ accounts(first: 60) { edges { node { id } } } }`;
    for (let spent = 0; spent + 61 <= BUCKET; spent += 61) {
      const answered = await gql(replicas[0]!, throttled, page);
      expect(answered.status).toBe(200);
      expect(answered.body.extensions.cost).toMatchObject({ requestedQueryCost: 61, actualQueryCost: 61 });
    }
    // Alone, replica 2 would have a full bucket of its own for this key.
    const refused = await gql(replicas[1]!, throttled, page);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors![0].extensions.code).toBe('THROTTLED');
    expect(refused.body.extensions.cost.throttleStatus).toMatchObject({ maximumAvailable: BUCKET, restoreRate: 1 });
    expect(refused.body.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(61);

    const accounts = await database.prisma.account.count({ where: { organizationId: throttled.viewer.organizationId } });
    const bigMutation = `mutation { a: createAccount(input: {name: "T1", currency: "EUR"}) { ... on CreateAccountSuccess { account { id } } } ${Array.from(
      { length: 12 },
      (_, i) => `b${i}: createAccount(input: {name: "T${i + 2}", currency: "EUR"}) { ... on CreateAccountSuccess { account { id } } }`,
    ).join(' ')} }`;
    const refusedWrite = await gql(replicas[1]!, throttled, bigMutation);
    expect(refusedWrite.status).toBe(429);
    expect(await database.prisma.account.count({ where: { organizationId: throttled.viewer.organizationId } })).toBe(accounts);
    // Another key is not touched by this one's budget.
    expect((await gql(replicas[1]!, alerts, '{ viewer { name } }')).status).toBe(200);
  });
});

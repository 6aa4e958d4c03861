/**
 * Two replicas on one PostgreSQL database, each with its own connection pool and its own
 * dispatcher, polling at once: every event reaches each endpoint exactly once (no webhook-id
 * repeats: the receivers never fail, so there is no retry), and every delivery is recorded as
 * one attempt. Skipped on PGlite (one process by design).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/open.js';
import { createOrganization } from '../../src/services/core/organizations.js';
import { runService } from '../../src/services/core/service.js';
import type { Viewer } from '../../src/services/core/viewer.js';
import { createAccount } from '../../src/services/ledger/accounts.js';
import { createCategory } from '../../src/services/ledger/categories.js';
import { createExpense } from '../../src/services/ledger/entries.js';
import { createWebhookEndpoint } from '../../src/services/webhooks/endpoints.js';
import { OPEN_TARGET_POLICY } from '../../src/services/webhooks/target-policy.js';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { DEFAULT_WEBHOOK_SETTINGS } from '../../src/webhooks/settings.js';
import { usingPostgres } from '../support/database.js';
import { createScratchDatabase } from '../support/server-process.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

describe.skipIf(!usingPostgres)('two replicas dispatching from one PostgreSQL database', () => {
  let scratch: { url: string; drop(): Promise<void> };
  let replicas: Database[];
  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!);
    replicas = [await openDatabase({ databaseUrl: scratch.url, poolSize: 5 }), await openDatabase({ databaseUrl: scratch.url, poolSize: 5 })];
  });
  afterAll(async () => {
    for (const replica of replicas ?? []) await replica.close();
    await scratch?.drop();
  });

  it('deliver each event once per endpoint', async () => {
    const db = replicas[0]!.prisma;
    const { organization, key } = await createOrganization(db, { name: 'Replicas' });
    const viewer: Viewer = { organizationId: organization.id, userId: key.userId };
    const receivers: WebhookReceiver[] = [await startWebhookReceiver(), await startWebhookReceiver()];
    try {
      for (const receiver of receivers) {
        const issued = await runService(db, viewer, createWebhookEndpoint, { url: receiver.url, events: ['entry.created', 'entry.posted'], targetPolicy: OPEN_TARGET_POLICY });
        receiver.secret = issued.secret;
      }
      const account = await runService(db, viewer, createAccount, { name: 'Ops', currency: 'EUR', openingBalance: '1000.00' });
      const category = await runService(db, viewer, createCategory, { title: 'Office', kind: 'EXPENSE' });
      const expenses = 40;
      for (let i = 0; i < expenses; i++) {
        await runService(db, viewer, createExpense, { title: `E${i}`, amount: '1.00', accountId: account.id, categoryId: category.id, post: i % 2 === 0 });
      }
      const events = expenses + expenses / 2;
      const settings = { ...DEFAULT_WEBHOOK_SETTINGS, pollIntervalMs: 10, batchSize: 3 };
      const dispatchers = replicas.flatMap((replica) => [new WebhookDispatcher(replica.prisma, settings), new WebhookDispatcher(replica.prisma, settings)]);
      for (const dispatcher of dispatchers) dispatcher.start();
      try {
        for (const receiver of receivers) await receiver.waitFor(events, 60_000);
        // Give a duplicate the chance to show up.
        await new Promise((resolve) => setTimeout(resolve, 500));
      } finally {
        await Promise.all(dispatchers.map((dispatcher) => dispatcher.stop()));
      }
      for (const receiver of receivers) {
        expect(receiver.received).toHaveLength(events);
        expect(new Set(receiver.received.map((r) => r.id)).size).toBe(events);
        expect(receiver.received.every((r) => r.verified)).toBe(true);
      }
      const attempts = await db.webhookDelivery.groupBy({ by: ['status', 'attempts'], where: { organizationId: organization.id }, _count: true });
      expect(attempts).toEqual([{ status: 'SUCCEEDED', attempts: 1, _count: events * 2 }]);
    } finally {
      for (const receiver of receivers) await receiver.close();
    }
  });
});

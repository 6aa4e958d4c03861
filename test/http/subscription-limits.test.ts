/**
 * Open subscriptions are capped per API key and per process, free their slot when they end, and
 * end when their key is revoked (issue 10: 2000 from one key held +87 MiB; a revoked key's
 * subscription kept streaming). Through yoga over SSE, with a real database and real keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetAlert } from '../../src/generated/prisma/client.js';
import { createAlertPubSub } from '../../src/http/alert-pubsub.js';
import { DEFAULT_SUBSCRIPTION_LIMITS, SubscriptionRegistry } from '../../src/http/subscription-limits.js';
import { createApiKey, revokeApiKey } from '../../src/services/core/organizations.js';
import { createTestApp, type TestApp, type TestTenant } from '../support/app.js';
import { subscribeOverSse } from '../support/sse.js';

const QUERY = 'subscription { budgetAlerts { thresholdPercent } }';

let app: TestApp;
// Small caps, and a timer too slow to matter: the test calls the key check itself.
const registry = new SubscriptionRegistry({ maxPerKey: 3, maxPerProcess: 5, keyCheckIntervalMs: 60_000 });
const alerts = createAlertPubSub();
beforeAll(async () => {
  app = await createTestApp({ alerts, subscriptions: registry });
});
afterAll(async () => {
  registry.close();
  await app.close();
});

async function newKey(tenant: TestTenant, name: string): Promise<TestTenant & { keyId: string }> {
  const issued = await createApiKey(app.database.prisma, tenant.organizationId, name);
  return { ...tenant, apiKey: issued.apiKey, keyId: issued.key.id };
}

async function subscribeRaw(apiKey: string) {
  return app.yoga.fetch('http://allot.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query: QUERY }),
  });
}

function publishAlert(organizationId: string, thresholdPercent: number): void {
  alerts.publish({ type: 'budget.alert', alert: { id: crypto.randomUUID(), organizationId, thresholdPercent } as BudgetAlert });
}

describe('subscription caps', () => {
  it('has documented defaults of 20 per key and 1000 per process', () => {
    expect(DEFAULT_SUBSCRIPTION_LIMITS).toMatchObject({ maxPerKey: 20, maxPerProcess: 1000 });
  });

  it('refuses one more than the per-key cap with TOO_MANY_SUBSCRIPTIONS (429), and frees a slot when a stream ends', async () => {
    const key = await newKey(app.orgA, 'per-key');
    const open = [await subscribeOverSse(app, key, QUERY), await subscribeOverSse(app, key, QUERY), await subscribeOverSse(app, key, QUERY)];
    expect(registry.size).toBe(3);
    const refused = await subscribeRaw(key.apiKey);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.text()).toContain('TOO_MANY_SUBSCRIPTIONS');
    expect(registry.size).toBe(3);

    // The open ones still receive their organization's alerts.
    publishAlert(app.orgA.organizationId, 80);
    for (const subscription of open) expect(await subscription.waitFor(1)).toEqual([{ data: { budgetAlerts: { thresholdPercent: 80 } } }]);

    await open[0]!.close();
    await expect.poll(() => registry.size).toBe(2);
    const again = await subscribeOverSse(app, key, QUERY);
    expect(registry.size).toBe(3);
    for (const subscription of [...open.slice(1), again]) await subscription.close();
    await expect.poll(() => registry.size).toBe(0);
  });

  it('refuses past the per-process cap whichever key asks', async () => {
    const keys = [await newKey(app.orgA, 'p1'), await newKey(app.orgA, 'p2'), await newKey(app.orgB, 'p3')];
    const open = [
      ...(await Promise.all([0, 1, 2].map(() => subscribeOverSse(app, keys[0]!, QUERY)))),
      ...(await Promise.all([0, 1].map(() => subscribeOverSse(app, keys[1]!, QUERY)))),
    ];
    expect(registry.size).toBe(5);
    const refused = await subscribeRaw(keys[2]!.apiKey);
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('TOO_MANY_SUBSCRIPTIONS');
    for (const subscription of open) await subscription.close();
    await expect.poll(() => registry.size).toBe(0);
  });
});

describe('a revoked key', () => {
  it('never receives another event: the next alert ends the subscription with UNAUTHENTICATED', async () => {
    const key = await newKey(app.orgA, 'revoked-per-event');
    const subscription = await subscribeOverSse(app, key, QUERY);
    await revokeApiKey(app.database.prisma, key.keyId);
    publishAlert(app.orgA.organizationId, 100);
    await expect.poll(() => registry.size).toBe(0);
    // The SSE helper keeps `next` events: the one it got is the refusal, not the alert.
    const events = await subscription.waitFor(1);
    expect(JSON.stringify(events)).not.toContain('thresholdPercent');
    expect(events[0]).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    await subscription.close();
  });

  it('ends an idle subscription when the keys are checked (what the admin socket and the timer do)', async () => {
    const kept = await newKey(app.orgA, 'kept');
    const revoked = await newKey(app.orgA, 'revoked-idle');
    const keptSubscription = await subscribeOverSse(app, kept, QUERY);
    const revokedSubscription = await subscribeOverSse(app, revoked, QUERY);
    expect(registry.size).toBe(2);
    await revokeApiKey(app.database.prisma, revoked.keyId);
    expect(await registry.checkKeys()).toBe(1);
    await expect.poll(() => registry.size).toBe(1);
    expect(await revokedSubscription.waitFor(1)).toMatchObject([{ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] }]);
    publishAlert(app.orgA.organizationId, 80);
    expect(await keptSubscription.waitFor(1)).toEqual([{ data: { budgetAlerts: { thresholdPercent: 80 } } }]);
    await keptSubscription.close();
    await revokedSubscription.close();
  });

  it('is refused a new subscription', async () => {
    const key = await newKey(app.orgA, 'revoked-before');
    await revokeApiKey(app.database.prisma, key.keyId);
    expect((await subscribeRaw(key.apiKey)).status).toBe(401);
  });
});

/**
 * Budget alerts across two replicas' pub/subs on one PostgreSQL database (LISTEN/NOTIFY,
 * src/http/alert-pubsub.ts): an alert published by one reaches the other's subscribers of its
 * organization only, as the committed row re-read there. Skipped on PGlite (one process by
 * design, in-memory bus).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/open.js';
import { createSharedAlertPubSub, type AlertPubSub } from '../../src/http/alert-pubsub.js';
import { createOrganization } from '../../src/services/core/organizations.js';
import { budgetFixture } from '../support/budget-fixtures.js';
import { usingPostgres } from '../support/database.js';
import { createScratchDatabase } from '../support/server-process.js';

async function firstOf<T>(iterable: AsyncIterable<T>, timeoutMs: number): Promise<T | 'nothing'> {
  const iterator = iterable[Symbol.asyncIterator]();
  const timeout = new Promise<'nothing'>((resolve) => setTimeout(() => resolve('nothing'), timeoutMs));
  const next = iterator.next().then((result) => result.value as T);
  const winner = await Promise.race([next, timeout]);
  void iterator.return?.();
  return winner;
}

describe.skipIf(!usingPostgres)('budget alerts through LISTEN/NOTIFY', () => {
  let scratch: { url: string; drop(): Promise<void> };
  let replicas: Database[];
  let pubSubs: AlertPubSub[];
  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!);
    replicas = [await openDatabase({ databaseUrl: scratch.url, poolSize: 3 }), await openDatabase({ databaseUrl: scratch.url, poolSize: 3 })];
    pubSubs = replicas.map((replica) => createSharedAlertPubSub(replica));
    // Let both LISTEN connections come up.
    await new Promise((resolve) => setTimeout(resolve, 500));
  });
  afterAll(async () => {
    for (const replica of replicas ?? []) await replica.close();
    await scratch?.drop();
  });

  /** An organization with a budget and one alert, and a second organization that must not hear of it. */
  async function alertWithBystander(name: string, bystander: string, alert: { thresholdPercent: number; spentMinor: bigint; limitMinor: bigint }) {
    const db = replicas[0]!.prisma;
    const acme = await createOrganization(db, { name });
    const other = await createOrganization(db, { name: bystander });
    const budget = await budgetFixture(db, { organizationId: acme.organization.id, userId: acme.key.userId });
    return { acme, other, alert: await db.budgetAlert.create({ data: { organizationId: acme.organization.id, budgetId: budget.id, ...alert } }) };
  }

  it("reaches the other replica's subscribers of the alert's organization, re-read from the database; never another organization's", async () => {
    const { acme, other, alert } = await alertWithBystander('Acme', 'Other', { thresholdPercent: 80, spentMinor: 80_000n, limitMinor: 100_000n });
    const onSecond = firstOf(pubSubs[1]!.subscribe(acme.organization.id), 5_000);
    const otherTenant = firstOf(pubSubs[1]!.subscribe(other.organization.id), 1_500);
    const onFirst = firstOf(pubSubs[0]!.subscribe(acme.organization.id), 5_000);
    // The publisher's copy says 1; the row says 80,000: the other replica delivers the row.
    pubSubs[0]!.publish({ type: 'budget.alert', alert: { ...alert, spentMinor: 1n } });
    expect(await onFirst).toMatchObject({ id: alert.id, spentMinor: 1n }); // in process, as before
    expect(await onSecond).toEqual(alert);
    expect(await otherTenant).toBe('nothing');
  });

  it('ignores notifications that are not alert notices and alerts of another organization than announced', async () => {
    const db = replicas[0]!.prisma;
    const { other: intruder, alert } = await alertWithBystander('Acme 2', 'Intruder', { thresholdPercent: 100, spentMinor: 1n, limitMinor: 1n });
    const received = firstOf(pubSubs[1]!.subscribe(intruder.organization.id), 1_500);
    await db.$executeRaw`SELECT pg_notify('allot_budget_alert', 'not json')`;
    // JSON that is not an object: before, `null` threw inside the driver's event (an uncaught exception).
    for (const payload of ['null', '42', '"text"', '[]']) await db.$executeRaw`SELECT pg_notify('allot_budget_alert', ${payload})`;
    const forged = JSON.stringify({ organizationId: intruder.organization.id, alertId: alert.id, sender: 'someone' });
    await db.$executeRaw`SELECT pg_notify('allot_budget_alert', ${forged})`;
    expect(await received).toBe('nothing');
  });
});

/**
 * Keeps the outbox from growing without end: finished deliveries (SUCCEEDED or FAILED) older than
 * the retention are forgotten, then events no delivery refers to any more. Pending deliveries are
 * never purged, however old (a disabled endpoint's wait for re-enabling).
 */
import type { Db } from '../db/open.js';

/** @returns how many deliveries and events were forgotten */
export async function purgeWebhookHistory(db: Db, retentionDays: number, now = new Date()): Promise<{ deliveries: number; events: number }> {
  const cutoff = new Date(now.getTime() - Math.max(1, retentionDays) * 86_400_000);
  const deliveries = await db.webhookDelivery.deleteMany({ where: { status: { in: ['SUCCEEDED', 'FAILED'] }, createdAt: { lt: cutoff } } });
  const events = await db.webhookEvent.deleteMany({ where: { occurredAt: { lt: cutoff }, deliveries: { none: {} } } });
  return { deliveries: deliveries.count, events: events.count };
}

/**
 * Delivers recorded budget alerts to `budgetAlerts` subscribers. Alerts are published only after
 * the transaction that recorded them commits, so a subscriber never hears of an alert that was
 * rolled back. Topics are per organization: a subscriber only ever receives its own tenant's alerts.
 *
 * In-memory, so one gateway process. With several replicas, give `createPubSub` a shared event
 * target (e.g. Redis) here; nothing else changes.
 */
import { createPubSub } from 'graphql-yoga';
import type { Db } from '../db/open.js';
import type { BudgetAlert } from '../generated/prisma/client.js';
import { afterCommit } from './transaction.js';

const pubSub = createPubSub<{ budgetAlert: [organizationId: string, alert: BudgetAlert] }>();

/** Delivers alerts now. Services use `publishAlertsAfterCommit`, which waits for the commit. */
export function publishBudgetAlerts(alerts: readonly BudgetAlert[]): void {
  for (const alert of alerts) pubSub.publish('budgetAlert', alert.organizationId, alert);
}

/** The organization's alerts as they are published from now on. */
export function subscribeToBudgetAlerts(organizationId: string): AsyncIterable<BudgetAlert> {
  return pubSub.subscribe('budgetAlert', organizationId);
}

/**
 * Publishes alerts once the transaction that recorded them has committed (see `afterCommit`):
 * a subscriber only ever hears of alerts whose writes are durable.
 */
export function publishAlertsAfterCommit(db: Db, alerts: readonly BudgetAlert[]): void {
  if (alerts.length > 0) afterCommit(db, () => publishBudgetAlerts(alerts));
}

/** Awaits a service's transaction, then publishes the alerts it recorded, after commit. */
export async function publishingAlerts<Result extends { alerts: readonly BudgetAlert[] }>(db: Db, work: Promise<Result>): Promise<Result> {
  const result = await work;
  publishAlertsAfterCommit(db, result.alerts);
  return result;
}

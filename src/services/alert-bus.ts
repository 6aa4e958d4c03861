/**
 * Delivers recorded budget alerts to `budgetAlerts` subscribers. Alerts are published only after
 * the transaction that recorded them commits, so a subscriber never hears of an alert that was
 * rolled back. Topics are per organization: a subscriber only ever receives its own tenant's alerts.
 *
 * In-memory, so one gateway process. With several replicas, give `createPubSub` a shared event
 * target (e.g. Redis) here; nothing else changes.
 */
import { createPubSub } from 'graphql-yoga';
import type { BudgetAlert } from '../generated/prisma/client.js';

const pubSub = createPubSub<{ budgetAlert: [organizationId: string, alert: BudgetAlert] }>();

/**
 * Call after commit with the alerts `chargeBudget` returned (budget transactions here, ledger
 * postings on the ledger side).
 */
export function publishBudgetAlerts(alerts: readonly BudgetAlert[]): void {
  for (const alert of alerts) pubSub.publish('budgetAlert', alert.organizationId, alert);
}

/** The organization's alerts as they are published from now on. */
export function subscribeToBudgetAlerts(organizationId: string): AsyncIterable<BudgetAlert> {
  return pubSub.subscribe('budgetAlert', organizationId);
}

/**
 * Awaits a service's transaction, then publishes the alerts it recorded: a subscriber only ever
 * hears of alerts whose transaction committed.
 */
export async function publishingAlerts<Result extends { alerts: readonly BudgetAlert[] }>(committed: Promise<Result>): Promise<Result> {
  const result = await committed;
  publishBudgetAlerts(result.alerts);
  return result;
}

/**
 * Delivers committed budget alerts to `budgetAlerts` subscribers: the services' EventPublisher
 * (events arrive only after their transaction commits, see services/core/unit-of-work.ts) and the
 * subscriptions' feed. Topics are per organization: a subscriber only ever receives its own
 * tenant's alerts.
 *
 * In-memory, so one gateway process. With several replicas, give `createPubSub` a shared event
 * target (e.g. Redis) here; nothing else changes.
 */
import { createPubSub } from 'graphql-yoga';
import type { BudgetAlertFeed } from '../graphql/context.js';
import type { BudgetAlert } from '../generated/prisma/client.js';
import type { DomainEvent, EventPublisher } from '../services/core/events.js';

export type AlertPubSub = EventPublisher & BudgetAlertFeed;

export function createAlertPubSub(): AlertPubSub {
  const pubSub = createPubSub<{ budgetAlert: [organizationId: string, alert: BudgetAlert] }>();
  return {
    publish(event: DomainEvent) {
      if (event.type === 'budget.alert') pubSub.publish('budgetAlert', event.alert.organizationId, event.alert);
    },
    subscribe(organizationId: string) {
      return pubSub.subscribe('budgetAlert', organizationId);
    },
  };
}

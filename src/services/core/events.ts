/**
 * What the services announce once their writes commit. Services only describe events; delivering
 * them is the API layer's business (src/http implements `EventPublisher`), so nothing here knows of
 * GraphQL, HTTP or a pub/sub library.
 */
import type { BudgetAlert } from '../../generated/prisma/client.js';

/** A budget's spend crossed a threshold (80 % or 100 % of its limit). */
export interface BudgetAlertEvent {
  type: 'budget.alert';
  alert: BudgetAlert;
}

export type DomainEvent = BudgetAlertEvent;

/** Delivers committed events, e.g. to `budgetAlerts` subscribers. */
export interface EventPublisher {
  publish(event: DomainEvent): void;
}

/** Announces recorded budget alerts (delivered after commit). */
export function emitBudgetAlerts(uow: { emit(event: DomainEvent): void }, alerts: readonly BudgetAlert[]): void {
  for (const alert of alerts) uow.emit({ type: 'budget.alert', alert });
}

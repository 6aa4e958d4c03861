/**
 * The webhook event types an endpoint can subscribe to, and how a recorded change becomes one.
 * Most events are derived from the changelog (./changelog.ts), the one place every service already
 * records what it changed; `budget.alert` comes from the unit of work's emitted events and
 * `budget.frozen` from a refused spend (./outbox.ts).
 */
import type { ChangeAction } from '../../generated/prisma/client.js';

export const WEBHOOK_EVENT_TYPES = [
  'budget.alert',
  'budget.frozen',
  'budget.created',
  'budget.updated',
  'budget.deleted',
  'entry.created',
  'entry.updated',
  'entry.posted',
  'entry.unposted',
  'entry.deleted',
  'transfer.created',
  'transfer.posted',
  'transfer.cancelled',
  'transaction.created',
  'transaction.imported',
  'transaction.updated',
  'transaction.deleted',
  'budget_transaction.created',
  'budget_transaction.updated',
  'budget_transaction.deleted',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Subscribes to every event type, including ones added later. */
export const ALL_EVENTS = '*';

const PREFIX_OF_ENTITY: Record<string, string> = {
  Entry: 'entry',
  Transfer: 'transfer',
  Budget: 'budget',
  Transaction: 'transaction',
  BudgetTransaction: 'budget_transaction',
};

const SUFFIX_OF_ACTION: Partial<Record<ChangeAction, string>> = {
  NEW: 'created',
  UPDATED: 'updated',
  POSTED: 'posted',
  UNPOSTED: 'unposted',
  DELETED: 'deleted',
  CANCELLED: 'cancelled',
};

const known = new Set<string>(WEBHOOK_EVENT_TYPES);

/** The event type a changelog entry announces, or undefined when no webhook reports it. */
export function eventTypeOfChange(entityType: string, action: ChangeAction): WebhookEventType | undefined {
  const prefix = PREFIX_OF_ENTITY[entityType];
  const suffix = SUFFIX_OF_ACTION[action];
  if (!prefix || !suffix) return undefined;
  const type = `${prefix}.${suffix}`;
  return known.has(type) ? (type as WebhookEventType) : undefined;
}

export function isWebhookEventType(name: string): name is WebhookEventType {
  return known.has(name);
}

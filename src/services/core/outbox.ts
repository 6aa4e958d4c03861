/**
 * The webhook outbox. An event is written in the transaction of the change it reports, so it
 * commits exactly when the change does (a rolled-back posting leaves no event behind), and a
 * delivery row per subscribed, enabled endpoint is written with it: the dispatcher
 * (src/webhooks/dispatcher.ts) only ever reads committed rows, so at-least-once delivery survives
 * any crash after the commit. Nothing is written for an organization nobody subscribes for.
 *
 * Three sources, all at existing change points rather than in each service:
 * - the changelog (`recordChange(s)`): created / updated / posted / … events;
 * - the unit of work's emitted events (`budget.alert`), written just before it commits;
 * - a refused spend (`budget.frozen`): the refusal rolls its transaction back, so the unit of work
 *   writes this one afterwards, in a transaction of its own (or, when a savepoint caught the
 *   refusal, in the surviving transaction).
 */
import { BudgetFrozenError } from '../../domain/errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { DomainEvent } from './events.js';
import type { Tx } from './unit-of-work.js';
import type { WebhookEventType } from './webhook-event-types.js';

export interface OutboxEvent {
  type: WebhookEventType;
  /**
   * The GraphQL type of the object (`Budget`, `Expense` …), rendered into the payload's `data`.
   * Null for an entry whose kind the outbox looks up itself (Expense or Income).
   */
  nodeType: string | null;
  entityId: string;
  /** Extra facts merged into `data` (e.g. why a spend was refused). */
  details?: Prisma.InputJsonObject;
}

/** Transactions that queued at least one delivery, so their commit can wake this process's dispatcher. */
const queuedIn = new WeakSet<object>();
const wakeListeners = new Set<() => void>();

/** Calls `listener` whenever a transaction that queued deliveries commits in this process. Returns the function that stops it. */
export function onDeliveriesQueued(listener: () => void): () => void {
  wakeListeners.add(listener);
  return () => wakeListeners.delete(listener);
}

/**
 * Called by the unit of work once `tx` committed: a dispatcher in this process attempts new
 * deliveries at once (so `data` is rendered right after the change), instead of at its next poll.
 * Other processes still find them by polling.
 */
export function announceCommitted(tx: object): void {
  if (!queuedIn.has(tx)) return;
  for (const listener of wakeListeners) listener();
}

/**
 * Writes events and their deliveries in one statement (so a bulk import of 1000 rows costs one
 * statement, not 2000), inside the caller's transaction. Events keep their order. `alongside` is a
 * data-modifying CTE (`name AS (INSERT …)`) run in the same statement: the changelog's events.
 */
export async function writeOutboxEvents(tx: Tx, organizationId: string, events: readonly OutboxEvent[], alongside?: Prisma.Sql): Promise<void> {
  if (events.length === 0) {
    // A data-modifying CTE runs whether or not the main query reads it.
    if (alongside) await tx.$executeRaw`WITH ${alongside} SELECT 1`;
    return;
  }
  const queued = await tx.$executeRaw`
    WITH ${alongside ? Prisma.sql`${alongside},` : Prisma.empty} input AS (
      SELECT gen_random_uuid() AS id, t.type, t.node_type, t.entity_id, t.details, t.ord
      FROM unnest(${events.map((e) => e.type)}::text[], ${events.map((e) => e.nodeType)}::text[],
                  ${events.map((e) => e.entityId)}::uuid[], ${events.map((e) => JSON.stringify(e.details ?? {}))}::jsonb[])
           WITH ORDINALITY AS t(type, node_type, entity_id, details, ord)
    ), targets AS (
      SELECT i.id AS event_id, e.id AS endpoint_id
      FROM input i JOIN "WebhookEndpoint" e
        ON e."organizationId" = ${organizationId}::uuid AND e.enabled AND (${'*'} = ANY(e.events) OR i.type = ANY(e.events))
    ), written AS (
      INSERT INTO "WebhookEvent" (id, "organizationId", type, "entityType", "entityId", details, "occurredAt")
      SELECT i.id, ${organizationId}::uuid, i.type,
             COALESCE(i.node_type,
                      (SELECT CASE n.kind WHEN 'EXPENSE' THEN 'Expense' ELSE 'Income' END FROM "Entry" n WHERE n.id = i.entity_id),
                      'Entry'),
             i.entity_id, i.details, clock_timestamp()
      FROM input i WHERE EXISTS (SELECT 1 FROM targets t WHERE t.event_id = i.id)
      ORDER BY i.ord
      RETURNING id
    )
    INSERT INTO "WebhookDelivery" (id, "organizationId", "endpointId", "eventId", "nextAttemptAt", "seriesStartedAt")
    SELECT gen_random_uuid(), ${organizationId}::uuid, t.endpoint_id, t.event_id, clock_timestamp(), clock_timestamp()
    FROM targets t JOIN written w ON w.id = t.event_id`;
  if (queued > 0) queuedIn.add(tx);
}

/** The outbox events of what a unit of work emitted (budget alerts). */
export function outboxEventsOf(events: readonly DomainEvent[]): OutboxEvent[] {
  return events.map((event) => ({ type: event.type, nodeType: 'BudgetAlert', entityId: event.alert.id }));
}

/** The event a refusal reports even though its writes are rolled back, if it reports one. */
export function refusalEvent(error: unknown): OutboxEvent | undefined {
  if (error instanceof BudgetFrozenError && error.budgetId) {
    return {
      type: 'budget.frozen',
      nodeType: 'Budget',
      entityId: error.budgetId,
      details: { refusal: { code: error.code, message: error.message } },
    };
  }
  return undefined;
}

/**
 * Writes one changelog event per change, inside the caller's transaction, so a change and its
 * record of who/when/what commit together. Money in `changes` is a decimal string. The events and
 * their webhook outbox rows are one SQL statement: every mutation pays one round trip for both.
 */
import { Prisma, type ChangeAction } from '../../generated/prisma/client.js';
import { writeOutboxEvents, type OutboxEvent } from './outbox.js';
import type { Tx } from './unit-of-work.js';
import { eventTypeOfChange, type WebhookEventType } from './webhook-event-types.js';
import type { Viewer } from './viewer.js';

export type FieldChange = { from: Prisma.InputJsonValue | null; to: Prisma.InputJsonValue | null };
export type Changes = Record<string, FieldChange>;

/** What the changelog records changes of: the Prisma models (an `Entry` is an Expense or an Income in the API). */
export const CHANGELOG_ENTITY_TYPES = [
  'Account',
  'Category',
  'Counterparty',
  'Entry',
  'Transfer',
  'Budget',
  'BudgetGroup',
  'Transaction',
  'BudgetTransaction',
  'Attachment',
  'Employee',
  'Contractor',
  'Project',
  'Invoice',
  'BudgetEmployee',
  'BudgetContractor',
  'BudgetProject',
  'BudgetInvoice',
  'WebhookEndpoint',
] as const;

export interface ChangeRecord {
  entityType: (typeof CHANGELOG_ENTITY_TYPES)[number];
  entityId: string;
  action: ChangeAction;
  comment?: string;
  changes?: Changes;
  /** The webhook event this change announces when it is not the one its action implies (an import's `transaction.imported`). */
  webhookEvent?: WebhookEventType;
  /** The GraphQL type of the object when it differs from entityType (an entry: Expense or Income). */
  nodeType?: string;
}

/** The GraphQL type of the changed object; null for an entry whose writer did not say (readers look it up). */
function nodeTypeOf(change: ChangeRecord): string | null {
  return change.nodeType ?? (change.entityType === 'Entry' ? null : change.entityType);
}

/**
 * The webhook events of these changes: the changelog is where every service already says what it
 * changed, so webhooks are derived here instead of in each service.
 */
function outboxEventsOf(changes: readonly ChangeRecord[]): OutboxEvent[] {
  const events: OutboxEvent[] = [];
  for (const change of changes) {
    const type = change.webhookEvent ?? eventTypeOfChange(change.entityType, change.action);
    if (!type) continue;
    events.push({ type, nodeType: nodeTypeOf(change), entityId: change.entityId });
  }
  return events;
}

/**
 * The changelog insert as a data-modifying CTE (`logged AS (INSERT …)`), so the outbox statement
 * writes the events too. Rows keep the order given (`seq` follows it). `at` is when the statement
 * ran (`clock_timestamp()`), not when its transaction began (the column's default).
 */
function changelogInsert(viewer: Viewer, changes: readonly ChangeRecord[]): Prisma.Sql {
  return Prisma.sql`logged AS (
    INSERT INTO "ChangelogEvent" (id, "organizationId", "userId", "entityType", "entityId", "nodeType", action, comment, changes, at)
    SELECT gen_random_uuid(), ${viewer.organizationId}::uuid, ${viewer.userId}::uuid, t.entity_type, t.entity_id, t.node_type, t.action::"ChangeAction", t.comment, t.changes,
           clock_timestamp()
    FROM unnest(${changes.map((c) => c.entityType)}::text[], ${changes.map((c) => c.entityId)}::uuid[], ${changes.map(nodeTypeOf)}::text[],
                ${changes.map((c) => c.action)}::text[], ${changes.map((c) => c.comment ?? null)}::text[],
                ${changes.map((c) => JSON.stringify(c.changes ?? {}))}::jsonb[])
         WITH ORDINALITY AS t(entity_type, entity_id, node_type, action, comment, changes, ord)
    ORDER BY t.ord
    RETURNING 1
  )`;
}

export function recordChange(tx: Tx, viewer: Viewer, change: ChangeRecord): Promise<void> {
  return recordChanges(tx, viewer, [change]);
}

/** Many events in one statement (bulk imports too), in the order given, with their webhook outbox rows. */
export async function recordChanges(tx: Tx, viewer: Viewer, changes: readonly ChangeRecord[]): Promise<void> {
  if (changes.length === 0) return;
  await writeOutboxEvents(tx, viewer.organizationId, outboxEventsOf(changes), changelogInsert(viewer, changes));
}

/** The fields whose value differs between `before` and `after`, as { field: { from, to } }. */
export function diffFields<T extends Record<string, Prisma.InputJsonValue | null>>(before: T, after: Partial<T>): Changes {
  const changes: Changes = {};
  for (const [field, to] of Object.entries(after)) {
    if (to === undefined) continue;
    const from = before[field] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to: to as Prisma.InputJsonValue | null };
  }
  return changes;
}

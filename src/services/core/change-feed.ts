/**
 * The change feed: every created, updated and deleted object of an organization, in an order a
 * client can follow with a cursor and never miss a change. It is read from the changelog
 * (./changelog.ts), where every write already records what it changed, not from a second history.
 *
 * Why not order by `seq` (a bigserial) or `at`: both are assigned when a row is inserted, not
 * when its transaction commits. Transaction T1 inserts seq 10, T2 inserts seq 11 and commits
 * first; a reader then sees 11, stores it as its cursor, and never sees 10 when T1 commits.
 *
 * So each event also stores its writing transaction's id (`txId`, pg_current_xact_id(), one value
 * for all statements of a transaction, savepoints included), and the feed hands out only events
 * of transactions older than `pg_snapshot_xmin(pg_current_snapshot())`: the oldest transaction
 * still running. Every transaction below it has finished, so its events are all visible or (rolled
 * back) never will be. A transaction that has not committed yet, or that will only start writing
 * later, has an id at or above that horizon, so it sorts after everything handed out so far. Events
 * are handed out by (txId, seq): a cursor is a position in that order, and a later commit can only
 * ever land after it. The price is latency, not correctness: a long-running transaction anywhere
 * on the server holds the horizon back, and the feed waits for it.
 *
 * Both PostgreSQL (13+) and PGlite have these functions; txId is a bigint (the xid8 epoch and
 * counter, far below 2^63).
 */
import type { Db } from '../../db/open.js';
import { InvalidInputError, UnknownValueError } from '../../domain/errors.js';
import type { ChangeAction } from '../../generated/prisma/client.js';
import { CHANGELOG_ENTITY_TYPES } from './changelog.js';
import type { Viewer } from './viewer.js';

export const DEFAULT_CHANGES_PAGE = 100;
export const MAX_CHANGES_PAGE = 1000;

/** The GraphQL types the feed names: the changelog's entity types, an Entry as Expense or Income. */
export const CHANGE_FEED_TYPES: readonly string[] = [...CHANGELOG_ENTITY_TYPES.filter((type) => type !== 'Entry'), 'Expense', 'Income'].sort();

export type ChangeOperation = 'CREATED' | 'UPDATED' | 'DELETED';

export interface Change {
  /** The GraphQL type, e.g. "Budget". */
  type: string;
  /** The object's uuid. */
  entityId: string;
  operation: ChangeOperation;
  at: Date;
}

export interface ChangePage {
  /** At most `first` events' worth, fewer when a transaction's events of one object were merged. */
  changes: Change[];
  /** Where the next read resumes: after the last change of this page (or where `after` was). */
  cursor: string;
  /** Whether more changes are ready now (read again at once with `cursor`). */
  hasMore: boolean;
}

/** Posting, unposting, cancelling, closing or moving changes an object that goes on existing. */
export function operationOf(action: ChangeAction): ChangeOperation {
  if (action === 'NEW') return 'CREATED';
  if (action === 'DELETED') return 'DELETED';
  return 'UPDATED';
}

interface Position {
  txId: bigint;
  seq: bigint;
}

const CURSOR_PREFIX = 'c1:';
const START: Position = { txId: 0n, seq: 0n };

/** Opaque to clients; versioned so its shape can change without breaking stored cursors. */
export function encodeCursor(position: Position): string {
  return Buffer.from(`${CURSOR_PREFIX}${position.txId}:${position.seq}`).toString('base64url');
}

/** INVALID_INPUT on `after` for anything this feed did not hand out. */
export function decodeCursor(cursor: string): Position {
  const invalid = () => new InvalidInputError('after is not a cursor of the change feed; pass a `cursor` it answered, or omit it to start from the beginning', 'after');
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 100 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  const match = /^c1:(\d{1,19}):(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw invalid();
  const position = { txId: BigInt(match[1]!), seq: BigInt(match[2]!) };
  if (position.txId > 9223372036854775807n || position.seq > 9223372036854775807n) throw invalid();
  return position;
}

export interface ChangesQuery {
  after?: string | null;
  types?: readonly string[] | null;
  first?: number | null;
}

function pageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_CHANGES_PAGE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_CHANGES_PAGE) {
    throw new InvalidInputError(`first must be 1 to ${MAX_CHANGES_PAGE} (got ${size})`, 'first');
  }
  return size;
}

function typeFilter(types: readonly string[] | null | undefined): string[] | null {
  if (types == null) return null;
  const unknown = types.filter((type) => !CHANGE_FEED_TYPES.includes(type));
  if (unknown.length > 0) {
    throw new UnknownValueError(`Not a type the change feed names: ${unknown.slice(0, 5).map((type) => `"${type.slice(0, 50)}"`).join(', ')}`, CHANGE_FEED_TYPES, 'types');
  }
  return [...new Set(types)];
}

type EventRow = { txId: bigint; seq: bigint; entityId: string; action: ChangeAction; at: Date; type: string };

/**
 * The changes of one page, with the events one transaction wrote about one object merged into one
 * change, at the place of its last event: nobody could see the states in between (a
 * createExpense with post writes NEW and POSTED; the feed says CREATED once). Created and deleted
 * in one transaction, the object never existed for anyone and is left out. Events of different
 * transactions are never merged: each committed state is handed out.
 */
export function collapseWithinTransactions(rows: readonly EventRow[]): Change[] {
  const merged = new Map<string, { first: ChangeOperation; last: ChangeOperation; at: Date; type: string; entityId: string }>();
  for (const row of rows) {
    const key = `${row.txId}:${row.type}:${row.entityId}`;
    const operation = operationOf(row.action);
    const seen = merged.get(key);
    // Re-inserted so the merged change sorts at its last event.
    merged.delete(key);
    merged.set(key, { first: seen?.first ?? operation, last: operation, at: row.at, type: row.type, entityId: row.entityId });
  }
  const changes: Change[] = [];
  for (const change of merged.values()) {
    if (change.first === 'CREATED' && change.last === 'DELETED') continue;
    const operation: ChangeOperation = change.last === 'DELETED' ? 'DELETED' : change.first === 'CREATED' ? 'CREATED' : 'UPDATED';
    changes.push({ type: change.type, entityId: change.entityId, operation, at: change.at });
  }
  return changes;
}

/**
 * One page of the viewer's organization's changes after `after`, oldest first. InvalidInputError:
 * a malformed cursor (`after`) or page size (`first`). UnknownValueError: a type name the feed
 * does not know (`types`).
 */
export async function readChanges(db: Db, viewer: Viewer, query: ChangesQuery): Promise<ChangePage> {
  const first = pageSize(query.first);
  const types = typeFilter(query.types);
  const after = query.after == null ? START : decodeCursor(query.after);
  // One statement: the horizon and the rows come from the same snapshot. An event written without
  // its type (an attachment's, or one from a replica still running the code before types were
  // recorded, during a rolling deploy) takes it from its entity type, else from the entry, else
  // from an earlier typed event of the same entry (a deleted one). Only an entry deleted with no
  // typed event at all is left out, as is the object.
  const rows = await db.$queryRaw<EventRow[]>`
    SELECT * FROM (
      SELECT c."txId", c.seq, c."entityId"::text AS "entityId", c.action::text AS action, c.at,
             COALESCE(c."nodeType",
                      CASE WHEN c."entityType" <> 'Entry' THEN c."entityType" END,
                      CASE n.kind WHEN 'EXPENSE' THEN 'Expense' WHEN 'INCOME' THEN 'Income' END,
                      (SELECT typed."nodeType" FROM "ChangelogEvent" typed
                        WHERE typed."organizationId" = c."organizationId" AND typed."entityType" = 'Entry'
                          AND typed."entityId" = c."entityId" AND typed."nodeType" IS NOT NULL
                        LIMIT 1)) AS type
        FROM "ChangelogEvent" c
        LEFT JOIN "Entry" n ON c."nodeType" IS NULL AND c."entityType" = 'Entry' AND n.id = c."entityId"
       WHERE c."organizationId" = ${viewer.organizationId}::uuid
         AND c."txId" < (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint
         AND (c."txId", c.seq) > (${after.txId}::bigint, ${after.seq}::bigint)
    ) events
    WHERE type IS NOT NULL AND (${types}::text[] IS NULL OR type = ANY(${types}::text[]))
    ORDER BY "txId", seq
    LIMIT ${first + 1}`;
  const page = rows.slice(0, first);
  const last = page.at(-1);
  return {
    changes: collapseWithinTransactions(page),
    cursor: encodeCursor(last ? { txId: BigInt(last.txId), seq: BigInt(last.seq) } : after),
    hasMore: rows.length > first,
  };
}

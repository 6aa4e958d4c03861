/**
 * Paging rules shared by every connection and by the cost model: the default and largest page,
 * and the check that refuses an oversized page or a forged cursor before any query runs.
 */
import { decodeBase64, decodeCursorChunk } from '@pothos/core';
import { GraphQLError } from 'graphql';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function badUserInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/**
 * Every connection pages by the row's uuid `id` (`cursor: 'id'`), so a cursor is plugin-prisma's
 * `GPC:` + the id. Pothos only checks the envelope: a well-formed cursor around anything but a uuid
 * went on to PostgreSQL's uuid parser and came back as a masked "Unexpected error.". Checked here
 * instead, so a tampered cursor is the caller's BAD_USER_INPUT.
 */
function requireIdCursor(cursor: string | null | undefined, argument: 'after' | 'before'): void {
  if (cursor === null || cursor === undefined) return;
  let id: unknown;
  try {
    const decoded = decodeBase64(cursor);
    id = decoded.startsWith('GPC:') ? decodeCursorChunk(decoded.slice(4)) : undefined;
  } catch {
    id = undefined;
  }
  if (typeof id !== 'string' || !UUID.test(id)) {
    throw badUserInput(`"${argument}" is not a cursor this API returned; use an edge's cursor or pageInfo.endCursor`);
  }
}

/**
 * Refuses a page larger than the maximum instead of silently shortening it, and a cursor that no
 * page of ours returned. Pothos calls it with the connection's arguments before any query runs.
 */
export function maxPageSize(args: {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}): number {
  const requested = Math.max(args.first ?? 0, args.last ?? 0);
  if (requested > MAX_PAGE_SIZE) {
    throw badUserInput(`A page holds at most ${MAX_PAGE_SIZE} items; asked for ${requested}. Page with "after".`);
  }
  requireIdCursor(args.after, 'after');
  requireIdCursor(args.before, 'before');
  return MAX_PAGE_SIZE;
}

/**
 * Spread into every `prismaConnection` (which must use `cursor: 'id'`) so an oversized page or a
 * forged cursor is refused, not truncated or crashed on.
 */
export const PAGING = { maxSize: maxPageSize, defaultSize: DEFAULT_PAGE_SIZE };

/**
 * The change feed hands out an event once every older transaction on the server has finished
 * (src/services/core/change-feed.ts). On a shared PostgreSQL server other test files' transactions
 * hold that horizon back for a moment; a test that expects its own committed writes in the feed
 * waits for it here first. On PGlite (one transaction at a time) it returns at once.
 */
import type { Db } from '../../src/db/open.js';

export async function untilFeedHasCaughtUp(db: Db, organizationId: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await db.$queryRaw<Array<{ caughtUp: boolean }>>`
      SELECT COALESCE(MAX("txId") < (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint, true) AS "caughtUp"
        FROM "ChangelogEvent" WHERE "organizationId" = ${organizationId}::uuid`;
    if (row!.caughtUp) return;
    if (Date.now() > deadline) throw new Error('The change feed did not catch up with this organization\'s writes');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The changelog of many entities (records, transfers, …) in one statement per batch. ChangelogEvent
 * has no foreign key (history outlives what it describes), so Prisma cannot plan it as a relation.
 */
import DataLoader from 'dataloader';
import type { Db } from '../../db/open.js';
import type { ChangelogEvent, User } from '../../generated/prisma/client.js';
import type { Viewer } from '../../services/core/viewer.js';

export type ChangelogEventWithUser = ChangelogEvent & { user: User | null };

/**
 * Not cached across ticks: mutations in one request run in order, and a later mutation's payload
 * must show the events the earlier ones wrote.
 */
export function createChangelogLoader(db: Db, viewer: Viewer): DataLoader<string, ChangelogEventWithUser[]> {
  async function loadChangelogs(entityIds: readonly string[]): Promise<ChangelogEventWithUser[][]> {
    const events = await db.changelogEvent.findMany({
      where: { organizationId: viewer.organizationId, entityId: { in: [...new Set(entityIds)] } },
      include: { user: true },
      orderBy: { seq: 'asc' },
    });
    const byEntity = new Map<string, ChangelogEventWithUser[]>(entityIds.map((id) => [id, []]));
    for (const event of events) byEntity.get(event.entityId)?.push(event);
    return entityIds.map((id) => byEntity.get(id)!);
  }
  return new DataLoader(loadChangelogs, { cache: false });
}

import type { Db } from '../db/open.js';
import type { Prisma } from '../generated/prisma/client.js';

export type Tx = Prisma.TransactionClient;

/**
 * Runs `work` in one database transaction: every rule check and every write of a service call
 * commit together or not at all. Generous waits because PGlite serialises transactions on its one
 * connection, so a burst of writes queues here rather than failing.
 */
export function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(work, { maxWait: 30_000, timeout: 20_000 });
}

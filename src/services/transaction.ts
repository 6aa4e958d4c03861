import type { Db } from '../db/open.js';
import type { Prisma } from '../generated/prisma/client.js';

export type Tx = Prisma.TransactionClient;

/** Transaction clients handed out by `joinTransaction`: a service given one runs inside it. */
const joinable = new WeakSet<object>();

/**
 * Runs `work` in one database transaction: every rule check and every write of a service call
 * commit together or not at all. Generous waits because PGlite serialises transactions on its one
 * connection, so a burst of writes queues here rather than failing.
 *
 * When `db` comes from `joinTransaction`, `work` runs inside that outer transaction instead, so
 * a wrapper (idempotency) can commit its own row atomically with the service's writes.
 */
export function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (joinable.has(db)) return work(db as unknown as Tx);
  return db.$transaction(work, { maxWait: 30_000, timeout: 20_000 });
}

/** Lets a service that takes `db` run inside the caller's transaction `tx` (see inTransaction). */
export function joinTransaction(tx: Tx): Db {
  joinable.add(tx);
  return tx as unknown as Db;
}

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

/** Effects waiting for the outer transaction of a joined client to commit. */
const effectsAfterCommit = new WeakMap<object, Array<() => void>>();

/** Lets a service that takes `db` run inside the caller's transaction `tx` (see inTransaction). */
export function joinTransaction(tx: Tx): Db {
  joinable.add(tx);
  effectsAfterCommit.set(tx, []);
  return tx as unknown as Db;
}

/**
 * Runs `effect` (e.g. publishing an event) only once the writes it announces are committed. A
 * service calls it after its `inTransaction` returned: on a plain client that transaction has
 * committed, so the effect runs now; on a joined client it waits for the owner of the outer
 * transaction to call `commitJoined` (or is dropped by `discardJoined`).
 */
export function afterCommit(db: Db, effect: () => void): void {
  const queue = effectsAfterCommit.get(db);
  if (queue) queue.push(effect);
  else effect();
}

/** For the owner of a joined transaction: it committed, run what waited for it. */
export function commitJoined(joined: Db): void {
  const queue = effectsAfterCommit.get(joined) ?? [];
  effectsAfterCommit.set(joined, []);
  for (const effect of queue) effect();
}

/** For the owner of a joined transaction: its work was rolled back, forget what waited for it. */
export function discardJoined(joined: Db): void {
  effectsAfterCommit.set(joined, []);
}

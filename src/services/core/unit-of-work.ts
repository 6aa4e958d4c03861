/**
 * The unit of work every service operation runs in: one open database transaction (`tx`), who
 * acts (`viewer`), and what may happen only once the transaction's outcome is known. A service
 * that takes a `UnitOfWork` runs inside a transaction that its caller opened and will commit; it
 * never opens or commits one itself. Callers open one with `runUnitOfWork` (the GraphQL mutation
 * pipeline, the CLI, the demo seed, tests).
 *
 * Effects wait for the outcome: `afterCommit` (publishing an event, removing files of a deleted
 * row) runs only once the writes it follows are durable; `afterRollback` (removing bytes stored for
 * a row that never committed) only when they are not. A savepoint scope (`withSavepoint`, used by
 * idempotency keys) keeps the effects of work it rolls back from ever running.
 */
import type { Db } from '../../db/open.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { retryOnContention } from './contention.js';
import type { DomainEvent, EventPublisher } from './events.js';
import { announceCommitted, outboxEventsOf, refusalEvent, writeOutboxEvents } from './outbox.js';
import type { Viewer } from './viewer.js';

/** An open interactive transaction. A function taking one runs inside its caller's transaction. */
export type Tx = Prisma.TransactionClient;

type Effect = () => void | Promise<void>;

export interface UnitOfWork {
  readonly tx: Tx;
  readonly viewer: Viewer;
  /** Runs `effect` once the transaction has committed; never if it rolls back. */
  afterCommit(effect: Effect): void;
  /** Runs `effect` if the transaction (or the savepoint scope this work is in) rolls back. */
  afterRollback(effect: Effect): void;
  /** Announces what happened (e.g. a budget alert), delivered to subscribers after commit. */
  emit(event: DomainEvent): void;
}

export interface UnitOfWorkOptions {
  db: Db;
  viewer: Viewer;
  /** Where emitted events go after commit; none (dropped) for the CLI, the seed and service tests. */
  events?: EventPublisher;
}

/** The effects one scope of work registered, run or dropped once its outcome is known. */
class Effects {
  readonly onCommit: Effect[] = [];
  readonly onRollback: Effect[] = [];
  readonly events: DomainEvent[] = [];

  /** Hands what a savepoint scope registered to the unit of work around it, once the scope succeeded. */
  forwardTo(outer: UnitOfWork): void {
    for (const effect of this.onCommit) outer.afterCommit(effect);
    for (const effect of this.onRollback) outer.afterRollback(effect);
    for (const event of this.events) outer.emit(event);
  }
}

function unitOfWork(tx: Tx, viewer: Viewer, effects: Effects): UnitOfWork {
  return {
    tx,
    viewer,
    afterCommit: (effect) => void effects.onCommit.push(effect),
    afterRollback: (effect) => void effects.onRollback.push(effect),
    emit: (event) => void effects.events.push(event),
  };
}

/** Runs effects one after another; one failing does not stop the others (they are best effort). */
async function runAll(effects: readonly Effect[], onError: (error: unknown) => void): Promise<void> {
  for (const effect of effects) {
    try {
      await effect();
    } catch (error) {
      onError(error);
    }
  }
}

/**
 * Runs `work` in one database transaction: every rule check and every write commit together or
 * not at all; then the effects that waited for the outcome. Generous waits because PGlite
 * serialises transactions on its one connection, so a burst of writes queues here rather than
 * failing. A transaction PostgreSQL rolled back for contention (a lock wait past lock_timeout, a
 * deadlock) is run again from the start, with fresh effects, for a bounded time (./contention.ts).
 */
export async function runUnitOfWork<T>(options: UnitOfWorkOptions, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
  let effects = new Effects();
  let transaction: Tx | undefined;
  let result: T;
  try {
    result = await retryOnContention(async () => {
      effects = new Effects();
      try {
        return await options.db.$transaction(
          async (tx) => {
            transaction = tx;
            const done = await work(unitOfWork(tx, options.viewer, effects));
            // Emitted events reach webhooks through the outbox, committed with the writes they report.
            await writeOutboxEvents(tx, options.viewer.organizationId, outboxEventsOf(effects.events));
            return done;
          },
          { maxWait: 30_000, timeout: 20_000 },
        );
      } catch (error) {
        await runAll(effects.onRollback, () => {});
        throw error;
      }
    });
  } catch (error) {
    await recordRefusal(options, error);
    throw error;
  }
  if (transaction) announceCommitted(transaction);
  for (const event of effects.events) options.events?.publish(event);
  // A failed after-commit effect must not turn a committed write into an error for the caller.
  await runAll(effects.onCommit, () => {});
  return result;
}

/**
 * A refusal that is itself news (a spend refused by a frozen budget) is written to the outbox
 * after its transaction rolled back, in one of its own. Best effort: failing to record it must not
 * replace the refusal the caller is owed.
 */
async function recordRefusal(options: UnitOfWorkOptions, error: unknown): Promise<void> {
  const event = refusalEvent(error);
  if (!event) return;
  await options.db
    .$transaction(
      async (tx) => {
        await writeOutboxEvents(tx, options.viewer.organizationId, [event]);
        return tx;
      },
      { maxWait: 30_000, timeout: 20_000 },
    )
    .then(announceCommitted, () => {});
}

/**
 * Runs `work` inside `uow`'s transaction behind a savepoint. When `work` throws an error that
 * `rollBackOn` accepts, its writes are rolled back to the savepoint, its effects are dropped (its
 * rollback effects run) and the error is returned, while the transaction goes on; any other error
 * propagates and fails the whole transaction.
 */
export async function withSavepoint<T>(
  uow: UnitOfWork,
  name: string,
  rollBackOn: (error: unknown) => boolean,
  work: (scope: UnitOfWork) => Promise<T>,
): Promise<{ ok: T } | { error: unknown }> {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`Not a savepoint name: ${name}`);
  const scoped = new Effects();
  await uow.tx.$executeRawUnsafe(`SAVEPOINT ${name}`);
  try {
    const ok = await work(unitOfWork(uow.tx, uow.viewer, scoped));
    scoped.forwardTo(uow);
    return { ok };
  } catch (error) {
    if (!rollBackOn(error)) {
      // The whole transaction fails: the outer unit of work runs the rollback effects.
      scoped.forwardTo(uow);
      throw error;
    }
    await uow.tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${name}`);
    await runAll(scoped.onRollback, () => {});
    // The transaction goes on: a refusal worth reporting commits with it.
    const event = refusalEvent(error);
    if (event) await writeOutboxEvents(uow.tx, uow.viewer.organizationId, [event]);
    return { error };
  }
}

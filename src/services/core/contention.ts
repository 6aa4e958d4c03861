/**
 * Hot rows under contention: writers serialise on a row lock (an account's balance, a budget's
 * spend), and PostgreSQL counts a lock wait against `statement_timeout`. Sixteen writers on one
 * account across two replicas got 503 STATEMENT_TIMEOUT for 69 of 226 writes: a write that was
 * only waiting its turn failed as if it were a runaway query.
 *
 * So a lock wait is contention, not a slow statement, and contention is retried: the whole unit
 * of work rolls back and runs again from the start after a jittered pause, for at most
 * `budgetMs`. A lock wait shows up two ways. `lock_timeout` (set on every pooled connection,
 * src/db/open.ts, below the statement limit) fails one wait that is too long (SQLSTATE 55P03);
 * but it limits each acquisition separately, and a writer at the back of a queue of sixteen waits
 * on each holder in turn, every hop short, until statement_timeout cancels it (57014). The row
 * lock statements (./row-locks.ts) are index probes that can only be slow by waiting, so a
 * cancellation of one of them is a lock wait too (`waitingForLock`) and is retried the same way.
 *
 * A retry must not just join the back of the queue and be cancelled again (at 16 writers that
 * starved a few of them past any budget): on a retry, each lock statement waits patiently, with
 * statement_timeout and lock_timeout raised for that statement alone to what is left of the
 * budget (two extra statements, on retries only; a first attempt costs nothing more). Waiting in
 * PostgreSQL's lock queue is first come, first served, so retried writers serialise. Deadlocks (40P01) and serialisation failures (40001) are retried the same way:
 * PostgreSQL rolled the transaction back and asks for exactly that. Re-running is safe because
 * nothing of the failed attempt survives: its writes rolled back, its after-commit effects never
 * ran, its rollback effects did, and an idempotency key's record rolled back with it.
 *
 * A write still contended when the budget is spent is refused with ContentionError, answered as a
 * top-level LOCK_TIMEOUT (HTTP 503, Retry-After): nothing was saved, and retrying (with the same
 * idempotencyKey, where the mutation takes one) is safe.
 */

import { AsyncLocalStorage } from 'node:async_hooks';

/** SQLSTATEs after which PostgreSQL has rolled the transaction back and a retry may succeed. */
const RETRYABLE_SQL_STATES = ['55P03', '40P01', '40001'] as const;

/** The default lock wait, below the default 3 s statement limit so a wait never reads as a slow statement. */
export const DEFAULT_LOCK_TIMEOUT_MS = 1_000;
/** How long a unit of work keeps retrying a contended write, by default: half the request time limit. */
export const DEFAULT_CONTENTION_BUDGET_MS = 5_000;

/** statement_timeout cancelled a statement that was only waiting for a lock (see `waitingForLock`). */
class LockWaitCancelledError extends Error {
  constructor(cause: unknown) {
    super('a lock wait outlasted the statement time limit', { cause });
    this.name = 'LockWaitCancelledError';
  }
}

export class ContentionError extends Error {
  readonly code = 'LOCK_TIMEOUT';

  constructor(
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`Other writes held the rows this one needs for too long (${attempts} attempts); nothing was saved, retry`, { cause });
    this.name = 'ContentionError';
  }
}

/** Whether PostgreSQL answered one of these SQLSTATEs, however Prisma and its adapter wrap it. */
function hasSqlState(error: unknown, states: readonly string[], depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const candidate = error as { code?: unknown; originalCode?: unknown; meta?: unknown; cause?: unknown; originalError?: unknown; driverAdapterError?: unknown };
  if (states.includes(candidate.originalCode as string) || states.includes(candidate.code as string)) return true;
  return [candidate.meta, candidate.cause, candidate.originalError, candidate.driverAdapterError].some((inner) => hasSqlState(inner, states, depth + 1));
}

export function isRetryableContention(error: unknown): boolean {
  return error instanceof LockWaitCancelledError || hasSqlState(error, RETRYABLE_SQL_STATES);
}

/** What runs raw SQL in the current transaction (a Prisma transaction client). */
interface RawRunner {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

/**
 * Runs a statement whose only possible slowness is waiting for a lock (SELECT … FOR UPDATE on a
 * primary key, pg_advisory_xact_lock): a statement_timeout cancellation of it is contention. On a
 * retried attempt it waits, alone, for up to the rest of the budget (see above).
 */
export async function waitingForLock<T>(tx: RawRunner, statement: () => PromiseLike<T>): Promise<T> {
  const current = attemptContext.getStore();
  const patientMs = current && current.attempt > 1 ? Math.max(1, current.deadline - Date.now()) : undefined;
  let restore: { statement_timeout: string; lock_timeout: string } | undefined;
  try {
    if (patientMs !== undefined) {
      // set_config(…, true) is SET LOCAL; one statement reads the session's limits and raises them.
      [restore] = await tx.$queryRawUnsafe<Array<{ statement_timeout: string; lock_timeout: string }>>(
        `SELECT current_setting('statement_timeout') AS statement_timeout, current_setting('lock_timeout') AS lock_timeout,
                set_config('statement_timeout', $1, true), set_config('lock_timeout', $1, true)`,
        `${patientMs}ms`,
      );
    }
    const result = await statement();
    if (restore) {
      await tx.$queryRawUnsafe(`SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $2, true)`, restore.statement_timeout, restore.lock_timeout);
    }
    return result;
  } catch (error) {
    if (hasSqlState(error, ['57014'])) throw new LockWaitCancelledError(error);
    throw error;
  }
}

/** Which attempt of a unit of work is running, and until when it may keep trying. */
const attemptContext = new AsyncLocalStorage<{ attempt: number; deadline: number }>();

/** 25–75 ms, then doubling to at most 400 ms, each ±50 %: retries of colliding writers spread out. */
function pauseBefore(attempt: number): Promise<void> {
  const base = Math.min(400, 50 * 2 ** (attempt - 1));
  return new Promise((resolve) => setTimeout(resolve, base * (0.5 + Math.random())));
}

/**
 * Runs `attempt` until it succeeds, fails with something other than contention, or the budget is
 * spent (then ContentionError).
 */
export async function retryOnContention<T>(attempt: () => Promise<T>, budgetMs = DEFAULT_CONTENTION_BUDGET_MS): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let attempts = 1; ; attempts++) {
    try {
      return await attemptContext.run({ attempt: attempts, deadline }, attempt);
    } catch (error) {
      if (!isRetryableContention(error)) throw error;
      if (Date.now() >= deadline) throw new ContentionError(attempts, error);
      await pauseBefore(attempts);
    }
  }
}

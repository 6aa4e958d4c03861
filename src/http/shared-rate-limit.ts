/**
 * The leaky bucket of ./rate-limit.ts shared by every replica on one database, so two replicas
 * no longer double a key's budget (ALLOT_RATE_LIMIT_STORE=postgres).
 *
 * The buckets live in the UNLOGGED table "RateLimitBucket", one row per API key, refilled on read
 * by one atomic UPSERT (the row lock serialises replicas taking from one key). Asking the
 * database on every request would add a blocking round trip to each one (issue 9), so a replica
 * takes points in *leases*: when what it holds for a key does not cover a request, one statement
 * takes the missing points plus a lease (a tenth of the bucket by default); later requests spend
 * the lease in memory, and refunds go back into it. What a replica holds is taken from the shared
 * bucket, so every replica sees it as spent. A key's held points above one lease, and all of an
 * idle key's points (idle for a flush interval), are returned to the shared bucket by a timer,
 * off the request path, in one statement per flush.
 *
 * Exactness, honestly: held points do not count against the shared bucket's refill, so a key's
 * largest burst over N replicas is the bucket plus what they hold (about one lease each, plus the
 * refunds of one flush interval) rather than N buckets; a replica may refuse while another still
 * holds an unspent lease for the key; and
 * `throttleStatus.currentlyAvailable` is what this replica last saw in the shared bucket plus what
 * it holds. Should the database fail, requests are let through (and the error is reported):
 * throttling is a defence, not a reason to refuse every query.
 */
import type { Db } from '../db/open.js';
import type { RateLimitConfig } from '../config.js';
import type { RateLimiter, TakeResult, ThrottleStatus } from './rate-limit.js';

export interface SharedRateLimiterOptions {
  /** Points taken beyond a request's need, spent later without a round trip. Default: bucket / 10. */
  leaseSize?: number;
  /** How often held points are returned (and an idle key's lease with them), in ms. Default 1000. */
  flushIntervalMs?: number;
  onError?(error: unknown, message: string): void;
}

interface Held {
  /** Points taken from the shared bucket and not yet spent. */
  points: number;
  /** The shared bucket's points when this replica last asked. */
  sharedAvailable: number;
  lastUsedAt: number;
  /** Takes of this key waiting for the database: a flush keeps the entry their lease will land in. */
  waiting: number;
}

/**
 * SQL of the take ($2 need, $3 extra, $4 bucket size, $5 restore rate per second): the bucket
 * refilled for the time since it was last counted (the old row's values: ON CONFLICT's SET reads
 * them), and what is taken from `points`: the need plus up to `extra`, or nothing when it does not fit.
 */
const REFILLED = `least($4::float8, b."available" + greatest(0, extract(epoch FROM now() - b."updatedAt")::float8) * $5::float8)`;
const TAKEN_FROM = (points: string) => `(CASE WHEN ${points} >= $2::float8 THEN $2::float8 + least($3::float8, ${points} - $2::float8) ELSE 0 END)`;

/** Rows untouched for this long past a full refill are purged (they mean the same as no row). */
const PURGE_EVERY_MS = 60_000;

export class SharedCostRateLimiter implements RateLimiter {
  readonly #db: Db;
  readonly #bucketSize: number;
  readonly #restoreRate: number;
  readonly #leaseSize: number;
  readonly #flushIntervalMs: number;
  readonly #onError: NonNullable<SharedRateLimiterOptions['onError']>;
  readonly #held = new Map<string, Held>();
  readonly #timer: NodeJS.Timeout;
  #lastPurgeAt = Date.now();
  #flushing: Promise<void> = Promise.resolve();

  constructor(db: Db, config: Pick<RateLimitConfig, 'bucketSize' | 'restoreRate'>, options: SharedRateLimiterOptions = {}) {
    this.#db = db;
    this.#bucketSize = config.bucketSize;
    this.#restoreRate = config.restoreRate;
    this.#leaseSize = options.leaseSize ?? Math.floor(config.bucketSize / 10);
    this.#flushIntervalMs = options.flushIntervalMs ?? 1_000;
    this.#onError = options.onError ?? (() => {});
    this.#timer = setInterval(() => void this.flush(), this.#flushIntervalMs);
    this.#timer.unref();
  }

  #status(held: Held): ThrottleStatus {
    return {
      maximumAvailable: this.#bucketSize,
      currentlyAvailable: Math.floor(Math.min(this.#bucketSize, held.sharedAvailable + held.points)),
      restoreRate: this.#restoreRate,
    };
  }

  #heldFor(key: string): Held {
    let held = this.#held.get(key);
    if (!held) {
      held = { points: 0, sharedAvailable: this.#bucketSize, lastUsedAt: Date.now(), waiting: 0 };
      this.#held.set(key, held);
    }
    return held;
  }

  async take(key: string, cost: number): Promise<TakeResult> {
    const held = this.#heldFor(key);
    held.lastUsedAt = Date.now();
    if (held.points >= cost) {
      held.points -= cost;
      return { allowed: true, status: this.#status(held) };
    }
    // Reserve what is held now: concurrent requests of this key must not spend it as well.
    const fromHeld = held.points;
    held.points = 0;
    const need = cost - fromHeld;
    let row: { available: number; taken: number } | undefined;
    held.waiting += 1;
    try {
      row = await this.#takeShared(key, need, this.#leaseSize);
    } catch (error) {
      held.points += fromHeld;
      this.#onError(error, 'the shared rate-limit store failed; the request was let through');
      return { allowed: true, status: this.#status(held), uncharged: true };
    } finally {
      held.waiting -= 1;
    }
    held.sharedAvailable = row.available;
    if (row.taken >= need) {
      held.points += row.taken - need;
      return { allowed: true, status: this.#status(held) };
    }
    held.points += fromHeld;
    const missing = need - row.available;
    const retryAfterSeconds = Math.max(1, Math.ceil(missing / this.#restoreRate));
    return { allowed: false, status: this.#status(held), retryAfterSeconds };
  }

  refund(key: string, points: number): ThrottleStatus {
    const held = this.#heldFor(key);
    held.points += Math.max(0, points);
    return this.#status(held);
  }

  /**
   * One statement: refills the key's bucket for the time since it was last counted, then takes
   * `need` plus up to `extra` points if `need` fits, or nothing. A missing row is a full bucket.
   */
  async #takeShared(key: string, need: number, extra: number): Promise<{ available: number; taken: number }> {
    const rows = await this.#db.$queryRawUnsafe<{ available: number; taken: number }[]>(
      `INSERT INTO "RateLimitBucket" AS b ("key", "available", "taken", "updatedAt")
       VALUES ($1, $4::float8 - ${TAKEN_FROM('$4::float8')}, ${TAKEN_FROM('$4::float8')}, now())
       ON CONFLICT ("key") DO UPDATE SET
         "taken" = ${TAKEN_FROM(REFILLED)},
         "available" = ${REFILLED} - ${TAKEN_FROM(REFILLED)},
         "updatedAt" = now()
       RETURNING "available", "taken"`,
      key,
      need,
      extra,
      this.#bucketSize,
      this.#restoreRate,
    );
    return rows[0]!;
  }

  /** Returns points held above one lease, and everything an idle key holds. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#flush()).catch((error: unknown) => this.#onError(error, 'could not return held rate-limit points'));
    return this.#flushing;
  }

  async #flush(everything = false): Promise<void> {
    const now = Date.now();
    const keys: string[] = [];
    const points: number[] = [];
    for (const [key, held] of this.#held) {
      const idle = everything || (held.waiting === 0 && now - held.lastUsedAt >= this.#flushIntervalMs);
      const returned = idle ? held.points : Math.max(0, held.points - this.#leaseSize);
      if (idle) this.#held.delete(key);
      else held.points -= returned;
      if (returned > 0) {
        keys.push(key);
        points.push(returned);
      }
    }
    if (keys.length > 0) {
      await this.#db.$executeRawUnsafe(
        `UPDATE "RateLimitBucket" AS b
            SET "available" = least($3::float8, b."available" + greatest(0, extract(epoch FROM now() - b."updatedAt")::float8) * $4::float8 + r.points),
                "updatedAt" = now()
           FROM unnest($1::text[], $2::float8[]) AS r(key, points)
          WHERE b."key" = r.key`,
        keys,
        points,
        this.#bucketSize,
        this.#restoreRate,
      );
    }
    if (now - this.#lastPurgeAt >= PURGE_EVERY_MS) {
      this.#lastPurgeAt = now;
      const fullAfterSeconds = this.#bucketSize / Math.max(1, this.#restoreRate);
      await this.#db.$executeRawUnsafe(`DELETE FROM "RateLimitBucket" WHERE "updatedAt" < now() - make_interval(secs => $1::float8)`, fullAfterSeconds);
    }
  }

  /** Stops the timer and returns everything held (on shutdown). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#flushing;
    await this.#flush(true).catch((error: unknown) => this.#onError(error, 'could not return held rate-limit points'));
  }
}

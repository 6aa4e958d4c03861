/**
 * A leaky bucket of query cost per API key, as Shopify's GraphQL API does it: each key holds up to
 * `bucketSize` points, a request takes its requested cost up front, gets back what it did not use,
 * and points flow back at `restoreRate` per second. A request that does not fit is refused with
 * the seconds to wait until it would.
 *
 * `CostRateLimiter` keeps the buckets in memory, per process: right for the embedded database
 * (one process). Replicas on one PostgreSQL share their buckets through `SharedCostRateLimiter`
 * (./shared-rate-limit.ts, ALLOT_RATE_LIMIT_STORE=postgres), behind the same `RateLimiter` interface.
 */
import type { RateLimitConfig } from '../config.js';

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export type TakeResult =
  /** `uncharged`: let through without taking anything (a shared store that failed), so nothing to refund. */
  | { allowed: true; status: ThrottleStatus; uncharged?: true }
  | { allowed: false; status: ThrottleStatus; retryAfterSeconds: number };

/** What the cost plugin (./query-cost.ts) needs from a store of buckets. */
export interface RateLimiter {
  /** Takes `cost` points from `key`'s bucket, or refuses with the seconds to wait. */
  take(key: string, cost: number): TakeResult | Promise<TakeResult>;
  /** Gives back the part of a request's requested cost it did not use. */
  refund(key: string, points: number): ThrottleStatus;
}

interface Bucket {
  available: number;
  updatedAt: number;
}

/** Buckets that have refilled completely are forgotten past this many keys, to bound memory. */
const SWEEP_ABOVE = 10_000;

export class CostRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly config: Pick<RateLimitConfig, 'bucketSize' | 'restoreRate'>,
    private readonly now: () => number = Date.now,
  ) {}

  private refilled(key: string): Bucket {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { available: this.config.bucketSize, updatedAt: now };
    const restored = ((now - bucket.updatedAt) / 1000) * this.config.restoreRate;
    bucket.available = Math.min(this.config.bucketSize, bucket.available + restored);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    return bucket;
  }

  private status(bucket: Bucket): ThrottleStatus {
    return {
      maximumAvailable: this.config.bucketSize,
      currentlyAvailable: Math.floor(bucket.available),
      restoreRate: this.config.restoreRate,
    };
  }

  take(key: string, cost: number): TakeResult {
    if (this.buckets.size > SWEEP_ABOVE) this.sweep();
    const bucket = this.refilled(key);
    if (cost > bucket.available) {
      const retryAfterSeconds = Math.max(1, Math.ceil((cost - bucket.available) / this.config.restoreRate));
      return { allowed: false, status: this.status(bucket), retryAfterSeconds };
    }
    bucket.available -= cost;
    return { allowed: true, status: this.status(bucket) };
  }

  /** Gives back the part of a request's requested cost it did not use. */
  refund(key: string, points: number): ThrottleStatus {
    const bucket = this.refilled(key);
    bucket.available = Math.min(this.config.bucketSize, bucket.available + Math.max(0, points));
    return this.status(bucket);
  }

  private sweep(): void {
    for (const key of [...this.buckets.keys()]) {
      if (this.refilled(key).available >= this.config.bucketSize) this.buckets.delete(key);
    }
  }
}

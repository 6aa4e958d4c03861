/**
 * `tsx bench/rate-limit-store.ts` with BENCH_DATABASE_URL=postgres://…: what a request pays for its
 * rate-limit bucket, per store: in memory, shared with leases (the default of
 * ALLOT_RATE_LIMIT_STORE=postgres), and shared without leases (one statement per request).
 * Each request takes 20 points and is refunded 15, one after another, on one key.
 */
import { randomUUID } from 'node:crypto';
import { openDatabase } from '../src/db/open.js';
import { CostRateLimiter, type RateLimiter } from '../src/http/rate-limit.js';
import { SharedCostRateLimiter } from '../src/http/shared-rate-limit.js';

const url = process.env.BENCH_DATABASE_URL;
const database = await openDatabase(url ? { databaseUrl: url } : {});
const config = { bucketSize: 1_000_000, restoreRate: 50 };
const requests = 5_000;

async function time(name: string, limiter: RateLimiter): Promise<void> {
  const key = randomUUID();
  for (let i = 0; i < 200; i++) await limiter.take(key, 20); // warm up
  const started = process.hrtime.bigint();
  for (let i = 0; i < requests; i++) {
    await limiter.take(key, 20);
    limiter.refund(key, 15);
  }
  const micros = Number(process.hrtime.bigint() - started) / 1000 / requests;
  console.log(`${name.padEnd(34)} ${micros.toFixed(1).padStart(7)} µs per request`);
}

console.log(`${database.kind}, ${requests} requests one after another`);
await time('memory', new CostRateLimiter(config));
const leased = new SharedCostRateLimiter(database.prisma, config);
await time('shared, leases of bucket/10', leased);
const small = new SharedCostRateLimiter(database.prisma, config, { leaseSize: 100 });
await time('shared, leases of 100 points', small);
const exact = new SharedCostRateLimiter(database.prisma, config, { leaseSize: 0 });
await time('shared, no lease (a statement each)', exact);
for (const limiter of [leased, small, exact]) await limiter.close();
await database.close();
process.exit(0);

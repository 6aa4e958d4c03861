/**
 * The rate-limit buckets shared through the database (src/http/shared-rate-limit.ts), with two
 * limiters on one database standing for two replicas (same process; the two-replica server test,
 * test/http/replicas.pg.test.ts runs them as real processes on PostgreSQL). Runs on PGlite, and
 * on PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createAllotYoga } from '../../src/http/yoga.js';
import { SharedCostRateLimiter } from '../../src/http/shared-rate-limit.js';
import { createTestApp, type TestApp } from '../support/app.js';

const CONFIG = { bucketSize: 500, restoreRate: 1 };

describe('ALLOT_RATE_LIMIT_STORE', () => {
  it('defaults to postgres with DATABASE_URL and to memory without; postgres without a server or an unknown store stops the start', () => {
    expect(loadConfig({}).rateLimit.store).toBe('memory');
    expect(loadConfig({ DATABASE_URL: 'postgres://db/allot' }).rateLimit.store).toBe('postgres');
    expect(loadConfig({ DATABASE_URL: 'postgres://db/allot', ALLOT_RATE_LIMIT_STORE: 'memory' }).rateLimit.store).toBe('memory');
    expect(() => loadConfig({ ALLOT_RATE_LIMIT_STORE: 'postgres' })).toThrow(/ALLOT_RATE_LIMIT_STORE=postgres needs DATABASE_URL/);
    expect(() => loadConfig({ ALLOT_RATE_LIMIT_STORE: 'redis' })).toThrow(/ALLOT_RATE_LIMIT_STORE must be one of memory, postgres/);
  });
});

describe('SharedCostRateLimiter', () => {
  let app: TestApp;
  const limiters: SharedCostRateLimiter[] = [];
  const limiter = (leaseSize?: number) => {
    const created = new SharedCostRateLimiter(app.database.prisma, CONFIG, { leaseSize, flushIntervalMs: 60_000 });
    limiters.push(created);
    return created;
  };
  const bucket = (key: string) => app.database.prisma.rateLimitBucket.findUnique({ where: { key } });
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterEach(async () => {
    for (const created of limiters.splice(0)) await created.close();
  });
  afterAll(() => app.close());

  it('one key, two replicas: what one spent the other cannot spend again, and its refusal takes nothing', async () => {
    const [first, second] = [limiter(), limiter()];
    expect(await first.take('k1', 300)).toMatchObject({ allowed: true });
    expect(await second.take('k1', 150)).toMatchObject({ allowed: true });
    // 500 − 300 − 150, less the leases the two now hold (a tenth of the bucket each, or what was left).
    const left = (await bucket('k1'))!.available;
    expect(left).toBeLessThan(50 + 2);
    const refused = await second.take('k1', 200);
    expect(refused).toMatchObject({ allowed: false, status: { maximumAvailable: 500, restoreRate: 1 } });
    if (!refused.allowed) expect(refused.retryAfterSeconds).toBeGreaterThan(100);
    expect((await bucket('k1'))!.available).toBeCloseTo(left, 0);
    // Another key is untouched.
    expect(await second.take('k2', 500)).toMatchObject({ allowed: true });
  });

  it('spends a lease in memory: only the request its lease does not cover asks the database', async () => {
    const shared = limiter(100);
    app.database.statements.reset();
    expect(await shared.take('k3', 10)).toMatchObject({ allowed: true, status: { currentlyAvailable: 490 } });
    expect(app.database.statements.count).toBe(1);
    for (let i = 0; i < 10; i++) {
      await shared.take('k3', 10);
      shared.refund('k3', 5);
    }
    // Held 100 after the first take; ten requests of net 5 spent 50 of it.
    expect(app.database.statements.count).toBe(1);
    expect((await bucket('k3'))!.available).toBeCloseTo(390, 0);
  });

  it('returns what it holds when closed (a stopping server)', async () => {
    const shared = new SharedCostRateLimiter(app.database.prisma, CONFIG, { leaseSize: 100, flushIntervalMs: 60_000 });
    await shared.take('k5', 30);
    shared.refund('k5', 10);
    expect((await bucket('k5'))!.available).toBeCloseTo(370, 0);
    await shared.close();
    expect((await bucket('k5'))!.available).toBeCloseTo(480, 0);
  });

  it('a request let through because the store failed is uncharged: nothing to refund, nothing credited', async () => {
    const broken = await createTestApp();
    try {
      await broken.database.prisma.$executeRawUnsafe('DROP TABLE "RateLimitBucket"');
      const errors: string[] = [];
      const shared = new SharedCostRateLimiter(broken.database.prisma, CONFIG, { leaseSize: 100, flushIntervalMs: 60_000, onError: (_error, message) => errors.push(message) });
      const taken = await shared.take('k6', 10);
      expect(taken).toMatchObject({ allowed: true, uncharged: true });
      expect(errors).toEqual(['the shared rate-limit store failed; the request was let through']);
      // It holds nothing: a later take asks the store again rather than spending points never taken.
      await expect(shared.take('k6', 1)).resolves.toMatchObject({ uncharged: true });
      await shared.close();
    } finally {
      await broken.close();
    }
  });

  it('returns an idle key\'s lease to the shared bucket', async () => {
    const shared = new SharedCostRateLimiter(app.database.prisma, CONFIG, { leaseSize: 100, flushIntervalMs: 50 });
    limiters.push(shared);
    await shared.take('k4', 10);
    expect((await bucket('k4'))!.available).toBeCloseTo(390, 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await bucket('k4'))!.available).toBeCloseTo(490, 0);
  });
});

describe('a shared bucket through two gateways on one database', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it('the second gateway answers THROTTLED (429, Retry-After) once the first spent the key\'s budget, and the refused mutation writes nothing', async () => {
    // Without leases the shared bucket is exact, so the numbers below are too.
    const limiters = [0, 0].map((leaseSize) => new SharedCostRateLimiter(app.database.prisma, CONFIG, { leaseSize }));
    const gateways = limiters.map((rateLimiter) =>
      createAllotYoga({ db: app.database.prisma, graphiql: false, logError: () => {}, attachments: app.attachments, rateLimiter }),
    );
    const post = (gateway: (typeof gateways)[number], query: string) =>
      gateway.fetch('http://allot.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${app.orgA.apiKey}` },
        body: JSON.stringify({ query }),
      });
    try {
      for (let i = 0; i < 60; i++) {
        await app.database.prisma.account.create({
          data: { organizationId: app.orgA.organizationId, name: `A${i}`, currency: 'EUR', openingBalanceMinor: 0n, balanceMinor: 0n },
        });
      }
      // Requested and actual cost alike: 1 + 60.
      const page = `{ accounts(first: 60) { edges { node { id } } } }`;
      let spent = 0;
      while (spent + 61 <= 500) {
        const response = await post(gateways[0]!, page);
        expect(response.status).toBe(200);
        spent += 61;
      }
      // 500 − 8 × 61 = 12 left: the second gateway refuses a page…
      const pageRefused = await post(gateways[1]!, page);
      expect(pageRefused.status).toBe(429);
      expect(Number(pageRefused.headers.get('retry-after'))).toBeGreaterThan(40);
      const body = await pageRefused.json();
      expect(body.data).toBeUndefined();
      expect(body.errors[0].extensions).toMatchObject({ code: 'THROTTLED' });
      expect(body.extensions.cost).toMatchObject({ requestedQueryCost: 61, actualQueryCost: 0, throttleStatus: { maximumAvailable: 500 } });
      // …and once the first spends 11 more (1 left), a mutation (cost 2) without writing.
      expect((await post(gateways[0]!, `{ accounts(first: 10) { edges { node { id } } } }`)).status).toBe(200);
      const before = await app.database.prisma.account.count();
      const refused = await post(gateways[1]!, `mutation { createAccount(input: {name: "Throttled", currency: "EUR"}) { ... on CreateAccountSuccess { account { id } } } }`);
      expect(refused.status).toBe(429);
      expect((await refused.json()).errors[0].extensions.code).toBe('THROTTLED');
      expect(await app.database.prisma.account.count()).toBe(before);
    } finally {
      for (const shared of limiters) await shared.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/services/core/organizations.js';
import { CostRateLimiter } from '../../src/http/rate-limit.js';
import { countResolvedObjects } from '../../src/http/query-cost.js';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { createTestApp, type TestApp } from '../support/app.js';

describe('CostRateLimiter (leaky bucket)', () => {
  it('takes cost up front, refuses what does not fit with the seconds to wait, and restores at the rate', () => {
    let now = 0;
    const limiter = new CostRateLimiter({ bucketSize: 100, restoreRate: 10 }, () => now);
    expect(limiter.take('k', 60)).toMatchObject({ allowed: true, status: { maximumAvailable: 100, currentlyAvailable: 40, restoreRate: 10 } });
    const refused = limiter.take('k', 60);
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 2, status: { currentlyAvailable: 40 } });
    now = 1_000; // +10
    expect(limiter.take('k', 60).allowed).toBe(false);
    now = 2_000; // +20 → 60
    expect(limiter.take('k', 60)).toMatchObject({ allowed: true, status: { currentlyAvailable: 0 } });
    now = 60_000;
    expect(limiter.take('k', 1).status.currentlyAvailable).toBe(99); // never above the bucket size
  });

  it('keeps one bucket per key and refunds unused cost', () => {
    const limiter = new CostRateLimiter({ bucketSize: 100, restoreRate: 1 }, () => 0);
    limiter.take('a', 100);
    expect(limiter.take('a', 1).allowed).toBe(false);
    expect(limiter.take('b', 100).allowed).toBe(true);
    expect(limiter.refund('a', 30).currentlyAvailable).toBe(30);
    expect(limiter.refund('a', 500).currentlyAvailable).toBe(100);
  });

  it('counts the objects a response really holds as its actual cost (edges only wrap their nodes)', () => {
    expect(countResolvedObjects({ accounts: { edges: [{ node: { id: 'x', name: 'y' } }, { node: { id: 'z', name: null } }] } })).toBe(
      1 + 2,
    );
    expect(countResolvedObjects({ viewer: { name: 'n' }, categories: [{ title: 'a', parent: null }, { title: 'b' }] })).toBe(3);
    expect(countResolvedObjects(null)).toBe(0);
  });
});

describe('rate limiting through the gateway', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ hardening: { rateLimit: { enabled: true, bucketSize: DEFAULT_LIMITS.maxCost, restoreRate: 1 } } });
  });
  afterAll(() => app.close());

  // Objects cost 1, scalars 0: requested 1 + 40 × (account 1 + entries 1 + 10 × entry 1) = 481
  const bigQuery = `{ accounts(first: 40) { edges { node { id name balance entries(first: 10) { edges { node { id } } } } } } }`;

  it('reports extensions.cost on every response, Shopify style', async () => {
    const result = await app.gql('{ viewer { name } }');
    expect(result.extensions?.cost).toEqual({
      requestedQueryCost: 1,
      actualQueryCost: 1,
      throttleStatus: { maximumAvailable: 500, currentlyAvailable: expect.any(Number), restoreRate: 1 },
    });
  });

  it('charges only the actual cost: a page of none where 40 were asked is refunded', async () => {
    const result = await app.gql(bigQuery, {}, app.orgB);
    expect(result.extensions?.cost).toMatchObject({ requestedQueryCost: 481, actualQueryCost: 1 });
    expect(result.extensions?.cost.throttleStatus.currentlyAvailable).toBeGreaterThanOrEqual(497);
  });

  it('throttles a key that has spent its bucket: HTTP 429, Retry-After, THROTTLED, nothing executed', async () => {
    // Fill organization A's account list so the big query really costs what it asks.
    for (let i = 0; i < 60; i++) {
      await app.database.prisma.account.create({
        data: { organizationId: app.orgA.organizationId, name: `A${i}`, currency: 'EUR', openingBalanceMinor: 0n, balanceMinor: 0n },
      });
    }
    const first = await app.gql(bigQuery);
    expect(first.errors).toBeUndefined();
    // The connection, and each of the 40 accounts with its (empty) entries connection.
    expect(first.extensions?.cost.actualQueryCost).toBe(1 + 40 * 2);

    const response = await app.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.orgA.apiKey}` },
      body: JSON.stringify({ query: bigQuery }),
    });
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(40); // ~62 points missing at 1 point/s
    const body = await response.json();
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions).toMatchObject({ code: 'THROTTLED', retryAfterSeconds: retryAfter });
    expect(body.extensions.cost).toMatchObject({ requestedQueryCost: 481, actualQueryCost: 0, throttleStatus: { maximumAvailable: 500, restoreRate: 1 } });
  });

  it('a throttled mutation writes nothing; another key of the same organization has its own bucket', async () => {
    const before = await app.database.prisma.account.count();
    // Spend key A's bucket down to less than the mutation's cost (2: the payload and the account).
    let available = (await app.gql('{ viewer { name } }')).extensions?.cost.throttleStatus.currentlyAvailable as number;
    while (available >= 2) {
      const page = Math.min(60, available - 1); // costs 1 + page, requested and actual alike
      const spent = await app.gql(`{ accounts(first: ${page}) { edges { node { id } } } }`);
      available = spent.extensions?.cost.throttleStatus.currentlyAvailable as number;
    }
    expect(available).toBeLessThan(2);
    const refused = await app.gql(
      `mutation { createAccount(input: {name: "Throttled", currency: "EUR"}) { ... on CreateAccountSuccess { account { id } } } }`,
    );
    expect(refused.status).toBe(429);
    expect(await app.database.prisma.account.count()).toBe(before);

    const { apiKey } = await createApiKey(app.database.prisma, app.orgA.organizationId, 'second integration');
    const other = await app.gql(bigQuery, {}, { ...app.orgA, apiKey });
    expect(other.errors).toBeUndefined();
  });
});

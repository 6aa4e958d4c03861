/**
 * The category tree's lists are priced by their real bound, and no response can outgrow the
 * response budget (issue 10). A 1000-deep chain, as a database written before the depth limit
 * may hold (inserted here directly, since the services now refuse it), made
 * `path { path { id } }` answer 8.4 MB at a requested cost of 3, and one more `path` level filled
 * the heap and killed the process.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { DEFAULT_HARDENING } from '../../src/http/yoga.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { categoryId } from '../support/documents.js';

const CHAIN = 1000;

let app: TestApp;
let leaf: string;
beforeAll(async () => {
  app = await createTestApp();
  const ids = Array.from({ length: CHAIN }, () => randomUUID());
  await app.database.prisma.category.createMany({
    data: ids.map((id, depth) => ({ id, organizationId: app.orgA.organizationId, kind: 'EXPENSE' as const, title: `Level ${depth}`, parentId: depth === 0 ? null : ids[depth - 1] })),
  });
  leaf = categoryId(ids.at(-1)!);
  // Organization B: an ordinary tree, two roots with three children each.
  for (const root of ['Office', 'Travel']) {
    const parent = await app.database.prisma.category.create({ data: { organizationId: app.orgB.organizationId, kind: 'EXPENSE', title: root } });
    for (const child of ['a', 'b', 'c']) {
      await app.database.prisma.category.create({ data: { organizationId: app.orgB.organizationId, kind: 'EXPENSE', title: `${root} ${child}`, parentId: parent.id } });
    }
  }
}, 120_000);
afterAll(() => app.close());

const nestedPath = (levels: number) => {
  let selection = 'id';
  for (let i = 0; i < levels; i++) selection = `path { ${selection} }`;
  return `query($id: ID!) { node(id: $id) { ... on Category { ${selection} } } }`;
};

describe('pricing the category tree by its real bound', () => {
  it('prices path { path { id } } on a 1000-deep chain by its length and refuses it with QUERY_TOO_COMPLEX', async () => {
    const result = await app.gql(nestedPath(2), { id: leaf });
    expect(result.status).toBe(400);
    expect(result.data).toBeUndefined();
    // node 1 + path 1000 × (itself 1 + its path of 1000)
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: 1 + 1000 * 1001 });
  });

  it('refuses path { path { path { id } } } before running it', async () => {
    const result = await app.gql(nestedPath(3), { id: leaf });
    expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('prices an ordinary tree by its shape: every category in the answer counts once', async () => {
    const result = await app.gql('{ categories { title children { title } } }', undefined, app.orgB);
    expect(result.errors).toBeUndefined();
    expect(result.data?.categories).toHaveLength(2);
    // 2 roots + 2 × 3 children: requested equals what the answer holds.
    expect(result.extensions?.cost).toMatchObject({ requestedQueryCost: 8, actualQueryCost: 8 });
  });

  it('still answers the README tree query on the demo-sized tree', async () => {
    const result = await app.gql('{ categories(kind: EXPENSE) { title depth children { title path { title } children { title } } } }', undefined, app.orgB);
    expect(result.errors).toBeUndefined();
    expect(result.extensions?.cost.requestedQueryCost).toBeLessThan(DEFAULT_LIMITS.maxCost);
  });
});

describe('the response budget', () => {
  let raised: TestApp;
  beforeAll(async () => {
    // A trusted client with a huge cost limit: the response bound alone must stop it.
    raised = await createTestApp({ hardening: { ...DEFAULT_HARDENING, limits: { ...DEFAULT_LIMITS, maxCost: 1e12 } } });
    await raised.database.prisma.category.createMany({
      data: (() => {
        const ids = Array.from({ length: CHAIN }, () => randomUUID());
        leaf = categoryId(ids.at(-1)!);
        return ids.map((id, depth) => ({ id, organizationId: raised.orgA.organizationId, kind: 'EXPENSE' as const, title: `L${depth}`, parentId: depth === 0 ? null : ids[depth - 1] }));
      })(),
    });
  }, 120_000);
  afterAll(() => raised.close());

  it('refuses a response past 5000 list items with RESPONSE_TOO_LARGE, no partial data, and a bounded heap', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const started = Date.now();
    const result = await raised.gql(nestedPath(3), { id: leaf });
    expect(result.status).toBe(400);
    expect(result.data).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'RESPONSE_TOO_LARGE', maxItems: 5000 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(300 * 1024 * 1024);
  }, 60_000);

  it('answers a response within the budget', async () => {
    const result = await raised.gql(nestedPath(1), { id: leaf });
    expect(result.errors).toBeUndefined();
    expect(result.data?.node.path).toHaveLength(CHAIN);
  });
});

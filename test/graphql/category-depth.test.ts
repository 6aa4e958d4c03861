/**
 * The category tree is at most 10 levels deep (depth 0–9), so `path` is short and can be priced
 * by its bound (issue 10: a 1000-deep chain made `path { path { path } }` exhaust the heap).
 * Creating below the deepest level and moving a subtree so it would end below it are refused with
 * CATEGORY_TOO_DEEP, declared in each mutation's union, and write nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CATEGORY_DEPTH } from '../../src/domain/category-tree.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { CREATE_CATEGORY, UPDATE_CATEGORY } from '../support/documents.js';
import { expectRefusedOverApi } from '../support/service-fixture.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

async function category(title: string, parentId?: string): Promise<string> {
  const response = await app.gql(CREATE_CATEGORY, { input: { title, kind: 'EXPENSE', parentId } });
  expect(response.data?.createCategory.__typename).toBe('CreateCategorySuccess');
  return response.data!.createCategory.category.id;
}

/** A chain root → … of `levels` categories; returns their ids, root first. */
async function chain(prefix: string, levels: number): Promise<string[]> {
  const ids: string[] = [];
  for (let level = 0; level < levels; level++) ids.push(await category(`${prefix} ${level}`, ids.at(-1)));
  return ids;
}

describe('the depth limit of the category tree', () => {
  it('is 9 below a root (10 levels)', () => {
    expect(MAX_CATEGORY_DEPTH).toBe(9);
  });

  it('accepts a category at depth 9 and refuses one at depth 10 with CATEGORY_TOO_DEEP, creating nothing', async () => {
    const ids = await chain('Deep', MAX_CATEGORY_DEPTH + 1);
    const deepest = await app.gql(`query($id: ID!) { node(id: $id) { ... on Category { depth path { id } } } }`, { id: ids.at(-1) });
    expect(deepest.data?.node).toMatchObject({ depth: 9, path: ids.map((id) => ({ id })) });
    const error = await expectRefusedOverApi(app, CREATE_CATEGORY, 'createCategory', { title: 'One too deep', kind: 'EXPENSE', parentId: ids.at(-1) }, 'CategoryTooDeepError', 'CATEGORY_TOO_DEEP');
    expect(error.field).toBe('parentId');
  });

  it('refuses moving a subtree where its deepest descendant would pass the limit, moving nothing', async () => {
    const target = await chain('Target', 8); // depths 0–7
    const subtree = await chain('Moved', 3); // a root with two levels below it
    // Below depth 7 the moved root would be at 8 and its grandchild at 10.
    const error = await expectRefusedOverApi(app, UPDATE_CATEGORY, 'updateCategory', { id: subtree[0], parentId: target.at(-1) }, 'CategoryTooDeepError', 'CATEGORY_TOO_DEEP');
    expect(error.field).toBe('parentId');
    // One level higher it fits exactly: the grandchild lands at depth 9.
    const moved = await app.gql(UPDATE_CATEGORY, { input: { id: subtree[0], parentId: target.at(-2) } });
    expect(moved.data?.updateCategory.__typename).toBe('UpdateCategorySuccess');
    const leaf = await app.gql(`query($id: ID!) { node(id: $id) { ... on Category { depth } } }`, { id: subtree.at(-1) });
    expect(leaf.data?.node).toEqual({ depth: 9 });
  });

  it('lists CATEGORY_TOO_DEEP in both mutations\' result unions', async () => {
    const union = async (name: string) =>
      (await app.gql(`{ __type(name: "${name}") { possibleTypes { name } } }`)).data?.__type.possibleTypes.map((t: { name: string }) => t.name);
    expect(await union('CreateCategoryResult')).toContain('CategoryTooDeepError');
    expect(await union('UpdateCategoryResult')).toContain('CategoryTooDeepError');
  });
});

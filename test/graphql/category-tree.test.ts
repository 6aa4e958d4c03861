/** The recursive `categories` query: roots by kind, children to any depth, parent, path and depth. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { CREATE_CATEGORY } from '../support/documents.js';

let app: TestApp;
const ids: Record<string, string> = {};

async function category(title: string, kind: 'EXPENSE' | 'INCOME', parent?: string): Promise<void> {
  const response = await app.gql(CREATE_CATEGORY, { input: { title, kind, parentId: parent ? ids[parent] : undefined } });
  ids[title] = response.data!.createCategory.category.id;
}

beforeAll(async () => {
  app = await createTestApp();
  // Created out of title order on purpose: children come back sorted by title.
  await category('Office', 'EXPENSE');
  await category('Telephone', 'EXPENSE', 'Office');
  await category('Rent', 'EXPENSE', 'Office');
  await category('Mobile', 'EXPENSE', 'Telephone');
  await category('Landline', 'EXPENSE', 'Telephone');
  await category('Roaming', 'EXPENSE', 'Mobile');
  await category('Advertising', 'EXPENSE');
  await category('Other income', 'INCOME');
  await category('Investments', 'INCOME', 'Other income');
});
afterAll(() => app.close());

describe('categories', () => {
  it('returns the roots of one kind with children sorted by title, to any depth', async () => {
    const response = await app.gql(`{ categories(kind: EXPENSE) { title children { title children { title children { title children { title } } } } } }`);
    expect(response.data?.categories).toEqual([
      { title: 'Advertising', children: [] },
      {
        title: 'Office',
        children: [
          { title: 'Rent', children: [] },
          {
            title: 'Telephone',
            children: [
              { title: 'Landline', children: [] },
              { title: 'Mobile', children: [{ title: 'Roaming', children: [] }] },
            ],
          },
        ],
      },
    ]);
  });

  it('returns the roots of both kinds without a filter', async () => {
    const response = await app.gql(`{ categories { title kind } }`);
    expect(response.data?.categories).toEqual([
      { title: 'Advertising', kind: 'EXPENSE' },
      { title: 'Office', kind: 'EXPENSE' },
      { title: 'Other income', kind: 'INCOME' },
    ]);
    expect((await app.gql(`{ categories(kind: INCOME) { title children { title } } }`)).data?.categories).toEqual([
      { title: 'Other income', children: [{ title: 'Investments' }] },
    ]);
  });

  it('gives parent, path and depth of a deep node through node(id:)', async () => {
    const response = await app.gql(`query($id: ID!) { node(id: $id) { ... on Category { title depth parent { title } path { title depth } } } }`, {
      id: ids.Roaming,
    });
    expect(response.data?.node).toEqual({
      title: 'Roaming',
      depth: 3,
      parent: { title: 'Mobile' },
      path: [
        { title: 'Office', depth: 0 },
        { title: 'Telephone', depth: 1 },
        { title: 'Mobile', depth: 2 },
        { title: 'Roaming', depth: 3 },
      ],
    });
  });

  it('shows each of several mutations in one request the tree as that mutation left it', async () => {
    const response = await app.gql(
      `mutation($id: ID!, $newParent: ID!) {
        rename: updateCategory(input: {id: $id, title: "Voice"}) { ... on UpdateCategorySuccess { category { title depth parent { title } } } }
        toRoot: updateCategory(input: {id: $id, parentId: null}) { ... on UpdateCategorySuccess { category { depth parent { title } path { title } } } }
        back: updateCategory(input: {id: $id, parentId: $newParent}) { ... on UpdateCategorySuccess { category { depth path { title } } } }
      }`,
      { id: ids.Landline, newParent: ids.Advertising },
    );
    expect(response.data).toEqual({
      rename: { category: { title: 'Voice', depth: 2, parent: { title: 'Telephone' } } },
      toRoot: { category: { depth: 0, parent: null, path: [{ title: 'Voice' }] } },
      back: { category: { depth: 1, path: [{ title: 'Advertising' }, { title: 'Voice' }] } },
    });
  });
});

/**
 * Every result the category mutations can give, through `yoga.fetch` with a real API key:
 * each error's `__typename` and `code`, and that a refused call wrote nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { CREATE_ACCOUNT, CREATE_CATEGORY, DELETE_CATEGORY, UPDATE_CATEGORY, categoryId, missingId } from '../support/documents.js';
import { expectRefusedOverApi } from '../support/service-fixture.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const expectRefused = (document: string, field: string, input: Record<string, unknown>, typename: string, code: string) =>
  expectRefusedOverApi(app, document, field, input, typename, code);

async function category(title: string, kind: 'EXPENSE' | 'INCOME' = 'EXPENSE', parentId?: string): Promise<string> {
  const response = await app.gql(CREATE_CATEGORY, { input: { title, kind, parentId } });
  expect(response.data?.createCategory.__typename).toBe('CreateCategorySuccess');
  return response.data!.createCategory.category.id;
}

async function accountGlobalId(): Promise<string> {
  const response = await app.gql(CREATE_ACCOUNT, { input: { name: 'Acc', currency: 'EUR' } });
  return response.data!.createAccount.account.id;
}

describe('createCategory', () => {
  it('creates a child with its depth and parent', async () => {
    const root = await category('Office');
    const response = await app.gql(CREATE_CATEGORY, { input: { title: 'Rent', kind: 'EXPENSE', parentId: root } });
    expect(response.data?.createCategory).toMatchObject({
      __typename: 'CreateCategorySuccess',
      category: { title: 'Rent', kind: 'EXPENSE', depth: 1, parent: { id: root } },
    });
  });

  it.each([
    ['an empty title', { title: '' }],
    ['a blank title', { title: ' \t ' }],
    ['a 501-character title', { title: 'é'.repeat(501) }],
  ])('refuses %s with INVALID_INPUT', async (_label, override) => {
    const error = await expectRefused(CREATE_CATEGORY, 'createCategory', { kind: 'EXPENSE', ...override }, 'InvalidInputError', 'INVALID_INPUT');
    expect(error.field).toBe('title');
  });

  it('accepts a title of exactly 500 characters', async () => {
    const response = await app.gql(CREATE_CATEGORY, { input: { title: 'é'.repeat(500), kind: 'EXPENSE' } });
    expect(response.data?.createCategory.__typename).toBe('CreateCategorySuccess');
  });

  it('refuses a malformed parent id and an Account id as parent with INVALID_ID', async () => {
    const error = await expectRefused(CREATE_CATEGORY, 'createCategory', { title: 'T', kind: 'EXPENSE', parentId: '!!' }, 'InvalidIdError', 'INVALID_ID');
    expect(error.field).toBe('parentId');
    await expectRefused(CREATE_CATEGORY, 'createCategory', { title: 'T', kind: 'EXPENSE', parentId: await accountGlobalId() }, 'InvalidIdError', 'INVALID_ID');
  });

  it('refuses an unknown parent with NOT_FOUND', async () => {
    const error = await expectRefused(CREATE_CATEGORY, 'createCategory', { title: 'T', kind: 'EXPENSE', parentId: missingId('Category') }, 'NotFoundError', 'NOT_FOUND');
    expect(error.field).toBe('parentId');
  });

  it('refuses a parent of the other kind with CATEGORY_KIND_MISMATCH', async () => {
    const income = await category('Sales', 'INCOME');
    await expectRefused(CREATE_CATEGORY, 'createCategory', { title: 'T', kind: 'EXPENSE', parentId: income }, 'CategoryKindMismatchError', 'CATEGORY_KIND_MISMATCH');
  });
});

describe('updateCategory', () => {
  it('renames, moves to the root with parentId null, and keeps the parent when it is omitted', async () => {
    const root = await category('Move root');
    const child = await category('Move child', 'EXPENSE', root);
    const renamed = await app.gql(UPDATE_CATEGORY, { input: { id: child, title: 'Renamed' } });
    expect(renamed.data?.updateCategory.category).toEqual({ id: child, title: 'Renamed', parent: { id: root } });
    const moved = await app.gql(UPDATE_CATEGORY, { input: { id: child, parentId: null } });
    expect(moved.data?.updateCategory.category).toEqual({ id: child, title: 'Renamed', parent: null });
  });

  it('refuses a move below itself and below its grandchild with CATEGORY_CYCLE', async () => {
    const root = await category('Cycle root');
    const child = await category('Cycle child', 'EXPENSE', root);
    const grandchild = await category('Cycle grandchild', 'EXPENSE', child);
    await expectRefused(UPDATE_CATEGORY, 'updateCategory', { id: child, parentId: child }, 'CategoryCycleError', 'CATEGORY_CYCLE');
    await expectRefused(UPDATE_CATEGORY, 'updateCategory', { id: root, parentId: grandchild }, 'CategoryCycleError', 'CATEGORY_CYCLE');
  });

  it('refuses a parent of the other kind with CATEGORY_KIND_MISMATCH', async () => {
    const expense = await category('Kind expense');
    const income = await category('Kind income', 'INCOME');
    await expectRefused(UPDATE_CATEGORY, 'updateCategory', { id: expense, parentId: income }, 'CategoryKindMismatchError', 'CATEGORY_KIND_MISMATCH');
  });

  it('refuses bad ids with INVALID_ID and unknown ones with NOT_FOUND', async () => {
    const existing = await category('Ids');
    await expectRefused(UPDATE_CATEGORY, 'updateCategory', { id: 'nope', title: 'X' }, 'InvalidIdError', 'INVALID_ID');
    await expectRefused(UPDATE_CATEGORY, 'updateCategory', { id: await accountGlobalId(), title: 'X' }, 'InvalidIdError', 'INVALID_ID');
    const parentError = await expectRefused(UPDATE_CATEGORY, 'updateCategory', { id: existing, parentId: 'nope' }, 'InvalidIdError', 'INVALID_ID');
    expect(parentError.field).toBe('parentId');
    await expectRefused(UPDATE_CATEGORY, 'updateCategory', { id: missingId('Category'), title: 'X' }, 'NotFoundError', 'NOT_FOUND');
    await expectRefused(UPDATE_CATEGORY, 'updateCategory', { id: existing, parentId: missingId('Category') }, 'NotFoundError', 'NOT_FOUND');
  });

  it('refuses an empty title and a 501-character title with INVALID_INPUT', async () => {
    const existing = await category('Titles');
    await expectRefused(UPDATE_CATEGORY, 'updateCategory', { id: existing, title: '' }, 'InvalidInputError', 'INVALID_INPUT');
    await expectRefused(UPDATE_CATEGORY, 'updateCategory', { id: existing, title: 'z'.repeat(501) }, 'InvalidInputError', 'INVALID_INPUT');
  });
});

describe('deleteCategory', () => {
  it('deletes a leaf and returns its id', async () => {
    const leaf = await category('Leaf');
    const response = await app.gql(DELETE_CATEGORY, { input: { id: leaf } });
    expect(response.data?.deleteCategory).toEqual({ __typename: 'DeleteCategorySuccess', deletedId: leaf });
    expect((await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: leaf })).data?.node).toBeNull();
  });

  it('refuses a category with children with CATEGORY_HAS_CHILDREN', async () => {
    const parent = await category('Parent');
    await category('Kid', 'EXPENSE', parent);
    await expectRefused(DELETE_CATEGORY, 'deleteCategory', { id: parent }, 'CategoryHasChildrenError', 'CATEGORY_HAS_CHILDREN');
  });

  it('refuses a category used by a record with CATEGORY_IN_USE', async () => {
    const used = await category('Used');
    const account = await app.database.prisma.account.create({
      data: { organizationId: app.orgA.organizationId, name: 'Fixture', currency: 'EUR', openingBalanceMinor: 0n, balanceMinor: 0n },
    });
    const uuid = Buffer.from(used, 'base64url').toString().split(':')[1]!;
    expect(categoryId(uuid)).toBe(used);
    // A record using the category, written directly as a fixture (entries are another issue's API).
    await app.database.prisma.entry.create({
      data: {
        organizationId: app.orgA.organizationId,
        kind: 'EXPENSE',
        title: 'Fixture entry',
        categoryId: uuid,
        accountId: account.id,
        amountMinor: 500n,
        periodYear: 2024,
        periodMonth: 3,
      },
    });
    await expectRefused(DELETE_CATEGORY, 'deleteCategory', { id: used }, 'CategoryInUseError', 'CATEGORY_IN_USE');
  });

  it('refuses bad ids with INVALID_ID and unknown ones with NOT_FOUND', async () => {
    await expectRefused(DELETE_CATEGORY, 'deleteCategory', { id: '' }, 'InvalidIdError', 'INVALID_ID');
    await expectRefused(DELETE_CATEGORY, 'deleteCategory', { id: await accountGlobalId() }, 'InvalidIdError', 'INVALID_ID');
    await expectRefused(DELETE_CATEGORY, 'deleteCategory', { id: missingId('Category') }, 'NotFoundError', 'NOT_FOUND');
  });
});

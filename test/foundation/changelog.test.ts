/** One changelog event per change: who, what, from → to, in the order the changes happened. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAccount, createAccount, updateAccount } from '../../src/services/accounts.js';
import { createCategory, deleteCategory, updateCategory } from '../../src/services/categories.js';
import { diffFields } from '../../src/services/changelog.js';
import { openServiceFixture, type ServiceFixture } from './fixtures.js';

let f: ServiceFixture;
beforeAll(async () => {
  f = await openServiceFixture();
});
afterAll(() => f.database.close());

async function history(entityId: string) {
  const events = await f.db.changelogEvent.findMany({ where: { entityId }, orderBy: { seq: 'asc' } });
  return events.map((e) => ({ type: e.entityType, action: e.action, changes: e.changes, user: e.userId, org: e.organizationId }));
}

describe('diffFields', () => {
  it('keeps only fields that change, skips undefined and treats a missing before as null', () => {
    const before: Record<string, string | null> = { name: 'A', bank: 'B', note: null };
    expect(diffFields(before, { name: 'A', bank: null, note: undefined })).toEqual({
      bank: { from: 'B', to: null },
    });
    expect(diffFields({ name: 'A' } as Record<string, string | null>, { extra: 'x' })).toEqual({ extra: { from: null, to: 'x' } });
    expect(diffFields({ tags: ['a'] }, { tags: ['a'] })).toEqual({});
  });
});

describe('the changelog', () => {
  it('records an account’s life, one event per change, attributed to the acting user', async () => {
    const account = await createAccount(f.db, f.viewer, { name: 'Life', bank: 'First', currency: 'EUR' });
    await updateAccount(f.db, f.viewer, { id: account.id, name: 'Life 2' });
    await updateAccount(f.db, f.viewer, { id: account.id, name: 'Life 3', bank: 'Second' });
    await closeAccount(f.db, f.viewer, { id: account.id });
    const events = await history(account.id);
    expect(events.map(({ action, changes }) => ({ action, changes }))).toEqual([
      { action: 'NEW', changes: {} },
      { action: 'UPDATED', changes: { name: { from: 'Life', to: 'Life 2' } } },
      { action: 'UPDATED', changes: { name: { from: 'Life 2', to: 'Life 3' }, bank: { from: 'First', to: 'Second' } } },
      { action: 'CLOSED', changes: {} },
    ]);
    for (const event of events) {
      expect(event).toMatchObject({ type: 'Account', user: f.viewer.userId, org: f.viewer.organizationId });
    }
  });

  it('records a category’s rename, moves and deletion, and keeps them after the category is gone', async () => {
    const parent = await createCategory(f.db, f.viewer, { title: 'Parent', kind: 'INCOME' });
    const category = await createCategory(f.db, f.viewer, { title: 'Old', kind: 'INCOME' });
    await updateCategory(f.db, f.viewer, { id: category.id, title: 'New' });
    await updateCategory(f.db, f.viewer, { id: category.id, parentId: parent.id });
    await updateCategory(f.db, f.viewer, { id: category.id, title: 'Newest', parentId: null });
    await deleteCategory(f.db, f.viewer, { id: category.id });
    expect((await history(category.id)).map(({ action, changes }) => ({ action, changes }))).toEqual([
      { action: 'NEW', changes: {} },
      { action: 'UPDATED', changes: { title: { from: 'Old', to: 'New' } } },
      { action: 'MOVED', changes: { parentId: { from: null, to: parent.id } } },
      { action: 'MOVED', changes: { title: { from: 'New', to: 'Newest' }, parentId: { from: parent.id, to: null } } },
      { action: 'DELETED', changes: {} },
    ]);
  });

  it('writes nothing for a change that changes nothing', async () => {
    const category = await createCategory(f.db, f.viewer, { title: 'Still', kind: 'EXPENSE' });
    await updateCategory(f.db, f.viewer, { id: category.id, title: 'Still', parentId: null });
    expect(await history(category.id)).toHaveLength(1);
  });
});

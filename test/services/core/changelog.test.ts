/** One changelog event per change: who, what, from → to, in the order the changes happened. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAccount, createAccount, updateAccount } from '../../../src/services/ledger/accounts.js';
import { createCategory, deleteCategory, updateCategory } from '../../../src/services/ledger/categories.js';
import { diffFields } from '../../../src/services/core/changelog.js';
import { openServiceFixture, type ServiceFixture } from '../../support/service-fixture.js';
import { runService } from '../../../src/services/core/service.js';

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
    const account = await runService(f.db, f.viewer, createAccount, { name: 'Life', bank: 'First', currency: 'EUR' });
    await runService(f.db, f.viewer, updateAccount, { id: account.id, name: 'Life 2' });
    await runService(f.db, f.viewer, updateAccount, { id: account.id, name: 'Life 3', bank: 'Second' });
    await runService(f.db, f.viewer, closeAccount, { id: account.id });
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
    const parent = await runService(f.db, f.viewer, createCategory, { title: 'Parent', kind: 'INCOME' });
    const category = await runService(f.db, f.viewer, createCategory, { title: 'Old', kind: 'INCOME' });
    await runService(f.db, f.viewer, updateCategory, { id: category.id, title: 'New' });
    await runService(f.db, f.viewer, updateCategory, { id: category.id, parentId: parent.id });
    await runService(f.db, f.viewer, updateCategory, { id: category.id, title: 'Newest', parentId: null });
    await runService(f.db, f.viewer, deleteCategory, { id: category.id });
    expect((await history(category.id)).map(({ action, changes }) => ({ action, changes }))).toEqual([
      { action: 'NEW', changes: {} },
      { action: 'UPDATED', changes: { title: { from: 'Old', to: 'New' } } },
      { action: 'MOVED', changes: { parentId: { from: null, to: parent.id } } },
      { action: 'MOVED', changes: { title: { from: 'New', to: 'Newest' }, parentId: { from: parent.id, to: null } } },
      { action: 'DELETED', changes: {} },
    ]);
  });

  it('writes nothing for a change that changes nothing', async () => {
    const category = await runService(f.db, f.viewer, createCategory, { title: 'Still', kind: 'EXPENSE' });
    await runService(f.db, f.viewer, updateCategory, { id: category.id, title: 'Still', parentId: null });
    expect(await history(category.id)).toHaveLength(1);
  });
});

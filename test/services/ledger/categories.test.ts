/** The category tree rules, called on the service layer directly against a real database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../../src/services/ledger/accounts.js';
import { createCategory, deleteCategory, updateCategory } from '../../../src/services/ledger/categories.js';
import { expectRefusedWithoutChange, openServiceFixture, randomId, type ServiceFixture } from '../../support/service-fixture.js';
import { runService } from '../../../src/services/core/service.js';

let f: ServiceFixture;
beforeAll(async () => {
  f = await openServiceFixture();
});
afterAll(() => f.database.close());

/** root → child → grandchild, all EXPENSE, with distinct titles per call. */
async function chain(label: string) {
  const root = await runService(f.db, f.viewer, createCategory, { title: `${label} root`, kind: 'EXPENSE' });
  const child = await runService(f.db, f.viewer, createCategory, { title: `${label} child`, kind: 'EXPENSE', parentId: root.id });
  const grandchild = await runService(f.db, f.viewer, createCategory, { title: `${label} grandchild`, kind: 'EXPENSE', parentId: child.id });
  return { root, child, grandchild };
}

async function parentOf(id: string): Promise<string | null> {
  return (await f.db.category.findUniqueOrThrow({ where: { id } })).parentId;
}

describe('createCategory', () => {
  it('creates roots and children, trims the title and logs NEW', async () => {
    const root = await runService(f.db, f.viewer, createCategory, { title: '  Office  ', kind: 'EXPENSE' });
    const child = await runService(f.db, f.viewer, createCategory, { title: 'Rent', kind: 'EXPENSE', parentId: root.id });
    expect(root).toMatchObject({ title: 'Office', parentId: null, kind: 'EXPENSE', organizationId: f.viewer.organizationId });
    expect(child.parentId).toBe(root.id);
    const events = await f.db.changelogEvent.findMany({ where: { entityId: child.id } });
    expect(events.map((e) => [e.action, e.comment])).toEqual([['NEW', 'Rent']]);
  });

  it('refuses a parent of the other kind with CATEGORY_KIND_MISMATCH', async () => {
    const income = await runService(f.db, f.viewer, createCategory, { title: 'Sales', kind: 'INCOME' });
    await expectRefusedWithoutChange(
      f.db,
      () => runService(f.db, f.viewer, createCategory, { title: 'Paper', kind: 'EXPENSE', parentId: income.id }),
      'CATEGORY_KIND_MISMATCH',
    );
  });

  it.each([
    ['an empty title', { title: ' ' }, 'INVALID_INPUT'],
    ['a 501-character title', { title: 't'.repeat(501) }, 'INVALID_INPUT'],
    ['an unknown parent', { parentId: randomId() }, 'NOT_FOUND'],
  ])('refuses %s and writes nothing', async (_label, override, code) => {
    await expectRefusedWithoutChange(
      f.db,
      () => runService(f.db, f.viewer, createCategory, { title: 'Fine', kind: 'EXPENSE', ...override }),
      code,
    );
  });

  it('refuses another organization’s category as parent with NOT_FOUND', async () => {
    const theirs = await runService(f.db, f.otherViewer, createCategory, { title: 'Theirs', kind: 'EXPENSE' });
    await expectRefusedWithoutChange(
      f.db,
      () => runService(f.db, f.viewer, createCategory, { title: 'Mine', kind: 'EXPENSE', parentId: theirs.id }),
      'NOT_FOUND',
    );
  });
});

describe('updateCategory', () => {
  it('renames, keeping the parent, and logs UPDATED with from → to', async () => {
    const { child, root } = await chain('rename');
    await runService(f.db, f.viewer, updateCategory, { id: child.id, title: 'Renamed' });
    const row = await f.db.category.findUniqueOrThrow({ where: { id: child.id } });
    expect(row).toMatchObject({ title: 'Renamed', parentId: root.id });
    const last = await f.db.changelogEvent.findFirstOrThrow({ where: { entityId: child.id }, orderBy: { seq: 'desc' } });
    expect(last.action).toBe('UPDATED');
    expect(last.changes).toEqual({ title: { from: 'rename child', to: 'Renamed' } });
  });

  it('moves to the root with parentId null and logs MOVED', async () => {
    const { child, root } = await chain('to-root');
    await runService(f.db, f.viewer, updateCategory, { id: child.id, parentId: null });
    expect(await parentOf(child.id)).toBeNull();
    const last = await f.db.changelogEvent.findFirstOrThrow({ where: { entityId: child.id }, orderBy: { seq: 'desc' } });
    expect(last.action).toBe('MOVED');
    expect(last.changes).toEqual({ parentId: { from: root.id, to: null } });
  });

  it('moves below another category of the same kind, carrying its subtree', async () => {
    const a = await chain('move-a');
    const b = await chain('move-b');
    await runService(f.db, f.viewer, updateCategory, { id: a.child.id, parentId: b.grandchild.id });
    expect(await parentOf(a.child.id)).toBe(b.grandchild.id);
    expect(await parentOf(a.grandchild.id)).toBe(a.child.id);
  });

  it('keeps the parent when parentId is omitted', async () => {
    const { child, root } = await chain('omit');
    await runService(f.db, f.viewer, updateCategory, { id: child.id, title: 'Only title' });
    expect(await parentOf(child.id)).toBe(root.id);
  });

  it('refuses moving a category below itself with CATEGORY_CYCLE', async () => {
    const { child } = await chain('self');
    await expectRefusedWithoutChange(
      f.db,
      () => runService(f.db, f.viewer, updateCategory, { id: child.id, parentId: child.id }),
      'CATEGORY_CYCLE',
    );
  });

  it('refuses moving a category below its own grandchild with CATEGORY_CYCLE', async () => {
    const { root, grandchild } = await chain('grandchild');
    await expectRefusedWithoutChange(
      f.db,
      () => runService(f.db, f.viewer, updateCategory, { id: root.id, parentId: grandchild.id }),
      'CATEGORY_CYCLE',
    );
    expect(await parentOf(root.id)).toBeNull();
  });

  it('refuses a parent of the other kind with CATEGORY_KIND_MISMATCH', async () => {
    const { child } = await chain('kind');
    const income = await runService(f.db, f.viewer, createCategory, { title: 'Interest', kind: 'INCOME' });
    await expectRefusedWithoutChange(
      f.db,
      () => runService(f.db, f.viewer, updateCategory, { id: child.id, parentId: income.id }),
      'CATEGORY_KIND_MISMATCH',
    );
  });

  it('refuses an unknown category, an unknown parent and an empty title', async () => {
    const { child } = await chain('unknown');
    await expectRefusedWithoutChange(f.db, () => runService(f.db, f.viewer, updateCategory, { id: randomId(), title: 'X' }), 'NOT_FOUND');
    await expectRefusedWithoutChange(
      f.db,
      () => runService(f.db, f.viewer, updateCategory, { id: child.id, parentId: randomId() }),
      'NOT_FOUND',
    );
    await expectRefusedWithoutChange(f.db, () => runService(f.db, f.viewer, updateCategory, { id: child.id, title: '' }), 'INVALID_INPUT');
  });
});

describe('deleteCategory', () => {
  it('refuses a category with children with CATEGORY_HAS_CHILDREN', async () => {
    const { root, child } = await chain('has-children');
    await expectRefusedWithoutChange(f.db, () => runService(f.db, f.viewer, deleteCategory, { id: root.id }), 'CATEGORY_HAS_CHILDREN');
    await expectRefusedWithoutChange(f.db, () => runService(f.db, f.viewer, deleteCategory, { id: child.id }), 'CATEGORY_HAS_CHILDREN');
  });

  it('refuses a category used by a record with CATEGORY_IN_USE', async () => {
    const category = await runService(f.db, f.viewer, createCategory, { title: 'Used', kind: 'EXPENSE' });
    const account = await runService(f.db, f.viewer, createAccount, { name: 'Acc', currency: 'EUR' });
    // A record that uses the category: written directly as a fixture (entries are another issue).
    await f.db.entry.create({
      data: {
        organizationId: f.viewer.organizationId,
        kind: 'EXPENSE',
        title: 'Paper',
        categoryId: category.id,
        accountId: account.id,
        amountMinor: 100n,
        periodYear: 2024,
        periodMonth: 1,
      },
    });
    await expectRefusedWithoutChange(f.db, () => runService(f.db, f.viewer, deleteCategory, { id: category.id }), 'CATEGORY_IN_USE');
    expect(await f.db.entry.count({ where: { categoryId: category.id } })).toBe(1);
  });

  it('refuses another organization’s category with NOT_FOUND', async () => {
    const category = await runService(f.db, f.viewer, createCategory, { title: 'Guarded', kind: 'EXPENSE' });
    await expectRefusedWithoutChange(f.db, () => runService(f.db, f.otherViewer, deleteCategory, { id: category.id }), 'NOT_FOUND');
  });

  it('deletes a leaf, keeps its history and logs DELETED', async () => {
    const { child, grandchild } = await chain('delete');
    await runService(f.db, f.viewer, deleteCategory, { id: grandchild.id });
    expect(await f.db.category.findUnique({ where: { id: grandchild.id } })).toBeNull();
    const events = await f.db.changelogEvent.findMany({ where: { entityId: grandchild.id }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.action)).toEqual(['NEW', 'DELETED']);
    // The parent is now a leaf and can go too.
    await runService(f.db, f.viewer, deleteCategory, { id: child.id });
    expect(await f.db.category.findUnique({ where: { id: child.id } })).toBeNull();
  });
});

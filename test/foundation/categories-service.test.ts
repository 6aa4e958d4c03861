/** The category tree rules, called on the service layer directly against a real database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/services/accounts.js';
import { createCategory, deleteCategory, updateCategory } from '../../src/services/categories.js';
import { expectRefusedWithoutChange, openServiceFixture, randomId, type ServiceFixture } from './fixtures.js';

let f: ServiceFixture;
beforeAll(async () => {
  f = await openServiceFixture();
});
afterAll(() => f.database.close());

/** root → child → grandchild, all EXPENSE, with distinct titles per call. */
async function chain(label: string) {
  const root = await createCategory(f.db, f.viewer, { title: `${label} root`, kind: 'EXPENSE' });
  const child = await createCategory(f.db, f.viewer, { title: `${label} child`, kind: 'EXPENSE', parentId: root.id });
  const grandchild = await createCategory(f.db, f.viewer, { title: `${label} grandchild`, kind: 'EXPENSE', parentId: child.id });
  return { root, child, grandchild };
}

async function parentOf(id: string): Promise<string | null> {
  return (await f.db.category.findUniqueOrThrow({ where: { id } })).parentId;
}

describe('createCategory', () => {
  it('creates roots and children, trims the title and logs NEW', async () => {
    const root = await createCategory(f.db, f.viewer, { title: '  Office  ', kind: 'EXPENSE' });
    const child = await createCategory(f.db, f.viewer, { title: 'Rent', kind: 'EXPENSE', parentId: root.id });
    expect(root).toMatchObject({ title: 'Office', parentId: null, kind: 'EXPENSE', organizationId: f.viewer.organizationId });
    expect(child.parentId).toBe(root.id);
    const events = await f.db.changelogEvent.findMany({ where: { entityId: child.id } });
    expect(events.map((e) => [e.action, e.comment])).toEqual([['NEW', 'Rent']]);
  });

  it('refuses a parent of the other kind with CATEGORY_KIND_MISMATCH', async () => {
    const income = await createCategory(f.db, f.viewer, { title: 'Sales', kind: 'INCOME' });
    await expectRefusedWithoutChange(
      f.db,
      () => createCategory(f.db, f.viewer, { title: 'Paper', kind: 'EXPENSE', parentId: income.id }),
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
      () => createCategory(f.db, f.viewer, { title: 'Fine', kind: 'EXPENSE', ...override }),
      code,
    );
  });

  it('refuses another organization’s category as parent with NOT_FOUND', async () => {
    const theirs = await createCategory(f.db, f.otherViewer, { title: 'Theirs', kind: 'EXPENSE' });
    await expectRefusedWithoutChange(
      f.db,
      () => createCategory(f.db, f.viewer, { title: 'Mine', kind: 'EXPENSE', parentId: theirs.id }),
      'NOT_FOUND',
    );
  });
});

describe('updateCategory', () => {
  it('renames, keeping the parent, and logs UPDATED with from → to', async () => {
    const { child, root } = await chain('rename');
    await updateCategory(f.db, f.viewer, { id: child.id, title: 'Renamed' });
    const row = await f.db.category.findUniqueOrThrow({ where: { id: child.id } });
    expect(row).toMatchObject({ title: 'Renamed', parentId: root.id });
    const last = await f.db.changelogEvent.findFirstOrThrow({ where: { entityId: child.id }, orderBy: { seq: 'desc' } });
    expect(last.action).toBe('UPDATED');
    expect(last.changes).toEqual({ title: { from: 'rename child', to: 'Renamed' } });
  });

  it('moves to the root with parentId null and logs MOVED', async () => {
    const { child, root } = await chain('to-root');
    await updateCategory(f.db, f.viewer, { id: child.id, parentId: null });
    expect(await parentOf(child.id)).toBeNull();
    const last = await f.db.changelogEvent.findFirstOrThrow({ where: { entityId: child.id }, orderBy: { seq: 'desc' } });
    expect(last.action).toBe('MOVED');
    expect(last.changes).toEqual({ parentId: { from: root.id, to: null } });
  });

  it('moves below another category of the same kind, carrying its subtree', async () => {
    const a = await chain('move-a');
    const b = await chain('move-b');
    await updateCategory(f.db, f.viewer, { id: a.child.id, parentId: b.grandchild.id });
    expect(await parentOf(a.child.id)).toBe(b.grandchild.id);
    expect(await parentOf(a.grandchild.id)).toBe(a.child.id);
  });

  it('keeps the parent when parentId is omitted', async () => {
    const { child, root } = await chain('omit');
    await updateCategory(f.db, f.viewer, { id: child.id, title: 'Only title' });
    expect(await parentOf(child.id)).toBe(root.id);
  });

  it('refuses moving a category below itself with CATEGORY_CYCLE', async () => {
    const { child } = await chain('self');
    await expectRefusedWithoutChange(
      f.db,
      () => updateCategory(f.db, f.viewer, { id: child.id, parentId: child.id }),
      'CATEGORY_CYCLE',
    );
  });

  it('refuses moving a category below its own grandchild with CATEGORY_CYCLE', async () => {
    const { root, grandchild } = await chain('grandchild');
    await expectRefusedWithoutChange(
      f.db,
      () => updateCategory(f.db, f.viewer, { id: root.id, parentId: grandchild.id }),
      'CATEGORY_CYCLE',
    );
    expect(await parentOf(root.id)).toBeNull();
  });

  it('refuses a parent of the other kind with CATEGORY_KIND_MISMATCH', async () => {
    const { child } = await chain('kind');
    const income = await createCategory(f.db, f.viewer, { title: 'Interest', kind: 'INCOME' });
    await expectRefusedWithoutChange(
      f.db,
      () => updateCategory(f.db, f.viewer, { id: child.id, parentId: income.id }),
      'CATEGORY_KIND_MISMATCH',
    );
  });

  it('refuses an unknown category, an unknown parent and an empty title', async () => {
    const { child } = await chain('unknown');
    await expectRefusedWithoutChange(f.db, () => updateCategory(f.db, f.viewer, { id: randomId(), title: 'X' }), 'NOT_FOUND');
    await expectRefusedWithoutChange(
      f.db,
      () => updateCategory(f.db, f.viewer, { id: child.id, parentId: randomId() }),
      'NOT_FOUND',
    );
    await expectRefusedWithoutChange(f.db, () => updateCategory(f.db, f.viewer, { id: child.id, title: '' }), 'INVALID_INPUT');
  });
});

describe('deleteCategory', () => {
  it('refuses a category with children with CATEGORY_HAS_CHILDREN', async () => {
    const { root, child } = await chain('has-children');
    await expectRefusedWithoutChange(f.db, () => deleteCategory(f.db, f.viewer, { id: root.id }), 'CATEGORY_HAS_CHILDREN');
    await expectRefusedWithoutChange(f.db, () => deleteCategory(f.db, f.viewer, { id: child.id }), 'CATEGORY_HAS_CHILDREN');
  });

  it('refuses a category used by a record with CATEGORY_IN_USE', async () => {
    const category = await createCategory(f.db, f.viewer, { title: 'Used', kind: 'EXPENSE' });
    const account = await createAccount(f.db, f.viewer, { name: 'Acc', currency: 'EUR' });
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
    await expectRefusedWithoutChange(f.db, () => deleteCategory(f.db, f.viewer, { id: category.id }), 'CATEGORY_IN_USE');
    expect(await f.db.entry.count({ where: { categoryId: category.id } })).toBe(1);
  });

  it('refuses another organization’s category with NOT_FOUND', async () => {
    const category = await createCategory(f.db, f.viewer, { title: 'Guarded', kind: 'EXPENSE' });
    await expectRefusedWithoutChange(f.db, () => deleteCategory(f.db, f.otherViewer, { id: category.id }), 'NOT_FOUND');
  });

  it('deletes a leaf, keeps its history and logs DELETED', async () => {
    const { child, grandchild } = await chain('delete');
    await deleteCategory(f.db, f.viewer, { id: grandchild.id });
    expect(await f.db.category.findUnique({ where: { id: grandchild.id } })).toBeNull();
    const events = await f.db.changelogEvent.findMany({ where: { entityId: grandchild.id }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.action)).toEqual(['NEW', 'DELETED']);
    // The parent is now a leaf and can go too.
    await deleteCategory(f.db, f.viewer, { id: child.id });
    expect(await f.db.category.findUnique({ where: { id: child.id } })).toBeNull();
  });
});

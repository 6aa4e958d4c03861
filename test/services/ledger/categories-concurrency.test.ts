/**
 * Two concurrent moves that would each be fine alone but together form a cycle (A below B while B
 * goes below A): the per-organization tree lock must let exactly one through. Needs real parallel
 * connections, so it runs on PostgreSQL only (TEST_DATABASE_URL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CategoryTree } from '../../../src/domain/category-tree.js';
import { createCategory, updateCategory } from '../../../src/services/ledger/categories.js';
import { usingPostgres } from '../../support/database.js';
import { openServiceFixture, type ServiceFixture } from '../../support/service-fixture.js';
import { runService } from '../../../src/services/core/service.js';

describe.skipIf(!usingPostgres)('concurrent category moves', () => {
  let f: ServiceFixture;
  beforeAll(async () => {
    f = await openServiceFixture();
  });
  afterAll(() => f.database.close());

  it('never form a cycle: of "A below B" and "B below A" at once, exactly one succeeds', async () => {
    for (let round = 0; round < 10; round++) {
      const a = await runService(f.db, f.viewer, createCategory, { title: `A${round}`, kind: 'EXPENSE' });
      const b = await runService(f.db, f.viewer, createCategory, { title: `B${round}`, kind: 'EXPENSE' });
      const results = await Promise.allSettled([
        runService(f.db, f.viewer, updateCategory, { id: a.id, parentId: b.id }),
        runService(f.db, f.viewer, updateCategory, { id: b.id, parentId: a.id }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason.code).toBe('CATEGORY_CYCLE');

      const tree = new CategoryTree(await f.db.category.findMany({ where: { organizationId: f.viewer.organizationId } }));
      // Exactly one of the two is a root, and walking up from either ends at it.
      const roots = [a.id, b.id].filter((id) => tree.get(id)!.parentId === null);
      expect(roots).toHaveLength(1);
      expect(tree.path(a.id)[0]!.id).toBe(roots[0]);
      expect(tree.path(b.id)[0]!.id).toBe(roots[0]);
    }
  });
});

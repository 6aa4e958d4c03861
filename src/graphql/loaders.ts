/**
 * Request-scoped caches for data that Prisma's relation planning cannot batch, so a query's SQL
 * count stays constant however deep it nests. Created fresh per request: nothing leaks between
 * tenants or requests.
 */
import type { Db } from '../db/open.js';
import type { Category } from '../generated/prisma/client.js';
import { CategoryTree } from '../domain/category-tree.js';
import type { Viewer } from '../services/viewer.js';

export interface RequestLoaders {
  /** The organization's whole category forest, loaded with one query on first use. */
  categoryTree(): Promise<CategoryTree<Category>>;
  /**
   * Drops the cached forest. Category mutations call it after writing: mutations in one request
   * run in order, and a later one's payload must not show the tree as it was before the earlier.
   */
  forgetCategoryTree(): void;
}

export function createLoaders(db: Db, viewer: Viewer): RequestLoaders {
  let tree: Promise<CategoryTree<Category>> | undefined;
  return {
    categoryTree() {
      tree ??= db.category
        .findMany({ where: { organizationId: viewer.organizationId }, orderBy: [{ title: 'asc' }, { id: 'asc' }] })
        .then((rows: Category[]) => new CategoryTree(rows));
      return tree;
    },
    forgetCategoryTree() {
      tree = undefined;
    },
  };
}

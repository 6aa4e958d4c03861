/**
 * Request-scoped loaders for data that Prisma's relation planning cannot batch, so a query's SQL
 * count stays constant however deep it nests. Created fresh per request, and again after every
 * mutation (src/graphql/mutation.ts), so nothing leaks between tenants or requests and no field
 * reads what a write changed from a cache. One file per loader beside this one.
 */
import type DataLoader from 'dataloader';
import type { Db } from '../../db/open.js';
import type { Category } from '../../generated/prisma/client.js';
import { CategoryTree } from '../../domain/category-tree.js';
import type { Viewer } from '../../services/core/viewer.js';
import { createBudgetSpendLoaders, type BudgetSpendLoaders } from './budget-spend.js';
import { createChangelogLoader, type ChangelogEventWithUser } from './changelog.js';

export type { ChangelogEventWithUser } from './changelog.js';
export type { PeriodSpend } from './budget-spend.js';

export interface RequestLoaders extends BudgetSpendLoaders {
  /** The organization's whole category forest, loaded with one query on first use. */
  categoryTree(): Promise<CategoryTree<Category>>;
  /**
   * The changelog of an entity (record, transfer, …) by its id, oldest first. ChangelogEvent has no
   * foreign key (history outlives what it describes), so Prisma cannot plan it as a relation: the
   * ids asked for in one tick are loaded together, one statement for events and one for their users.
   * Not cached across ticks: mutations in one request run in order, and a later mutation's payload
   * must show the events the earlier ones wrote.
   */
  changelog: DataLoader<string, ChangelogEventWithUser[]>;
}

export function createLoaders(db: Db, viewer: Viewer): RequestLoaders {
  let tree: Promise<CategoryTree<Category>> | undefined;
  return {
    ...createBudgetSpendLoaders(db, viewer),
    categoryTree() {
      tree ??= db.category
        .findMany({ where: { organizationId: viewer.organizationId }, orderBy: [{ title: 'asc' }, { id: 'asc' }] })
        .then((rows: Category[]) => new CategoryTree(rows));
      return tree;
    },
    changelog: createChangelogLoader(db, viewer),
  };
}

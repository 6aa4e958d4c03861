/**
 * The income/expense category tree (CRM "budjet_cat"). Rules:
 * - a child has its parent's kind (income and expense trees never mix);
 * - a category cannot be moved below itself or its descendants;
 * - the tree is at most MAX_CATEGORY_DEPTH + 1 levels deep, for a new category and for a moved
 *   subtree (its deepest descendant counts), so every `path` is short and priced by its bound;
 * - a category with children, or still used by records, is not deleted. Deleting a used category
 *   is refused rather than silently uncategorising records: a finance team's reports would shift
 *   without anyone having decided it. Move the records (updateExpense/updateIncome) first.
 */
import { CategoryTree, MAX_CATEGORY_DEPTH } from '../../domain/category-tree.js';
import {
  CategoryCycleError,
  CategoryHasChildrenError,
  CategoryInUseError,
  CategoryKindMismatchError,
  CategoryTooDeepError,
  InvalidInputError,
  NotFoundError,
} from '../../domain/errors.js';
import { requireTitle } from '../../domain/text.js';
import type { Category, EntryKind } from '../../generated/prisma/client.js';
import { diffFields, recordChange } from '../core/changelog.js';
import { violatedForeignKey } from '../core/database-errors.js';
// Tree edits are serialised per organization, so two concurrent moves cannot together form a cycle.
import { lockCategoryTree } from '../core/row-locks.js';
import { service } from '../core/service.js';
import type { Tx } from '../core/unit-of-work.js';
import type { Viewer } from '../core/viewer.js';

export async function findCategory(tx: Tx, viewer: Viewer, id: string, field: string): Promise<Category> {
  const category = await tx.category.findFirst({ where: { id, organizationId: viewer.organizationId } });
  if (!category) throw new NotFoundError('Category', field);
  return category;
}

async function treeOfKind(tx: Tx, viewer: Viewer, kind: EntryKind): Promise<CategoryTree<Category>> {
  return new CategoryTree(await tx.category.findMany({ where: { organizationId: viewer.organizationId, kind } }));
}

/** Refuses placing a subtree `height` levels tall directly below `parent`. */
function requireDepthWithinLimit(tree: CategoryTree<Category>, parent: Category, height: number): void {
  const deepest = tree.depth(parent.id) + 1 + height;
  if (deepest > MAX_CATEGORY_DEPTH) {
    throw new CategoryTooDeepError(
      `Below "${parent.title}" the tree would reach depth ${deepest}; categories go at most ${MAX_CATEGORY_DEPTH} levels below a root`,
      'parentId',
    );
  }
}

export interface CreateCategoryInput {
  title: string;
  kind: EntryKind;
  parentId?: string | null;
}

/**
 * Adds a category under a parent of the same kind.
 * InvalidInputError: empty or over-long title. NotFoundError: no such parent in this organization.
 * CategoryKindMismatchError: the parent is of the other kind. CategoryTooDeepError: the parent is
 * already at the deepest level.
 */
export const createCategory = service(
  [InvalidInputError, NotFoundError, CategoryKindMismatchError, CategoryTooDeepError],
  async ({ tx, viewer }, input: CreateCategoryInput): Promise<Category> => {
    const title = requireTitle(input.title);
    await lockCategoryTree(tx, viewer);
    if (input.parentId) {
      const parent = await findCategory(tx, viewer, input.parentId, 'parentId');
      if (parent.kind !== input.kind) {
        throw new CategoryKindMismatchError(`Parent "${parent.title}" is an ${parent.kind} category; this one is ${input.kind}`, 'parentId');
      }
      requireDepthWithinLimit(await treeOfKind(tx, viewer, parent.kind), parent, 0);
    }
    const category = await tx.category.create({
      data: { organizationId: viewer.organizationId, kind: input.kind, title, parentId: input.parentId ?? null },
    });
    await recordChange(tx, viewer, { entityType: 'Category', entityId: category.id, action: 'NEW', comment: title });
    return category;
  },
);

export interface UpdateCategoryInput {
  id: string;
  /** Omitted or null: keep. */
  title?: string | null;
  /** Omitted: keep. null: make it a root. An id: move below that category. */
  parentId?: string | null;
}

/**
 * Renames and/or moves a category.
 * NotFoundError: the category or the new parent does not exist. CategoryCycleError: the new parent
 * is the category itself or one of its descendants. CategoryKindMismatchError: the new parent is of
 * the other kind. CategoryTooDeepError: the category's subtree would end below the deepest level.
 * InvalidInputError: empty or over-long title.
 */
export const updateCategory = service(
  [InvalidInputError, NotFoundError, CategoryCycleError, CategoryKindMismatchError, CategoryTooDeepError],
  async ({ tx, viewer }, input: UpdateCategoryInput): Promise<Category> => {
    const title = input.title === undefined || input.title === null ? undefined : requireTitle(input.title);
    await lockCategoryTree(tx, viewer);
    const before = await findCategory(tx, viewer, input.id, 'id');
    if (input.parentId) {
      const parent = await findCategory(tx, viewer, input.parentId, 'parentId');
      if (parent.kind !== before.kind) {
        throw new CategoryKindMismatchError(`Parent "${parent.title}" is an ${parent.kind} category; this one is ${before.kind}`, 'parentId');
      }
      const tree = await treeOfKind(tx, viewer, before.kind);
      if (tree.isSelfOrDescendant(parent.id, before.id)) {
        throw new CategoryCycleError(`"${before.title}" cannot be moved below itself or one of its own subcategories`, 'parentId');
      }
      requireDepthWithinLimit(tree, parent, tree.height(before.id));
    }
    const changes = diffFields({ title: before.title, parentId: before.parentId }, { title, parentId: input.parentId });
    if (Object.keys(changes).length === 0) return before;
    const category = await tx.category.update({ where: { id: before.id }, data: { title, parentId: input.parentId } });
    await recordChange(tx, viewer, {
      entityType: 'Category',
      entityId: category.id,
      action: changes.parentId ? 'MOVED' : 'UPDATED',
      changes,
    });
    return category;
  },
);

/**
 * The category, locked FOR UPDATE: a record being written with this category holds it FOR KEY
 * SHARE (its foreign key) until it commits, so this waits for it and the count after sees it.
 * A record written after this deletion commits finds the category gone (NOT_FOUND).
 */
async function lockCategory(tx: Tx, viewer: Viewer, id: string): Promise<Category> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Category" WHERE id = ${id}::uuid AND "organizationId" = ${viewer.organizationId}::uuid FOR UPDATE`;
  if (rows.length === 0) throw new NotFoundError('Category', 'id');
  return tx.category.findUniqueOrThrow({ where: { id } });
}

/**
 * Deletes a leaf category nobody uses.
 * CategoryHasChildrenError: it has subcategories (CRM error 408). CategoryInUseError: records use it.
 */
export const deleteCategory = service(
  [NotFoundError, CategoryHasChildrenError, CategoryInUseError],
  async ({ tx, viewer }, input: { id: string }): Promise<Category> => {
    await lockCategoryTree(tx, viewer);
    const category = await lockCategory(tx, viewer, input.id);
    const children = await tx.category.count({ where: { parentId: category.id } });
    if (children > 0) {
      throw new CategoryHasChildrenError(`"${category.title}" has ${children} subcategories; delete or move them first`, 'id');
    }
    const records = await tx.entry.count({ where: { categoryId: category.id } });
    if (records > 0) {
      throw new CategoryInUseError(`${records} records use "${category.title}"; move them to another category first`, 'id');
    }
    await tx.category.delete({ where: { id: category.id } }).catch((error: unknown) => {
      // Cannot happen after the lock above, which waits for every writer pointing a record at it;
      // kept so that a path forgetting its lock answers the rule, not a 500.
      if (violatedForeignKey(error)) throw new CategoryInUseError(`Records use "${category.title}"; move them to another category first`, 'id');
      throw error;
    });
    await recordChange(tx, viewer, { entityType: 'Category', entityId: category.id, action: 'DELETED', comment: category.title });
    return category;
  },
);

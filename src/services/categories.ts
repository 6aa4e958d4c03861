/**
 * The income/expense category tree (CRM "budjet_cat"). Rules:
 * - a child has its parent's kind (income and expense trees never mix);
 * - a category cannot be moved below itself or its descendants;
 * - a category with children, or still used by records, is not deleted. Deleting a used category
 *   is refused rather than silently uncategorising records: a finance team's reports would shift
 *   without anyone having decided it. Move the records (updateExpense/updateIncome) first.
 */
import { CategoryTree } from '../domain/category-tree.js';
import {
  CategoryCycleError,
  CategoryHasChildrenError,
  CategoryInUseError,
  CategoryKindMismatchError,
  NotFoundError,
} from '../domain/errors.js';
import { requireTitle } from '../domain/text.js';
import type { Db } from '../db/open.js';
import type { Category, EntryKind } from '../generated/prisma/client.js';
import { diffFields, recordChange } from './changelog.js';
import { inTransaction, type Tx } from './transaction.js';
import type { Viewer } from './viewer.js';

/** Serialises tree edits per organization, so two concurrent moves cannot together form a cycle. */
async function lockCategoryTree(tx: Tx, viewer: Viewer): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${'categories:' + viewer.organizationId}))`;
}

export async function findCategory(tx: Tx, viewer: Viewer, id: string, field: string): Promise<Category> {
  const category = await tx.category.findFirst({ where: { id, organizationId: viewer.organizationId } });
  if (!category) throw new NotFoundError('Category', field);
  return category;
}

export interface CreateCategoryInput {
  title: string;
  kind: EntryKind;
  parentId?: string | null;
}

/**
 * @throws InvalidInputError empty or over-long title
 * @throws NotFoundError the parent does not exist in this organization
 * @throws CategoryKindMismatchError the parent is of the other kind
 */
export async function createCategory(db: Db, viewer: Viewer, input: CreateCategoryInput): Promise<Category> {
  const title = requireTitle(input.title);
  return inTransaction(db, async (tx) => {
    await lockCategoryTree(tx, viewer);
    if (input.parentId) {
      const parent = await findCategory(tx, viewer, input.parentId, 'parentId');
      if (parent.kind !== input.kind) {
        throw new CategoryKindMismatchError(`Parent "${parent.title}" is an ${parent.kind} category; this one is ${input.kind}`, 'parentId');
      }
    }
    const category = await tx.category.create({
      data: { organizationId: viewer.organizationId, kind: input.kind, title, parentId: input.parentId ?? null },
    });
    await recordChange(tx, viewer, { entityType: 'Category', entityId: category.id, action: 'NEW', comment: title });
    return category;
  });
}

export interface UpdateCategoryInput {
  id: string;
  /** Omitted or null: keep. */
  title?: string | null;
  /** Omitted: keep. null: make it a root. An id: move below that category. */
  parentId?: string | null;
}

/**
 * Renames and/or moves a category.
 * @throws NotFoundError the category or the new parent does not exist
 * @throws CategoryCycleError the new parent is the category itself or one of its descendants
 * @throws CategoryKindMismatchError the new parent is of the other kind
 */
export async function updateCategory(db: Db, viewer: Viewer, input: UpdateCategoryInput): Promise<Category> {
  const title = input.title === undefined || input.title === null ? undefined : requireTitle(input.title);
  return inTransaction(db, async (tx) => {
    await lockCategoryTree(tx, viewer);
    const before = await findCategory(tx, viewer, input.id, 'id');
    if (input.parentId) {
      const parent = await findCategory(tx, viewer, input.parentId, 'parentId');
      if (parent.kind !== before.kind) {
        throw new CategoryKindMismatchError(`Parent "${parent.title}" is an ${parent.kind} category; this one is ${before.kind}`, 'parentId');
      }
      const tree = new CategoryTree(
        await tx.category.findMany({ where: { organizationId: viewer.organizationId, kind: before.kind } }),
      );
      if (tree.isSelfOrDescendant(parent.id, before.id)) {
        throw new CategoryCycleError(`"${before.title}" cannot be moved below itself or one of its own subcategories`, 'parentId');
      }
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
  });
}

/**
 * @throws NotFoundError
 * @throws CategoryHasChildrenError the category has subcategories (CRM error 408)
 * @throws CategoryInUseError records still use the category
 */
export async function deleteCategory(db: Db, viewer: Viewer, input: { id: string }): Promise<Category> {
  return inTransaction(db, async (tx) => {
    await lockCategoryTree(tx, viewer);
    const category = await findCategory(tx, viewer, input.id, 'id');
    const children = await tx.category.count({ where: { parentId: category.id } });
    if (children > 0) {
      throw new CategoryHasChildrenError(`"${category.title}" has ${children} subcategories; delete or move them first`, 'id');
    }
    const records = await tx.entry.count({ where: { categoryId: category.id } });
    if (records > 0) {
      throw new CategoryInUseError(`${records} records use "${category.title}"; move them to another category first`, 'id');
    }
    await tx.category.delete({ where: { id: category.id } });
    await recordChange(tx, viewer, { entityType: 'Category', entityId: category.id, action: 'DELETED', comment: category.title });
    return category;
  });
}

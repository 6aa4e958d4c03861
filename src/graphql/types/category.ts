import { InvalidInputError } from '../../domain/errors.js';
import type { Category } from '../../generated/prisma/client.js';
import { createCategory, deleteCategory, updateCategory } from '../../services/ledger/categories.js';
import { builder } from '../builder.js';
import { defineMutation } from '../mutation.js';
import { deletedPayload, recordPayload } from '../payloads.js';
import { EntryKindEnum } from './enums.js';

/**
 * The recursive tree. `children`, `parent`, `path` and `depth` come from the request's category
 * index (one query for the organization's whole forest), so a tree of any depth and size costs a
 * constant number of SQL statements.
 */
export const CategoryType = builder.prismaNode('Category', {
  id: { field: 'id' },
  description: 'A node of the income or expense category tree (CRM "budjet_cat").',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    title: t.exposeString('title', { description: 'The category\'s name, e.g. "Аренда офиса" (office rent).' }),
    kind: t.expose('kind', { type: EntryKindEnum, description: 'EXPENSE or INCOME: the whole tree below a root has its kind, and only records of that kind use it.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the category was created.' }),
  }),
});

// Added after the type exists because they refer to it (TypeScript cannot infer a self-reference).
builder.prismaObjectFields('Category', (t) => ({
    parent: t.field({
      type: CategoryType,
      nullable: true,
      description: 'The category directly above this one; null for a root category.',
      resolve: async (category, _args, ctx): Promise<Category | null> => {
        const tree = await ctx.loaders.categoryTree();
        const parentId = tree.get(category.id)?.parentId;
        return parentId ? (tree.get(parentId) ?? null) : null;
      },
    }),
    children: t.field({
      type: [CategoryType],
      description: 'Direct subcategories, by title.',
      resolve: async (category, _args, ctx): Promise<Category[]> => (await ctx.loaders.categoryTree()).children(category.id),
    }),
    path: t.field({
      type: [CategoryType],
      description: 'From the root down to this category, inclusive.',
      resolve: async (category, _args, ctx): Promise<Category[]> => (await ctx.loaders.categoryTree()).path(category.id),
    }),
    depth: t.int({
      description: '0 for a root category.',
      resolve: async (category, _args, ctx): Promise<number> => (await ctx.loaders.categoryTree()).depth(category.id),
    }),
}));

builder.queryField('categories', (t) =>
  t.field({
    type: [CategoryType],
    description: 'The root categories (optionally of one kind); follow `children` to any depth.',
    args: { kind: t.arg({ type: EntryKindEnum, description: 'Only categories of this kind; all when omitted.' }) },
    resolve: async (_root, args, ctx) => (await ctx.loaders.categoryTree()).roots(args.kind ?? undefined),
  }),
);

const categoryPayload = recordPayload('category', 'Category', 'categoryId');

defineMutation({
  name: 'createCategory',
  description: 'Adds a category, as a root or under a parent of the same kind.',
  input: (t) => ({
    title: t.string({ required: true, description: 'The name; trimmed, 1–500 characters.' }),
    kind: t.field({ type: EntryKindEnum, required: true, description: 'EXPENSE or INCOME; must be the parent\'s kind (CATEGORY_KIND_MISMATCH otherwise).' }),
    parentId: t.id({ description: 'Omit for a root category.' }),
  }),
  ids: { parentId: 'Category' },
  idempotent: true,
  service: createCategory,
  payload: (category) => ({ categoryId: category.id }),
  success: categoryPayload,
});

defineMutation({
  name: 'updateCategory',
  description: 'Renames a category and/or moves it under another parent of the same kind; it cannot move below itself (CATEGORY_CYCLE).',
  inputDescription: 'Rename and/or move. Omitted fields are kept; parentId: null makes it a root.',
  input: (t) => ({
    id: t.id({ required: true, description: 'The global id of the category to change.' }),
    title: t.string({ description: 'The new name; trimmed, 1–500 characters. Omitted or null: kept.' }),
    parentId: t.id({ description: 'The new parent, of the same kind and not this category or one below it. Omitted: kept; null: make it a root.' }),
  }),
  ids: { id: 'Category', parentId: 'Category' },
  service: updateCategory,
  payload: (category) => ({ categoryId: category.id }),
  success: categoryPayload,
});

defineMutation({
  name: 'deleteCategory',
  description: 'Deletes a category that has no subcategories (CATEGORY_HAS_CHILDREN, CRM error 408) and no records filed under it (CATEGORY_IN_USE).',
  input: (t) => ({ id: t.id({ required: true, description: 'The global id of the category to delete.' }) }),
  ids: { id: 'Category' },
  service: deleteCategory,
  alsoDeclares: [InvalidInputError],
  payload: (_category, input) => ({ deletedId: input.id }),
  success: deletedPayload('The global id of the deleted category.'),
});

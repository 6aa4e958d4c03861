import { CategoryCycleError, CategoryHasChildrenError, CategoryInUseError, CategoryKindMismatchError } from '../../domain/errors.js';
import { createCategory, deleteCategory, updateCategory } from '../../services/categories.js';
import { withIdempotency } from '../../services/idempotency.js';
import type { Category } from '../../generated/prisma/client.js';
import { builder } from '../builder.js';
import { decodeIdOf, decodeOptionalIdOf } from '../global-id.js';
import { IDEMPOTENCY_ERRORS, idempotencyKeyField } from '../idempotency.js';
import { EntryKindEnum } from './enums.js';
import { COMMON_ERRORS } from './errors.js';

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
    title: t.exposeString('title'),
    kind: t.expose('kind', { type: EntryKindEnum }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

// Added after the type exists because they refer to it (TypeScript cannot infer a self-reference).
builder.prismaObjectFields('Category', (t) => ({
    parent: t.field({
      type: CategoryType,
      nullable: true,
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
    args: { kind: t.arg({ type: EntryKindEnum }) },
    resolve: async (_root, args, ctx) => (await ctx.loaders.categoryTree()).roots(args.kind ?? undefined),
  }),
);

function categoryPayload(name: string) {
  return builder.objectRef<{ categoryId: string }>(name).implement({
    fields: (t) => ({
      category: t.prismaField({
        type: 'Category',
        resolve: (query, payload, _args, ctx) => ctx.db.category.findUniqueOrThrow({ ...query, where: { id: payload.categoryId } }),
      }),
    }),
  });
}

const CreateCategoryInput = builder.inputType('CreateCategoryInput', {
  fields: (t) => ({
    title: t.string({ required: true }),
    kind: t.field({ type: EntryKindEnum, required: true }),
    parentId: t.id({ description: 'Omit for a root category.' }),
    idempotencyKey: idempotencyKeyField(t),
  }),
});

builder.mutationField('createCategory', (t) =>
  t.field({
    type: categoryPayload('CreateCategorySuccess'),
    args: { input: t.arg({ type: CreateCategoryInput, required: true }) },
    errors: { types: [...COMMON_ERRORS, CategoryKindMismatchError, ...IDEMPOTENCY_ERRORS] },
    resolve: (_root, { input }, ctx) =>
      withIdempotency(ctx, 'createCategory', input, async (db) => {
        const category = await createCategory(db, ctx.viewer, {
          title: input.title,
          kind: input.kind,
          parentId: decodeOptionalIdOf('Category', input.parentId, 'parentId'),
        });
        ctx.loaders.forgetCategoryTree();
        return { categoryId: category.id };
      }),
  }),
);

const UpdateCategoryInput = builder.inputType('UpdateCategoryInput', {
  description: 'Rename and/or move. Omitted fields are kept; parentId: null makes it a root.',
  fields: (t) => ({
    id: t.id({ required: true }),
    title: t.string(),
    parentId: t.id(),
  }),
});

builder.mutationField('updateCategory', (t) =>
  t.field({
    type: categoryPayload('UpdateCategorySuccess'),
    args: { input: t.arg({ type: UpdateCategoryInput, required: true }) },
    errors: { types: [...COMMON_ERRORS, CategoryCycleError, CategoryKindMismatchError] },
    resolve: async (_root, { input }, ctx) => {
      const category = await updateCategory(ctx.db, ctx.viewer, {
        id: decodeIdOf('Category', input.id, 'id'),
        title: input.title,
        parentId: decodeOptionalIdOf('Category', input.parentId, 'parentId'),
      });
      ctx.loaders.forgetCategoryTree();
      return { categoryId: category.id };
    },
  }),
);

const DeleteCategoryInput = builder.inputType('DeleteCategoryInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

const DeleteCategorySuccess = builder.objectRef<{ deletedId: string }>('DeleteCategorySuccess').implement({
  fields: (t) => ({ deletedId: t.exposeID('deletedId', { description: 'The global id of the deleted category.' }) }),
});

builder.mutationField('deleteCategory', (t) =>
  t.field({
    type: DeleteCategorySuccess,
    args: { input: t.arg({ type: DeleteCategoryInput, required: true }) },
    errors: { types: [...COMMON_ERRORS, CategoryHasChildrenError, CategoryInUseError] },
    resolve: async (_root, { input }, ctx) => {
      await deleteCategory(ctx.db, ctx.viewer, { id: decodeIdOf('Category', input.id, 'id') });
      ctx.loaders.forgetCategoryTree();
      return { deletedId: input.id };
    },
  }),
);

/**
 * Before a query is priced: when it selects the category tree's lists, the organization's tree
 * is loaded (through the request's loader, so the resolvers reuse it and no statement is added)
 * and its shape put on the context, where src/graphql/field-cost.ts prices `categories`,
 * `children` and `path` by the lengths they really have.
 */
import { Kind, visit, type DocumentNode } from 'graphql';
import type { Context } from '../graphql/context.js';
import { CATEGORY_LIST_FIELDS, type CategoryCostHints } from '../graphql/field-cost.js';

/** By name only: no other type has fields of these names, and a false positive costs one cached query. */
export function selectsCategoryLists(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.FIELD](node) {
      if (CATEGORY_LIST_FIELDS.has(node.name.value)) {
        found = true;
        return false;
      }
      return undefined;
    },
  });
  return found;
}

export async function loadCategoryCostHints(document: DocumentNode, context: unknown): Promise<void> {
  const ctx = context as Partial<Context> & CategoryCostHints & { apiKeyId?: string | null };
  // Anonymous requests may only introspect (they have no loaders); static bounds apply to them.
  if (ctx.apiKeyId === null || ctx.apiKeyId === undefined || !ctx.loaders) return;
  if (!selectsCategoryLists(document)) return;
  ctx.categoryTreeShape = (await ctx.loaders.categoryTree()).shape();
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the cost rule reads any field of any type */
/**
 * What one field costs, for the query cost limit and the per-key rate limit (src/http/query-cost.ts,
 * src/http/rate-limit.ts). As in Shopify's and GitHub's models, an object costs 1 and a scalar or
 * enum costs nothing (it is read from a row already loaded); a list multiplies the cost of its
 * selection by how long it can be:
 * - a paged list (connection, a page of `nodes` such as the change feed's, or any list with
 *   `first`/`last`) by the page it asks for (its `first` default when it names none), so `accounts(first: 100)` is 100× dearer than one account;
 *   a connection's own `edges` / `nodes` by 1, and `edges` itself is free: the page was already
 *   counted on the connection and each node counts as the object it is;
 * - `nodes(ids:)` by the number of ids, each id an object of its own (so `nodes(ids: [1500 ids])
 *   { id }` costs 1500, not 1: before, an object list selecting only scalars cost nothing per item);
 * - the category tree's lists by their real bound, read from the organization's tree before the
 *   query is priced (`CategoryCostHints`, loaded by src/http/query-cost.ts when the document selects
 *   them): `categories` by its number of roots, `children` by the largest family, `path` by the
 *   longest path (at most MAX_CATEGORY_DEPTH + 1). Each item counts as an object. Without hints
 *   (a caller outside a request) the static bounds apply: MAX_PAGE_SIZE children, the depth cap.
 * - any other unpaged list (a record's changelog or attachments, a budget's allocations) by 1:
 *   their length depends on data no query can know before it runs; the response budget
 *   (./response-budget.ts) bounds what they can add to a response.
 *
 * Why Pothos' complexity plugin rather than armor's cost limit: armor's cost is a fixed price per
 * object and scalar with a depth factor; it cannot read `first`, so it would price a page of 100
 * like a page of 1. Pothos computes the cost from the field's arguments, in the schema itself.
 */
import type { GraphQLField } from 'graphql';
import { MAX_CATEGORY_DEPTH, type CategoryTreeShape } from '../domain/category-tree.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './paging.js';

export const UNPAGED_LIST_MULTIPLIER = 1;

/** The lists of the category tree, priced by the tree's shape. */
export const CATEGORY_LIST_FIELDS = new Set(['categories', 'children', 'path']);

/** What the request's context tells the pricing about data (src/http/query-cost.ts sets it). */
export interface CategoryCostHints {
  categoryTreeShape?: CategoryTreeShape;
}

/** The bounds used when the tree's shape is not known. */
const STATIC_TREE_SHAPE: CategoryTreeShape = { roots: MAX_PAGE_SIZE, widestFamily: MAX_PAGE_SIZE, longestPath: MAX_CATEGORY_DEPTH + 1 };

function isList(field: GraphQLField<any, any, any>): boolean {
  // By the printed type, not isListType: graphql's ESM and CJS builds may both be loaded.
  return String(field.type).replace(/!$/, '').startsWith('[');
}

/** Scalars and enums: no selection below them. By shape, for the same reason as isList. */
function isLeaf(field: GraphQLField<any, any, any>): boolean {
  let type: any = field.type;
  while (type.ofType) type = type.ofType;
  return !('getFields' in type) && !('getTypes' in type);
}

function isConnectionType(field: GraphQLField<any, any, any>): boolean {
  return /Connection!?$/.test(String(field.type));
}

/** A page that is not a Relay connection but holds `nodes` and `hasMore` (the change feed). */
function isPageOfNodes(field: GraphQLField<any, any, any>): boolean {
  let type: any = field.type;
  while (type.ofType) type = type.ofType;
  const fields = 'getFields' in type && !('getTypes' in type) ? type.getFields() : {};
  return 'nodes' in fields && 'hasMore' in fields;
}

function isCategoryList(field: GraphQLField<any, any, any>): boolean {
  return CATEGORY_LIST_FIELDS.has(field.name) && /^\[Category!?\]!?$/.test(String(field.type));
}

/** A list of `length` objects: each item costs 1 plus its selection. */
function objectList(length: number) {
  const bound = Math.max(0, length);
  return { field: Math.max(1, bound), multiplier: bound };
}

function categoryListLength(name: string, shape: CategoryTreeShape): number {
  if (name === 'path') return shape.longestPath;
  if (name === 'children') return shape.widestFamily;
  return shape.roots;
}

export function fieldCost(args: Record<string, unknown>, ctx: object, field: GraphQLField<any, any, any>) {
  const paged = field.args.some((arg) => arg.name === 'first' || arg.name === 'last');
  if (paged && (isConnectionType(field) || isList(field) || isPageOfNodes(field))) {
    // An omitted or null `first` is the field's own default (the change feed's 100), else the connections' page.
    const declaredDefault = field.args.find((arg) => arg.name === 'first')?.defaultValue;
    const page = Number(args.first ?? args.last ?? declaredDefault ?? DEFAULT_PAGE_SIZE);
    return { field: 1, multiplier: Number.isFinite(page) ? Math.max(1, page) : DEFAULT_PAGE_SIZE };
  }
  if (isLeaf(field)) return 0;
  if (!isList(field)) return 1;
  if (field.name === 'edges') return { field: 0, multiplier: 1 };
  if (field.name === 'nodes') {
    const ids = args.ids;
    return Array.isArray(ids) ? objectList(ids.length) : { field: 1, multiplier: 1 };
  }
  if (isCategoryList(field)) {
    const shape = (ctx as CategoryCostHints).categoryTreeShape ?? STATIC_TREE_SHAPE;
    return objectList(categoryListLength(field.name, shape));
  }
  return { field: 1, multiplier: UNPAGED_LIST_MULTIPLIER };
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the cost rule reads any field of any type */
/**
 * What one field costs, for the query cost limit and the per-key rate limit (src/http/limits.ts,
 * src/http/rate-limit.ts). As in Shopify's and GitHub's models, an object costs 1 and a scalar or
 * enum costs nothing (it is read from a row already loaded); a list multiplies the cost of its
 * selection:
 * - a paged list (connection, or any field with `first`/`last`) by the page it asks for, the
 *   default page when it names none, so `accounts(first: 100)` is 100× dearer than one account;
 * - `nodes(ids:)` by the number of ids;
 * - a connection's own `edges` / `nodes` by 1, and `edges` itself is free: the page was already
 *   counted on the connection and each node counts as the object it is;
 * - any other list by 1. The only unpaged lists are the category tree's `children` and `path`,
 *   answered from one per-request index: whatever the depth, they return at most the
 *   organization's categories, so multiplying per level would refuse ordinary tree queries
 *   (5 levels × 5 children = 3125) without protecting anything. A new unpaged list that can be
 *   long declares its own cost with Pothos' `complexity` field option.
 *
 * Why Pothos' complexity plugin rather than armor's cost limit: armor's cost is a fixed price per
 * object and scalar with a depth factor; it cannot read `first`, so it would price a page of 100
 * like a page of 1. Pothos computes the cost from the field's arguments, in the schema itself.
 */
import type { GraphQLField } from 'graphql';
import { DEFAULT_PAGE_SIZE } from './paging.js';

export const UNPAGED_LIST_MULTIPLIER = 1;

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

export function fieldCost(args: Record<string, unknown>, _ctx: object, field: GraphQLField<any, any, any>) {
  const paged = field.args.some((arg) => arg.name === 'first' || arg.name === 'last');
  if (paged && (isConnectionType(field) || isList(field))) {
    const page = Number(args.first ?? args.last ?? DEFAULT_PAGE_SIZE);
    return { field: 1, multiplier: Number.isFinite(page) ? Math.max(1, page) : DEFAULT_PAGE_SIZE };
  }
  if (isLeaf(field)) return 0;
  if (!isList(field)) return 1;
  if (field.name === 'edges') return { field: 0, multiplier: 1 };
  if (field.name === 'nodes') {
    const ids = args.ids;
    return { field: 1, multiplier: Array.isArray(ids) ? Math.max(1, ids.length) : 1 };
  }
  return { field: 1, multiplier: UNPAGED_LIST_MULTIPLIER };
}

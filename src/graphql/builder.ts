/**
 * The one Pothos builder. Plugins (order matters: errors wrap everything below them):
 * - errors: mutations return `XSuccess | <typed errors>` unions;
 * - prisma: object types backed by Prisma models, selections planned into few SQL statements;
 * - relay: Node, global ids, cursor connections;
 * - complexity: gives every field its cost (./field-cost.ts); the limit and the rate limit that
 *   use it are applied per request in src/http/limits.ts, so its own resolver check is off;
 * - responseBudget: counts every list's items against the request's bound on the response size
 *   (./response-budget.ts), so a response that grows past it is refused, never built.
 */
import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import { getDatamodel } from '../generated/pothos-types.js';
import type PrismaTypes from '../generated/pothos-types.js';
import type { UploadedFile } from '../services/attachments/attachments.js';
import type { Context } from './context.js';
import { fieldCost } from './field-cost.js';
import ResponseBudgetPlugin from './response-budget.js';
import { decodeGlobalId, encodeGlobalId } from './global-id.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './paging.js';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, maxPageSize, PAGING } from './paging.js';

const capitalize = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: false;
  Scalars: {
    ID: { Input: string; Output: string };
    Decimal: { Input: string; Output: string };
    Date: { Input: Date; Output: Date };
    DateTime: { Input: Date; Output: Date };
    /** A file part of a GraphQL multipart request (graphql-yoga parses it into a File). */
    File: { Input: UploadedFile; Output: never };
  };
}>({
  plugins: [ErrorsPlugin, PrismaPlugin, RelayPlugin, ComplexityPlugin, ResponseBudgetPlugin],
  complexity: { fieldComplexity: fieldCost, disabled: true },
  defaultFieldNullability: false,
  errors: {
    directResult: true,
    defaultUnionOptions: { name: ({ fieldName }) => `${capitalize(fieldName)}Result` },
  },
  prisma: {
    client: (ctx) => ctx.db,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    maxConnectionSize: MAX_PAGE_SIZE,
    onUnusedQuery: null,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    encodeGlobalID: encodeGlobalId,
    decodeGlobalID: decodeGlobalId,
    nodesOnConnection: { description: 'The items of this page, in order (the edges\' nodes without their cursors).' },
    nodeTypeOptions: { description: 'An object with a global id, fetchable with the `node` and `nodes` queries.' },
    idFieldOptions: { description: 'The global id of the object (opaque; pass it back as it is).' },
    nodeQueryOptions: {
      description: 'The object with this global id, or null when there is none visible to the caller.',
      args: { id: { description: 'A global id this API returned.' } },
    },
    nodesQueryOptions: {
      description: 'The objects with these global ids, in the order asked; null for each id with no visible object.',
      args: { ids: { description: 'Global ids this API returned.' } },
    },
    pageInfoTypeOptions: { description: 'Where a page sits in its list, and the cursors to page on from it.' },
    hasNextPageFieldOptions: { description: 'Whether more items follow this page (page on with `after: endCursor`).' },
    hasPreviousPageFieldOptions: { description: 'Whether items precede this page (page back with `before: startCursor`).' },
    startCursorFieldOptions: { description: 'The cursor of the first item of this page; null when the page is empty.' },
    endCursorFieldOptions: { description: 'The cursor of the last item of this page; null when the page is empty.' },
    defaultConnectionTypeOptions: { description: 'One page of a list, paged by cursor.' },
    defaultEdgeTypeOptions: { description: 'One item of a page, with its cursor.' },
    edgesFieldOptions: { description: 'The items of this page with their cursors, in order.' },
    pageInfoFieldOptions: { description: 'Where this page sits in the list, and its cursors.' },
    cursorFieldOptions: { description: 'The cursor of this item: pass it as `after` (or `before`) to page from it.' },
    nodeFieldOptions: { description: 'The item.' },
    firstArgOptions: {
      description: `Page forward: how many items from the start (or after \`after\`). Default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}; more is refused.`,
    },
    lastArgOptions: {
      description: `Page backward: how many items from the end (or before \`before\`). At most ${MAX_PAGE_SIZE}; more is refused.`,
    },
    afterArgOptions: { description: 'Start after this cursor (an edge\'s cursor or pageInfo.endCursor this API returned).' },
    beforeArgOptions: { description: 'End before this cursor (an edge\'s cursor or pageInfo.startCursor this API returned).' },
  },
});

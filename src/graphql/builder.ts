/**
 * The one Pothos builder. Plugins (order matters: errors wrap everything below them):
 * - errors: mutations return `XSuccess | <typed errors>` unions;
 * - prisma: object types backed by Prisma models, selections planned into few SQL statements;
 * - relay: Node, global ids, cursor connections;
 * - complexity: gives every field its cost (./field-cost.ts); the limit and the rate limit that
 *   use it are applied per request in src/http/limits.ts, so its own resolver check is off.
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
  plugins: [ErrorsPlugin, PrismaPlugin, RelayPlugin, ComplexityPlugin],
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
    nodesOnConnection: true,
  },
});

import { isObjectType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import { setNodeTypes } from './global-id.js';
import './scalars.js';
import './types/index.js';

export const schema: GraphQLSchema = builder.toSchema();

setNodeTypes(
  Object.values(schema.getTypeMap())
    .filter((type) => isObjectType(type) && type.getInterfaces().some((iface) => iface.name === 'Node'))
    .map((type) => type.name),
);

/** The committed `schema.graphql`: printed and sorted, so diffs show only real changes. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

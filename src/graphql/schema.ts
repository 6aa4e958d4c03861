import { isObjectType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import { setNodeTypes } from './global-id.js';
import './scalars.js';
import './types/index.js';

export const schema: GraphQLSchema = builder.toSchema();

// An object type's implementation of an interface field says what the interface says (e.g. every
// error type's `code`, `message`, `field`; every node's `id`), unless it says more itself.
for (const type of Object.values(schema.getTypeMap())) {
  if (!isObjectType(type)) continue;
  for (const field of Object.values(type.getFields())) {
    if (field.description) continue;
    field.description = type.getInterfaces().map((iface) => iface.getFields()[field.name]?.description).find(Boolean);
  }
}

// plugin-prisma's connection `totalCount` field takes no description option; every one means the same.
for (const type of Object.values(schema.getTypeMap())) {
  if (!isObjectType(type) || !type.name.endsWith('Connection')) continue;
  const totalCount = type.getFields().totalCount;
  if (totalCount && !totalCount.description) {
    totalCount.description = 'How many items the whole list holds (with the same filter), not just this page.';
  }
}

setNodeTypes(
  Object.values(schema.getTypeMap())
    .filter((type) => isObjectType(type) && type.getInterfaces().some((iface) => iface.name === 'Node'))
    .map((type) => type.name),
);

/** The committed `schema.graphql`: printed and sorted, so diffs show only real changes. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './types/index.js';

export const schema: GraphQLSchema = builder.toSchema();

/** The committed `schema.graphql`: printed and sorted, so diffs show only real changes. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

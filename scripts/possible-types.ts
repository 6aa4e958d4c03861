/**
 * Apollo Client's `possibleTypes`: every interface and union with the object types that belong to
 * it. Without it Apollo's cache cannot match `... on Error { code message field }` against a
 * concrete error type and silently drops those fields. Written to clients/possibleTypes.json by
 * `npm run schema:print`; test/clients/possible-types.test.ts fails when it is out of date.
 */
import { isInterfaceType, isUnionType, type GraphQLSchema } from 'graphql';

export const POSSIBLE_TYPES_FILE = 'clients/possibleTypes.json';

export function possibleTypes(schema: GraphQLSchema): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  const abstract = Object.values(schema.getTypeMap())
    .filter((type) => (isInterfaceType(type) || isUnionType(type)) && !type.name.startsWith('__'))
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const type of abstract) {
    if (!isInterfaceType(type) && !isUnionType(type)) continue;
    result[type.name] = schema
      .getPossibleTypes(type)
      .map((member) => member.name)
      .sort();
  }
  return result;
}

export function printPossibleTypes(schema: GraphQLSchema): string {
  return `${JSON.stringify(possibleTypes(schema), null, 2)}\n`;
}

/**
 * Values for GraphQL input types derived from the schema itself, so tests that walk every
 * mutation (security, fuzzing) cover mutations added later without being edited.
 */
import { getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, type GraphQLInputType } from 'graphql';

/**
 * A plausible value: required fields filled, and (with `optionalIds`) every id field (`id`, `…Id`)
 * too. `id` is the id to use, or a function choosing one by the field's name.
 */
export function sampleValue(type: GraphQLInputType, fieldName: string, id: string | ((field: string) => string), optionalIds = true): unknown {
  if (isNonNullType(type)) return sampleValue(type.ofType, fieldName, id, optionalIds);
  if (isListType(type)) return [sampleValue(type.ofType, fieldName, id, optionalIds)];
  const named = getNamedType(type);
  if (isEnumType(named)) return named.getValues()[0]?.value;
  if (isInputObjectType(named)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(named.getFields())) {
      const isId = field.name === 'id' || field.name.endsWith('Id');
      if (isNonNullType(field.type) || (optionalIds && isId)) value[field.name] = sampleValue(field.type, field.name, id, optionalIds);
    }
    return value;
  }
  switch (named.name) {
    case 'ID':
      return typeof id === 'function' ? id(fieldName) : id;
    case 'Decimal':
      return '1.00';
    case 'Date':
      return '2024-01-15';
    case 'DateTime':
      return '2024-01-15T10:00:00.000Z';
    case 'Int':
      return 1;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return true;
    default:
      return fieldName === 'currency' ? 'RUB' : 'x';
  }
}

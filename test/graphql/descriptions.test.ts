/**
 * Every schema element carries a description (issue 13 item 7): types, fields, arguments, input
 * fields and enum values; introspection types and the built-in scalars excepted.
 */
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.js';

export function undescribed(target: GraphQLSchema): string[] {
  const missing: string[] = [];
  const blank = (description: string | null | undefined) => !description?.trim();
  for (const type of Object.values(target.getTypeMap())) {
    if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue;
    if (blank(type.description)) missing.push(`type ${type.name}`);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (blank(field.description)) missing.push(`field ${type.name}.${field.name}`);
        for (const arg of field.args) {
          if (blank(arg.description)) missing.push(`argument ${type.name}.${field.name}(${arg.name})`);
        }
      }
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (blank(field.description)) missing.push(`input field ${type.name}.${field.name}`);
      }
    }
    if (isEnumType(type)) {
      for (const value of type.getValues()) {
        if (blank(value.description)) missing.push(`enum value ${type.name}.${value.name}`);
      }
    }
  }
  return missing;
}

/** Generated parts of the schema: described by the mutation pipeline and the relay/errors options. */
const GENERATED = /^(type|field|argument) [A-Za-z]*(Connection|Edge|Input|Success|Result)\b|^(type|field) PageInfo\b|\((first|last|after|before|input)\)$/;

describe('schema descriptions', () => {
  it('describes every generated part (connections, edges, page info, paging arguments, mutation inputs, successes, result unions)', () => {
    expect(undescribed(schema).filter((element) => GENERATED.test(element))).toEqual([]);
  });

  it('describes every element', () => {
    expect(undescribed(schema)).toEqual([]);
  });
});

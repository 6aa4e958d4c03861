/**
 * The one error contract: every mutation runs through the pipeline, its result union is exactly
 * what it declares (its service's exported errors plus what the pipeline itself can answer), every
 * domain error class has a GraphQL type with its description, and an undeclared error is caught.
 */
import { isObjectType, isUnionType } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as domainErrors from '../../src/domain/errors.js';
import { DomainError, InsufficientFundsError, NotFoundError } from '../../src/domain/errors.js';
import { declaredOrMasked, definedMutations } from '../../src/graphql/mutation.js';
import { schema } from '../../src/graphql/schema.js';
import { undeclaredErrors } from '../../src/graphql/undeclared-errors.js';

const mutationFields = Object.values(schema.getMutationType()!.getFields());

describe('the error contract', () => {
  it('every mutation is defined through the one pipeline', () => {
    const bypassing = mutationFields.map((field) => field.name).filter((name) => !definedMutations.has(name));
    expect(bypassing).toEqual([]);
  });

  it("each mutation's union is its success type plus exactly the errors it declares, including its service's", () => {
    for (const field of mutationFields) {
      const union = field.type.toString().replace(/!$/, '');
      const type = schema.getType(union);
      expect(isUnionType(type), `${field.name} returns a result union`).toBe(true);
      if (!isUnionType(type)) continue;
      const members = type.getTypes().map((member) => member.name).sort();
      const { declared, serviceErrors } = definedMutations.get(field.name)!;
      const success = `${field.name.charAt(0).toUpperCase()}${field.name.slice(1)}Success`;
      expect(members, field.name).toEqual([success, ...declared.map((cls) => cls.name)].sort());
      for (const cls of serviceErrors) expect(members, `${field.name} declares its service's ${cls.name}`).toContain(cls.name);
    }
  });

  it('every domain error class is a GraphQL type implementing Error, described from the class', () => {
    const classes = Object.values(domainErrors).filter(
      (value): value is typeof NotFoundError => typeof value === 'function' && value.prototype instanceof DomainError,
    );
    expect(classes.length).toBe(domainErrors.ERROR_CODES.length);
    for (const cls of classes) {
      const type = schema.getType(cls.name);
      expect(isObjectType(type) && type.getInterfaces().map((iface) => iface.name), cls.name).toEqual(['Error']);
      expect(type?.description, cls.name).toBe((cls as unknown as { description: string }).description);
    }
  });

  it('an error its mutation does not declare is recorded and masked, a declared one passes as it is', () => {
    const declaredError = new NotFoundError('Account', 'id');
    expect(declaredOrMasked('closeAccount', [NotFoundError], declaredError)).toBe(declaredError);
    const unexpected = new Error('boom');
    expect(declaredOrMasked('closeAccount', [NotFoundError], unexpected)).toBe(unexpected);

    const masked = declaredOrMasked('closeAccount', [NotFoundError], new InsufficientFundsError('short', '0.00', '1.00'));
    expect(masked).not.toBeInstanceOf(DomainError);
    expect(undeclaredErrors.splice(0)).toEqual([{ mutation: 'closeAccount', error: 'InsufficientFundsError' }]);
  });
});

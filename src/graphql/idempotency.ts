/**
 * The GraphQL half of idempotency keys (the mechanism is src/services/core/idempotency.ts): the
 * input field and the errors a mutation declared with `idempotent: true` gets from the pipeline
 * (./mutation.ts). No mutation uses these by hand.
 */
import { getNullableType, isInputObjectType, isListType, isScalarType, type GraphQLInputType } from 'graphql';
import { IdempotencyKeyReusedError } from '../domain/errors.js';
import { canonicalDecimal } from '../domain/money.js';
import type { builder } from './builder.js';

export const IDEMPOTENCY_ERRORS = [IdempotencyKeyReusedError];

type InputFieldBuilder = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

export function idempotencyKeyField(t: InputFieldBuilder) {
  return t.string({
    description:
      'Optional, up to 255 characters, chosen by the client (e.g. a UUID). Retrying with the same key and input ' +
      'returns the first result and changes nothing; the same key with another input is IDEMPOTENCY_KEY_REUSED. ' +
      'Keys are remembered per organization for at least 24 hours.',
  });
}

/**
 * The input as its idempotency fingerprint sees it: every `Decimal` in it (at any depth, e.g. the
 * rows of an import) in one spelling, so a retry that sends "3.00" for "3.0" is the same request
 * and replays instead of being IDEMPOTENCY_KEY_REUSED. Other values are kept as they are (a file
 * part too, by reference).
 */
export function withCanonicalDecimals(value: unknown, type: GraphQLInputType): unknown {
  if (value === null || value === undefined) return value;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    return Array.isArray(value) ? value.map((item) => withCanonicalDecimals(item, nullable.ofType)) : withCanonicalDecimals(value, nullable.ofType);
  }
  if (isScalarType(nullable)) return nullable.name === 'Decimal' && typeof value === 'string' ? canonicalDecimal(value) : value;
  if (isInputObjectType(nullable) && typeof value === 'object') {
    const fields = nullable.getFields();
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([name, child]) => [name, fields[name] ? withCanonicalDecimals(child, fields[name].type) : child]),
    );
  }
  return value;
}

/**
 * The GraphQL half of idempotency keys (the mechanism is src/services/core/idempotency.ts): the
 * input field and the errors a mutation declared with `idempotent: true` gets from the pipeline
 * (./mutation.ts). No mutation uses these by hand.
 */
import { IdempotencyKeyReusedError } from '../domain/errors.js';
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

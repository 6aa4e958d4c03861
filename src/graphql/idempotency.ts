/**
 * The GraphQL half of idempotency keys (the mechanism is src/services/idempotency.ts). A create,
 * post, transfer or import mutation adopts it with:
 *   - `idempotencyKey: idempotencyKeyField(t)` in its input type,
 *   - `...IDEMPOTENCY_ERRORS` in its `errors.types`,
 *   - its resolver body wrapped in `withIdempotency(ctx, '<mutation>', input, (db) => …)`.
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

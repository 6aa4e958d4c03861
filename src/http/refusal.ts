/**
 * A top-level refusal: protocol-level errors (limits, throttling, auth, trusted documents) carry a
 * stable `extensions.code` for clients and an HTTP status that yoga applies and then strips.
 */
import { GraphQLError } from 'graphql';

export function refusal(
  code: string,
  message: string,
  status: number,
  extra: { headers?: Record<string, string>; extensions?: Record<string, unknown> } = {},
): GraphQLError {
  const http = { status, ...(extra.headers ? { headers: extra.headers } : {}) };
  // `spec: true` would let yoga answer 200 to `Accept: application/json` (the GraphQL-over-HTTP
  // rule for syntax and validation errors). A refusal is not a syntax error, and yoga's parse hook
  // sets `spec ||= true` on every parse error, so spec is pinned to false here.
  Object.defineProperty(http, 'spec', { get: () => false, set: () => {}, enumerable: false });
  return new GraphQLError(message, { extensions: { code, ...extra.extensions, http } });
}

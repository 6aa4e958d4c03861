/**
 * What callers may see of an error. GraphQL protocol errors and our own coded errors pass through;
 * anything else (a bug, a database failure) becomes "Unexpected error." with no stack, no SQL and
 * no message from inside, and is logged with the request id for operators.
 */
import { GraphQLError } from 'graphql';
import { DomainError } from '../domain/errors.js';

// By name, not instanceof: graphql's ESM and CJS builds can both be loaded (yoga and Pothos pick
// different ones), and an error from one copy is not an instance of the other's class.
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === 'GraphQLError';
}

/** PostgreSQL cancelled a statement at statement_timeout (SQLSTATE 57014), however Prisma wraps it. */
export function isStatementTimeout(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const candidate = error as { code?: unknown; originalCode?: unknown; meta?: unknown; cause?: unknown; originalError?: unknown; driverAdapterError?: unknown };
  if (candidate.originalCode === '57014' || candidate.code === '57014') return true;
  return [candidate.meta, candidate.cause, candidate.originalError, candidate.driverAdapterError].some((inner) => isStatementTimeout(inner, depth + 1));
}

export function maskError(error: unknown, log: (error: unknown) => void): Error {
  if (isStatementTimeout(error)) {
    // Not the caller's input and not a bug: the database was too slow. The transaction rolled back.
    log(error);
    return new GraphQLError('A database statement ran longer than its time limit and was cancelled; nothing was saved. Retry later.', {
      path: isGraphQLError(error) ? error.path : undefined,
      extensions: { code: 'STATEMENT_TIMEOUT', http: { status: 503 } },
    });
  }
  if (isGraphQLError(error)) {
    const original = error.originalError;
    if (original instanceof DomainError) {
      // A domain error a field did not declare in its union: still typed, never masked.
      return new GraphQLError(original.message, {
        nodes: error.nodes,
        path: error.path,
        extensions: { code: original.code, ...(original.field ? { field: original.field } : {}) },
      });
    }
    if (isGraphQLError(original)) return maskError(original, log);
    if (original?.name === 'PothosValidationError') {
      // Malformed connection arguments (bad cursor, negative first): the caller's mistake.
      return new GraphQLError(original.message, { nodes: error.nodes, path: error.path, extensions: { code: 'BAD_USER_INPUT' } });
    }
    if (!original || original.name === 'GraphQLError') return error;
  }
  log(error);
  const path = isGraphQLError(error) ? error.path : undefined;
  return new GraphQLError('Unexpected error.', { path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

/**
 * What callers may see of an error. GraphQL protocol errors and our own coded errors pass through;
 * anything else (a bug, a database failure) becomes "Unexpected error." with no stack, no SQL and
 * no message from inside, and is logged with the request id for operators.
 */
import { GraphQLError } from 'graphql';
import { DomainError } from '../domain/errors.js';
import { ContentionError } from '../services/core/contention.js';

// By name, not instanceof: graphql's ESM and CJS builds can both be loaded (yoga and Pothos pick
// different ones), and an error from one copy is not an instance of the other's class.
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === 'GraphQLError';
}

/** Whether PostgreSQL answered one of these SQLSTATEs, however Prisma and its adapter wrap it. */
function hasSqlState(error: unknown, states: readonly string[], depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const candidate = error as { code?: unknown; originalCode?: unknown; meta?: unknown; cause?: unknown; originalError?: unknown; driverAdapterError?: unknown };
  if (states.includes(candidate.originalCode as string) || states.includes(candidate.code as string)) return true;
  return [candidate.meta, candidate.cause, candidate.originalError, candidate.driverAdapterError].some((inner) => hasSqlState(inner, states, depth + 1));
}

/** PostgreSQL cancelled a statement at statement_timeout (SQLSTATE 57014). */
export function isStatementTimeout(error: unknown): boolean {
  return hasSqlState(error, ['57014']);
}

/**
 * PostgreSQL refused text it cannot store or compare: NUL (22021) or characters with no UTF-8 form
 * such as lone surrogates (22P05). Inputs are checked for these where they are read
 * (`requirePrintable`); this is the net for a string argument a resolver passes on unchecked.
 */
export function isUnstorableText(error: unknown): boolean {
  return hasSqlState(error, ['22021', '22P05']);
}

export function maskError(error: unknown, log: (error: unknown) => void): Error {
  const contended = error instanceof ContentionError ? error : isGraphQLError(error) && error.originalError instanceof ContentionError ? error.originalError : undefined;
  if (contended) {
    // Not the caller's input and not a bug: a hot row stayed locked past every retry. Rolled back.
    log(contended);
    return new GraphQLError(`${contended.message}: safe to retry (with the same idempotencyKey where the mutation takes one).`, {
      path: isGraphQLError(error) ? error.path : undefined,
      extensions: { code: 'LOCK_TIMEOUT', http: { status: 503, headers: { 'Retry-After': '1' } } },
    });
  }
  if (isStatementTimeout(error)) {
    // Not the caller's input and not a bug: the database was too slow. The transaction rolled back.
    log(error);
    return new GraphQLError('A database statement ran longer than its time limit and was cancelled; nothing was saved. Retry later.', {
      path: isGraphQLError(error) ? error.path : undefined,
      extensions: { code: 'STATEMENT_TIMEOUT', http: { status: 503 } },
    });
  }
  if (isUnstorableText(error)) {
    // The caller's input, not a bug: nothing was saved (the statement and its transaction failed).
    return new GraphQLError('Text in the request holds characters that cannot be stored or searched (NUL, control characters or invalid Unicode).', {
      path: isGraphQLError(error) ? error.path : undefined,
      extensions: { code: 'INVALID_INPUT', http: { status: 400 } },
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

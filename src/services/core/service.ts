/**
 * A service operation: a function that runs inside a unit of work and carries the list of typed
 * errors it can refuse with. The GraphQL mutation built on it answers exactly those errors in its
 * result union (src/graphql/mutation.ts), so the list is written once, beside the code that throws.
 */
import type { Db } from '../../db/open.js';
import type { DomainError } from '../../domain/errors.js';
import type { EventPublisher } from './events.js';
import { runUnitOfWork, type UnitOfWork } from './unit-of-work.js';
import type { Viewer } from './viewer.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- error classes take differing constructor arguments
export type ErrorClass = abstract new (...args: any[]) => DomainError;

export type Service<Input, Result> = ((uow: UnitOfWork, input: Input) => Promise<Result>) & {
  /** Every DomainError class this operation can throw; throwing another is a bug (tests fail on it). */
  readonly errors: readonly ErrorClass[];
};

/** Declares a service operation with the errors it can throw. */
export function service<Input, Result>(
  errors: readonly ErrorClass[],
  run: (uow: UnitOfWork, input: Input) => Promise<Result>,
): Service<Input, Result> {
  return Object.assign((uow: UnitOfWork, input: Input) => run(uow, input), { errors: [...new Set(errors)] });
}

/** The errors of several operations (or lists), once each, in order. */
export function errorsOf(...parts: ReadonlyArray<readonly ErrorClass[] | { errors: readonly ErrorClass[] }>): ErrorClass[] {
  return [...new Set(parts.flatMap((part) => ('errors' in part ? part.errors : part)))];
}

/**
 * Runs one operation in its own unit of work and commits it: for callers outside the GraphQL
 * pipeline (the CLI, the demo seed, benchmarks, service tests).
 */
export function runService<Input, Result>(
  db: Db,
  viewer: Viewer,
  operation: Service<Input, Result>,
  input: Input,
  events?: EventPublisher,
): Promise<Result> {
  return runUnitOfWork({ db, viewer, events }, (uow) => operation(uow, input));
}

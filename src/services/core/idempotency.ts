/**
 * Idempotency keys for create / post / transfer / import mutations, so an integration that retries
 * after a timeout never creates something twice.
 *
 * A key is remembered per organization with a hash of the operation and its input (without the
 * key) and the outcome: the success payload (ids, JSON) or the typed error. Replaying the same key
 * with the same input returns that outcome and writes nothing; the same key with another input or
 * another operation is refused with IDEMPOTENCY_KEY_REUSED.
 *
 * Atomicity: the record is written in the SAME unit of work (transaction) as the mutation's own
 * writes, so either both commit or neither does; a crash can
 * never leave a record without its writes or writes without their record.
 * Concurrency: the transaction first takes an advisory lock on (organization, key), so two
 * requests with the same key at once run one after the other: the second waits, then finds the
 * first one's record and replays it. It never executes the mutation a second time.
 * A typed error is stored too: its partial writes are rolled back to a savepoint first, so what
 * is remembered is exactly "refused, nothing written".
 */
import { createHash } from 'node:crypto';
import * as domainErrors from '../../domain/errors.js';
import { DomainError, IdempotencyKeyReusedError, InvalidInputError } from '../../domain/errors.js';
import { requirePrintable } from '../../domain/text.js';
import type { Db } from '../../db/open.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { waitingForLock } from './contention.js';
import { withSavepoint, type UnitOfWork } from './unit-of-work.js';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

type StoredError = { name: string; message: string; props: Record<string, Prisma.InputJsonValue> };
type StoredOutcome = { ok: Prisma.InputJsonValue } | { error: StoredError };

/** JSON with object keys sorted at every level, so equal inputs hash equally whatever their order. */
export function stableJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(typeof value === 'bigint' ? value.toString() : value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, child]) => child !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${stableJson(child)}`).join(',')}}`;
}

export function requestHash(operation: string, input: Record<string, unknown>): string {
  const { idempotencyKey: _key, ...rest } = input;
  return createHash('sha256').update(`${operation}\n${stableJson(rest)}`).digest('hex');
}

function storeError(error: DomainError): StoredError {
  const props: Record<string, Prisma.InputJsonValue> = {};
  for (const [name, value] of Object.entries(error)) {
    if (value !== undefined) props[name] = typeof value === 'bigint' ? value.toString() : (value as Prisma.InputJsonValue);
  }
  return { name: error.name, message: error.message, props };
}

type ErrorClass = { name: string; prototype: DomainError };
const errorClasses: ErrorClass[] = (Object.values(domainErrors) as unknown[]).filter(
  (value): value is ErrorClass => typeof value === 'function' && value.prototype instanceof DomainError,
);

/** The stored error as an instance of its class again, so the mutation's union answers it typed. */
function restoreError(stored: StoredError): DomainError {
  const cls = errorClasses.find((candidate) => candidate.name === stored.name);
  if (!cls) throw new Error(`Stored idempotent outcome names an unknown error class ${stored.name}`);
  const error = Object.assign(Object.create(cls.prototype) as DomainError, stored.props);
  Object.defineProperty(error, 'message', { value: stored.message, writable: true, configurable: true });
  return error;
}

/** What a mutation answered: its result, or the typed error it refused with. */
export type Outcome<Result> = { ok: Result } | { error: DomainError };

/**
 * Runs `work` once per (organization, idempotency key), inside `uow`'s transaction. Without a key
 * it simply runs `work(uow)` (and a refusal propagates, rolling the transaction back). With a key,
 * a refusal is an outcome like a result: it is remembered and returned, so the caller commits the
 * record and answers the error afterwards. `work` must write only through the unit of work it is
 * given. `input` identifies the request (the key itself is left out of the hash).
 * Returns `{ error: IdempotencyKeyReusedError }` when the key was used with another operation or
 * input, and on replay the first outcome.
 * @throws InvalidInputError the key is empty, longer than 255 characters or holds control characters
 */
export async function withIdempotency<Result extends Prisma.InputJsonValue>(
  uow: UnitOfWork,
  operation: string,
  input: { idempotencyKey?: string | null } & Record<string, unknown>,
  work: (scope: UnitOfWork) => Promise<Result>,
): Promise<Outcome<Result>> {
  const key = input.idempotencyKey;
  if (key === undefined || key === null) return { ok: await work(uow) };
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new InvalidInputError(`idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`, 'idempotencyKey');
  }
  requirePrintable(key, 'idempotencyKey');
  const { tx } = uow;
  const organizationId = uow.viewer.organizationId;
  const hash = requestHash(operation, input);

  // Two requests with one key serialise here; the second then finds the first one's record.
  await waitingForLock(tx, () => tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`idempotency:${organizationId}:${key}`}))`);
  const existing = await tx.idempotencyRecord.findUnique({ where: { organizationId_key: { organizationId, key } } });
  if (existing) {
    if (existing.requestHash !== hash || existing.operation !== operation) {
      return {
        error: new IdempotencyKeyReusedError(
          `Idempotency key "${key.slice(0, 100)}" was already used with a different input or operation; use a new key for a new request`,
          'idempotencyKey',
        ),
      };
    }
    const stored = existing.response as StoredOutcome;
    return 'error' in stored ? { error: restoreError(stored.error) } : { ok: stored.ok as Result };
  }

  // A typed refusal is remembered as "refused, nothing written": its writes and effects are rolled
  // back to the savepoint. Anything unexpected fails the transaction and is not remembered, so a
  // retry runs again.
  const attempt = await withSavepoint(uow, 'idempotent_work', (error) => error instanceof DomainError, work);
  const stored: StoredOutcome = 'ok' in attempt ? { ok: attempt.ok } : { error: storeError(attempt.error as DomainError) };
  await tx.idempotencyRecord.create({ data: { organizationId, key, operation, requestHash: hash, response: stored } });
  return 'ok' in attempt ? { ok: attempt.ok } : { error: attempt.error as DomainError };
}

/** Forgets keys older than the retention (at least 24 h). Run periodically by the server.
 * @returns how many keys were forgotten */
export async function purgeIdempotencyRecords(db: Db, retentionHours: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - Math.max(24, retentionHours) * 3_600_000);
  const { count } = await db.idempotencyRecord.deleteMany({ where: { createdAt: { lt: cutoff } } });
  return count;
}

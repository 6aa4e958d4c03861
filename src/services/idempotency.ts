/**
 * Idempotency keys for create / post / transfer / import mutations, so an integration that retries
 * after a timeout never creates something twice.
 *
 * A key is remembered per organization with a hash of the operation and its input (without the
 * key) and the outcome: the success payload (ids, JSON) or the typed error. Replaying the same key
 * with the same input returns that outcome and writes nothing; the same key with another input or
 * another operation is refused with IDEMPOTENCY_KEY_REUSED.
 *
 * Atomicity: the record is written in the SAME transaction as the mutation's own writes (the
 * service joins it, see `joinTransaction`), so either both commit or neither does; a crash can
 * never leave a record without its writes or writes without their record.
 * Concurrency: the transaction first takes an advisory lock on (organization, key), so two
 * requests with the same key at once run one after the other: the second waits, then finds the
 * first one's record and replays it. It never executes the mutation a second time.
 * A typed error is stored too: its partial writes are rolled back to a savepoint first, so what
 * is remembered is exactly "refused, nothing written".
 */
import { createHash } from 'node:crypto';
import * as domainErrors from '../domain/errors.js';
import { DomainError, IdempotencyKeyReusedError, InvalidInputError } from '../domain/errors.js';
import { requirePrintable } from '../domain/text.js';
import type { Db } from '../db/open.js';
import type { Prisma } from '../generated/prisma/client.js';
import { commitJoined, discardJoined, inTransaction, joinTransaction } from './transaction.js';
import type { Viewer } from './viewer.js';

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
function restoreError(stored: StoredError): Error {
  const cls = errorClasses.find((candidate) => candidate.name === stored.name);
  if (!cls) return new Error(`Stored idempotent outcome names an unknown error class ${stored.name}`);
  const error = Object.assign(Object.create(cls.prototype) as DomainError, stored.props);
  Object.defineProperty(error, 'message', { value: stored.message, writable: true, configurable: true });
  return error;
}

/**
 * Runs `run` once per (organization, idempotency key). Without a key it simply runs `run(ctx.db)`.
 * `run` must do all its writes through the `db` it is given (services do: they call inTransaction).
 * @throws IdempotencyKeyReusedError the key was used with another operation or input
 * @throws InvalidInputError the key is empty, longer than 255 characters or holds control characters
 * @throws whatever `run` throws, and on replay the typed error it threw the first time
 */
export async function withIdempotency<Input extends { idempotencyKey?: string | null }, Result extends Prisma.InputJsonValue>(
  ctx: { db: Db; viewer: Viewer },
  operation: string,
  input: Input,
  run: (db: Db) => Promise<Result>,
): Promise<Result> {
  const key = input.idempotencyKey;
  if (key === undefined || key === null) return run(ctx.db);
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new InvalidInputError(`idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`, 'idempotencyKey');
  }
  requirePrintable(key, 'idempotencyKey');
  const organizationId = ctx.viewer.organizationId;
  const hash = requestHash(operation, input);

  let joined: Db | undefined;
  const outcome = await inTransaction(ctx.db, async (tx): Promise<StoredOutcome | 'reused'> => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`idempotency:${organizationId}:${key}`}))`;
    const existing = await tx.idempotencyRecord.findUnique({ where: { organizationId_key: { organizationId, key } } });
    if (existing) return existing.requestHash === hash && existing.operation === operation ? (existing.response as StoredOutcome) : 'reused';

    await tx.$executeRaw`SAVEPOINT idempotent_work`;
    let stored: StoredOutcome;
    joined = joinTransaction(tx);
    try {
      stored = { ok: await run(joined) };
    } catch (error) {
      discardJoined(joined); // what the refused work announced never happened
      if (!(error instanceof DomainError)) throw error; // unexpected: nothing is remembered, a retry runs again
      await tx.$executeRaw`ROLLBACK TO SAVEPOINT idempotent_work`;
      stored = { error: storeError(error) };
    }
    await tx.idempotencyRecord.create({ data: { organizationId, key, operation, requestHash: hash, response: stored } });
    return stored;
  });

  // Committed: effects the work deferred (published alerts) may run now.
  if (joined) commitJoined(joined);
  if (outcome === 'reused') {
    throw new IdempotencyKeyReusedError(
      `Idempotency key "${key.slice(0, 100)}" was already used with a different input or operation; use a new key for a new request`,
      'idempotencyKey',
    );
  }
  if ('error' in outcome) throw restoreError(outcome.error);
  return outcome.ok as Result;
}

/** Forgets keys older than the retention (at least 24 h). Run periodically by the server.
 * @returns how many keys were forgotten */
export async function purgeIdempotencyRecords(db: Db, retentionHours: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - Math.max(24, retentionHours) * 3_600_000);
  const { count } = await db.idempotencyRecord.deleteMany({ where: { createdAt: { lt: cutoff } } });
  return count;
}

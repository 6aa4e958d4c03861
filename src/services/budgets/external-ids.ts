/**
 * The ERP's own id of a synced row (budgets, groups, employees, contractors, projects, invoices),
 * unique per organization by a unique index on (organizationId, externalId). The index, not a
 * check before the write, is what decides a race: the loser of two writes of one externalId meets
 * a unique violation, answered here as the DUPLICATE a check would have given (and caught by the
 * upserts, which then update the winner's row instead; see erp-sync.ts).
 */
import { DuplicateError } from '../../domain/errors.js';
import { isUniqueViolation } from '../core/database-errors.js';
import { requireExternalId } from './external-transactions.js';

/** Create/update convention: undefined keeps, null clears, text is trimmed and checked (1–200 characters). */
export function optionalExternalId(raw: string | null | undefined, field = 'externalId'): string | null | undefined {
  if (raw === undefined || raw === null) return raw;
  return requireExternalId(raw, field);
}

/** For `.catch` on a write that sets `externalId`: another row of the organization holds it → DUPLICATE. */
export function rethrowTakenExternalId(entity: string, externalId: string | null | undefined) {
  return (error: unknown): never => {
    if (externalId && isUniqueViolation(error)) {
      throw new DuplicateError(`Another ${entity} of this organization already has externalId "${externalId}"`, 'externalId');
    }
    throw error;
  };
}

/** Whether `error` is the DUPLICATE of a taken externalId (the upserts' signal to update instead). */
export function isTakenExternalId(error: unknown): boolean {
  return error instanceof DuplicateError && error.field === 'externalId';
}

/**
 * Bulk import of external transactions, idempotent by externalId per organization.
 *
 * Policy on bad rows: KEEP THE VALID ROWS. A bank or ERP export often has a few broken lines; the
 * others should not wait for them. Every row gets its own outcome:
 * - CREATED: inserted now;
 * - EXISTING: a transaction with this externalId already exists; nothing is written (replaying a
 *   file is harmless; an existing transaction is never overwritten by an import);
 * - DUPLICATE_IN_BATCH: an earlier row of the same batch has this externalId (the first one wins);
 * - REJECTED: the row breaks a rule (missing externalId or amount, bad currency, …), with its typed
 *   error.
 * All CREATED rows are written in the one unit of work: either all of them are stored or, on a
 * failure, none is. Concurrent imports of the same externalId insert it once
 * (`INSERT … ON CONFLICT DO NOTHING`); the other import reports it EXISTING.
 */
import { DomainError, DuplicateError, InvalidInputError } from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { recordChanges } from '../core/changelog.js';
import { service } from '../core/service.js';
import { validateTransactionFields, type ValidTransaction } from './external-transactions.js';

export const MAX_IMPORT_ROWS = 1000;

/** One row as received: anything may be missing, and each absence is reported on its row. */
export interface ImportRow {
  externalId?: string | null;
  date?: Date | null;
  amount?: string | null;
  currency?: string | null;
  direction?: string | null;
  type?: string | null;
  description?: string | null;
  counterpartyName?: string | null;
}

export type ImportRowStatus = 'CREATED' | 'EXISTING' | 'DUPLICATE_IN_BATCH' | 'REJECTED';

export interface ImportRowOutcome {
  /** 0-based position in the batch. */
  index: number;
  externalId: string | null;
  status: ImportRowStatus;
  /** The stored transaction for CREATED and EXISTING rows. */
  transactionId: string | null;
  error: DomainError | null;
}

export interface ImportReport {
  rows: ImportRowOutcome[];
  created: number;
  existing: number;
  duplicates: number;
  rejected: number;
}

function required<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) {
    throw new InvalidInputError(`${field} is required`, field);
  }
  return value;
}

function validateRow(row: ImportRow): ValidTransaction {
  return validateTransactionFields({
    externalId: required(row.externalId, 'externalId'),
    amount: required(row.amount, 'amount'),
    date: required(row.date, 'date'),
    currency: required(row.currency, 'currency'),
    direction: required(row.direction, 'direction'),
    type: row.type,
    description: row.description,
    counterpartyName: row.counterpartyName,
  });
}

/**
 * InvalidInputError: the batch is empty or has more than MAX_IMPORT_ROWS rows (whole batch).
 * Per-row errors are reported in the result, never thrown.
 */
export const importTransactions = service(
  [InvalidInputError],
  async ({ tx, viewer }, input: { rows: readonly ImportRow[] }): Promise<ImportReport> => {
    if (input.rows.length === 0) throw new InvalidInputError('The batch has no rows', 'transactions');
    if (input.rows.length > MAX_IMPORT_ROWS) {
      throw new InvalidInputError(`A batch holds at most ${MAX_IMPORT_ROWS} rows; got ${input.rows.length}. Split the file.`, 'transactions');
    }
    const outcomes: ImportRowOutcome[] = [];
    const candidates = new Map<string, { index: number; fields: ValidTransaction }>();
    input.rows.forEach((row, index) => {
      const externalId = row.externalId?.trim() || null;
      const outcome: ImportRowOutcome = { index, externalId, status: 'REJECTED', transactionId: null, error: null };
      outcomes.push(outcome);
      let fields: ValidTransaction;
      try {
        fields = validateRow(row);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        outcome.error = error;
        return;
      }
      if (candidates.has(fields.externalId)) {
        outcome.status = 'DUPLICATE_IN_BATCH';
        outcome.error = new DuplicateError(
          `Row ${candidates.get(fields.externalId)!.index} of this batch already has externalId "${fields.externalId}"`,
          'externalId',
        );
        return;
      }
      candidates.set(fields.externalId, { index, fields });
    });

    if (candidates.size > 0) {
      const externalIds = [...candidates.keys()];
      const data: Prisma.TransactionCreateManyInput[] = [...candidates.values()].map(({ fields }) => ({
        organizationId: viewer.organizationId,
        ...fields,
      }));
      const created = await tx.transaction.createManyAndReturn({ data, skipDuplicates: true, select: { id: true, externalId: true } });
      const createdIds = new Map(created.map((row) => [row.externalId, row.id]));
      const existing = await tx.transaction.findMany({
        where: { organizationId: viewer.organizationId, externalId: { in: externalIds.filter((id) => !createdIds.has(id)) } },
        select: { id: true, externalId: true },
      });
      const existingIds = new Map(existing.map((row) => [row.externalId, row.id]));
      for (const [externalId, { index }] of candidates) {
        const outcome = outcomes[index]!;
        const createdId = createdIds.get(externalId);
        outcome.status = createdId ? 'CREATED' : 'EXISTING';
        outcome.transactionId = createdId ?? existingIds.get(externalId) ?? null;
      }
      await recordChanges(
        tx,
        viewer,
        created.map((row) => {
          const fields = candidates.get(row.externalId)!.fields;
          return {
            entityType: 'Transaction' as const,
            entityId: row.id,
            action: 'NEW' as const,
            webhookEvent: 'transaction.imported' as const,
            comment: `Imported ${row.externalId}: ${formatMoney(fields.amountMinor, fields.currency)} ${fields.currency}`,
          };
        }),
      );
    }

    const count = (status: ImportRowStatus) => outcomes.filter((outcome) => outcome.status === status).length;
    return {
      rows: outcomes,
      created: count('CREATED'),
      existing: count('EXISTING'),
      duplicates: count('DUPLICATE_IN_BATCH'),
      rejected: count('REJECTED'),
    };
  },
);

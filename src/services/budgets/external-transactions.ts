/**
 * External transactions from an ERP or a bank (generic, income or project transactions). The
 * amount is positive; `direction` says whether money left (DEBIT) or came in (CREDIT). Once a
 * transaction is split across budgets, its parts constrain it: its currency cannot change, its
 * amount cannot drop below the sum of its parts, and moving its date is judged on the spend it
 * leaves in the budgets whose window it enters or leaves (changeSpend, so AUTO_FREEZE and alerts
 * apply).
 */
import { parseChoice, TRANSACTION_DIRECTIONS, TRANSACTION_TYPES } from '../../domain/choices.js';
import {
  AllocationExceededError,
  BudgetFrozenError,
  CurrencyMismatchError,
  DuplicateError,
  InvalidAmountError,
  InvalidInputError,
  NotFoundError,
  TransactionInUseError,
  TotalOutOfRangeError,
  UnknownCurrencyError,
  UnknownValueError,
} from '../../domain/errors.js';
import { formatMoney, parseMoney, requireCurrency } from '../../domain/money.js';
import { optionalText, requirePrintable } from '../../domain/text.js';
import { isoDay } from '../../domain/budget-periods.js';
import type { Transaction, TransactionDirection, TransactionType } from '../../generated/prisma/client.js';
import type { AttachmentStorage } from '../attachments/attachment-storage.js';
import { diffFields, recordChange } from '../core/changelog.js';
import { isUniqueViolation, rethrowMissingReference } from '../core/database-errors.js';
import { emitBudgetAlerts } from '../core/events.js';
import { lockTransaction } from '../core/row-locks.js';
import { service } from '../core/service.js';
import type { Tx } from '../core/unit-of-work.js';
import type { Viewer } from '../core/viewer.js';
import { findProject } from './allocation-targets.js';
import { changeSpend } from './spend.js';

export const MAX_EXTERNAL_ID_LENGTH = 200;

export function requireExternalId(raw: string, field = 'externalId'): string {
  const externalId = requirePrintable(raw.trim(), field);
  if (externalId.length === 0) throw new InvalidInputError(`${field} must not be empty`, field);
  if (externalId.length > MAX_EXTERNAL_ID_LENGTH) {
    throw new InvalidInputError(`${field} must be at most ${MAX_EXTERNAL_ID_LENGTH} characters`, field);
  }
  return externalId;
}

export interface TransactionFields {
  externalId: string;
  date: Date;
  /** Positive decimal string in `currency`. */
  amount: string;
  currency: string;
  /** DEBIT (money out) or CREDIT (money in). */
  direction: string;
  /** GENERIC (default), INCOME or PROJECT. */
  type?: string | null;
  description?: string | null;
  counterpartyName?: string | null;
}

export interface ValidTransaction {
  externalId: string;
  date: Date;
  amountMinor: bigint;
  currency: string;
  direction: TransactionDirection;
  type: TransactionType;
  description: string | null;
  counterpartyName: string | null;
}

/** Checks and normalises one transaction's fields without touching the database. */
export function validateTransactionFields(input: TransactionFields): ValidTransaction {
  const externalId = requireExternalId(input.externalId);
  const currency = requireCurrency(input.currency);
  return {
    externalId,
    date: input.date,
    amountMinor: parseMoney(input.amount, currency, 'amount', 'positive'),
    currency,
    direction: parseChoice(input.direction, TRANSACTION_DIRECTIONS, 'direction'),
    type: parseChoice(input.type ?? 'GENERIC', TRANSACTION_TYPES, 'type'),
    description: optionalText(input.description, 'description') ?? null,
    counterpartyName: optionalText(input.counterpartyName, 'counterpartyName', 500) ?? null,
  };
}

function requireProjectOnlyOnProjectTransactions(type: TransactionType, projectId: string | null | undefined): void {
  if (projectId && type !== 'PROJECT') {
    throw new InvalidInputError(`Only PROJECT transactions link to a project; this one is ${type}`, 'projectId');
  }
}

async function refuseTakenExternalId(tx: Tx, viewer: Viewer, externalId: string, exceptId?: string): Promise<void> {
  const taken = await tx.transaction.findFirst({
    where: { organizationId: viewer.organizationId, externalId, ...(exceptId ? { NOT: { id: exceptId } } : {}) },
    select: { id: true },
  });
  if (taken) throw new DuplicateError(`A transaction with externalId "${externalId}" already exists`, 'externalId');
}

/** The refusals of `validateTransactionFields`. */
const FIELD_ERRORS = [InvalidInputError, UnknownCurrencyError, UnknownValueError, InvalidAmountError];

export type CreateTransactionInput = TransactionFields & { projectId?: string | null };

/**
 * UnknownValueError: direction or type. InvalidAmountError: zero, negative or over-precise amount.
 * NotFoundError: the project. DuplicateError: the externalId is already used in this organization.
 */
export const createTransaction = service(
  [...FIELD_ERRORS, NotFoundError, DuplicateError],
  async ({ tx, viewer }, input: CreateTransactionInput): Promise<Transaction> => {
    const fields = validateTransactionFields(input);
    requireProjectOnlyOnProjectTransactions(fields.type, input.projectId);
    if (input.projectId) await findProject(tx, viewer, input.projectId, 'projectId');
    await refuseTakenExternalId(tx, viewer, fields.externalId);
    let transaction: Transaction;
    try {
      transaction = await tx.transaction.create({
        data: { organizationId: viewer.organizationId, ...fields, projectId: input.projectId ?? null },
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateError(`A transaction with externalId "${fields.externalId}" already exists`, 'externalId');
      rethrowMissingReference(error); // the project was deleted since it was found
    }
    await recordChange(tx, viewer, {
      entityType: 'Transaction',
      entityId: transaction.id,
      action: 'NEW',
      comment: `${fields.externalId}: ${formatMoney(fields.amountMinor, fields.currency)} ${fields.currency}`,
    });
    return transaction;
  },
);

/** Partial: an omitted field is kept; description/counterpartyName/projectId: null clears. */
export interface UpdateTransactionInput {
  id: string;
  externalId?: string | null;
  date?: Date | null;
  amount?: string | null;
  currency?: string | null;
  direction?: string | null;
  type?: string | null;
  description?: string | null;
  counterpartyName?: string | null;
  projectId?: string | null;
}

/**
 * Locks the transaction (so no budget part is added meanwhile) and then the budgets of its parts in
 * id order (so two updates never wait on each other's budgets in opposite orders).
 * NotFoundError: the transaction or project. DuplicateError: the new externalId is taken.
 * CurrencyMismatchError: the currency changes while the transaction is split across budgets.
 * AllocationExceededError: the new amount is below the sum of its budget parts.
 * BudgetFrozenError: the new date moves spend into an AUTO_FREEZE budget's window past its limit.
 * TotalOutOfRangeError: the new date moves more spend into a budget than can be counted.
 */
export const updateTransaction = service(
  [...FIELD_ERRORS, NotFoundError, DuplicateError, CurrencyMismatchError, AllocationExceededError, BudgetFrozenError, TotalOutOfRangeError],
  async (uow, input: UpdateTransactionInput): Promise<Transaction> => {
    const { tx, viewer } = uow;
    const externalId = input.externalId == null ? undefined : requireExternalId(input.externalId);
    const direction = input.direction == null ? undefined : parseChoice(input.direction, TRANSACTION_DIRECTIONS, 'direction');
    const type = input.type == null ? undefined : parseChoice(input.type, TRANSACTION_TYPES, 'type');
    const currency = input.currency == null ? undefined : requireCurrency(input.currency);
    const description = optionalText(input.description, 'description');
    const counterpartyName = optionalText(input.counterpartyName, 'counterpartyName', 500);
    const before = await lockTransaction(tx, viewer, input.id, 'id');
    const nextCurrency = currency ?? before.currency;
    const amountMinor = input.amount == null ? undefined : parseMoney(input.amount, nextCurrency, 'amount', 'positive');
    const nextType = type ?? before.type;
    const nextProjectId = input.projectId === undefined ? before.projectId : input.projectId;
    requireProjectOnlyOnProjectTransactions(nextType, nextProjectId);
    if (input.projectId) await findProject(tx, viewer, input.projectId, 'projectId');
    if (externalId && externalId !== before.externalId) await refuseTakenExternalId(tx, viewer, externalId, before.id);

    const parts = await tx.budgetTransaction.findMany({ where: { transactionId: before.id }, orderBy: { budgetId: 'asc' } });
    if (parts.length > 0) {
      if (nextCurrency !== before.currency) {
        throw new CurrencyMismatchError(
          `The transaction is charged to ${parts.length} budget(s) in ${before.currency}; remove its budget transactions before changing its currency`,
          'currency',
        );
      }
      const allocated = parts.reduce((sum, part) => sum + part.amountMinor, 0n);
      if (amountMinor !== undefined && amountMinor < allocated) {
        throw new AllocationExceededError(
          `Budgets hold ${formatMoney(allocated, before.currency)} ${before.currency} of this transaction; its amount cannot go below that`,
          'amount',
        );
      }
    }

    const changes = diffFields(
      {
        externalId: before.externalId,
        date: isoDay(before.date),
        amount: formatMoney(before.amountMinor, before.currency),
        currency: before.currency,
        direction: before.direction,
        type: before.type,
        description: before.description,
        counterpartyName: before.counterpartyName,
        projectId: before.projectId,
      },
      {
        externalId,
        date: input.date ? isoDay(input.date) : undefined,
        amount: amountMinor === undefined ? undefined : formatMoney(amountMinor, nextCurrency),
        currency,
        direction,
        type,
        description,
        counterpartyName,
        projectId: input.projectId,
      },
    );
    if (Object.keys(changes).length === 0) return before;
    // A new date moves every part into or out of its budget's window at once; the budgets are
    // judged on the spend the update leaves (two parts entering one budget count together).
    const write = () =>
      tx.transaction
        .update({
          where: { id: before.id },
          data: {
            externalId,
            date: input.date ?? undefined,
            amountMinor,
            currency,
            direction,
            type,
            description,
            counterpartyName,
            projectId: input.projectId,
          },
        })
        .catch((error: unknown) => {
          // A concurrent create took the externalId between the check above and this write.
          if (isUniqueViolation(error)) throw new DuplicateError(`A transaction with externalId "${externalId}" already exists`, 'externalId');
          rethrowMissingReference(error); // the project was deleted since it was found
        });
    const budgetIds = parts.map((part) => part.budgetId);
    const { result: transaction, alerts } = await changeSpend(tx, viewer, budgetIds, write);
    await recordChange(tx, viewer, { entityType: 'Transaction', entityId: transaction.id, action: 'UPDATED', changes });
    emitBudgetAlerts(uow, alerts);
    return transaction;
  },
);

/**
 * Deletes a transaction and its attachments (metadata now, files once the deletion commits).
 * TransactionInUseError: the transaction is still charged to budgets.
 */
export const deleteTransaction = service(
  [NotFoundError, TransactionInUseError],
  async (uow, input: { id: string; storage?: AttachmentStorage }): Promise<Transaction> => {
    const { tx, viewer } = uow;
    const transaction = await lockTransaction(tx, viewer, input.id, 'id');
    const parts = await tx.budgetTransaction.count({ where: { transactionId: transaction.id } });
    if (parts > 0) {
      throw new TransactionInUseError(`The transaction is charged to budgets by ${parts} budget transaction(s); delete those first`, 'id');
    }
    const attachments = await tx.attachment.findMany({ where: { transactionId: transaction.id }, select: { storageKey: true } });
    await tx.transaction.delete({ where: { id: transaction.id } });
    await recordChange(tx, viewer, { entityType: 'Transaction', entityId: transaction.id, action: 'DELETED', comment: transaction.externalId });
    const { storage } = input;
    if (storage) uow.afterCommit(() => storage.removeAll(attachments.map((attachment) => attachment.storageKey)));
    return transaction;
  },
);


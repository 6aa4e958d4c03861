/**
 * Transfers between two accounts of one organization and one currency (CRM "move" / "unmove").
 *
 * - A transfer with `post: true` moves the money at once and is refused when the source lacks it
 *   (the CRM answers 406 "Средства не перемещены"). Without `post` it is recorded as planned, and
 *   `postTransfer` moves the money later under the same checks.
 * - Cancelling a posted transfer moves the money back and is refused when the target no longer
 *   holds it; a cancelled transfer stays in the history, unposted, with `cancelledAt` set.
 * - Both accounts are locked in id order (see core/row-locks.ts), so transfers in opposite directions
 *   between the same two accounts never deadlock.
 */
import {
  AccountClosedError,
  AlreadyPostedError,
  CurrencyMismatchError,
  InsufficientFundsError,
  InvalidAmountError,
  InvalidInputError,
  NotFoundError,
  SameAccountError,
  TransferCancelledError,
  TotalOutOfRangeError,
} from '../../domain/errors.js';
import { formatMoney, parseMoney } from '../../domain/money.js';
import { optionalText, requireTitle } from '../../domain/text.js';
import type { Transfer } from '../../generated/prisma/client.js';
import { recordChange } from '../core/changelog.js';
import { lockTransfer } from '../core/row-locks.js';
import { service } from '../core/service.js';
import type { Tx } from '../core/unit-of-work.js';
import type { Viewer } from '../core/viewer.js';
import { applyBalanceChanges } from './balances.js';
import { findOpenAccount } from './entry-references.js';

export interface TransferFundsInput {
  fromAccountId: string;
  toAccountId: string;
  /** Decimal string in the accounts' currency, greater than zero. */
  amount: string;
  title: string;
  description?: string | null;
  /** Move the money now (CRM `do: "on"`). */
  post?: boolean | null;
}

/** Moves a transfer's money from source to target; refusals come before any write. */
async function moveMoney(tx: Tx, viewer: Viewer, transfer: Transfer): Promise<Transfer> {
  await applyBalanceChanges(
    tx,
    viewer,
    [
      { accountId: transfer.fromAccountId, deltaMinor: -transfer.amountMinor },
      { accountId: transfer.toAccountId, deltaMinor: transfer.amountMinor },
    ],
    'This transfer',
  );
  const posted = await tx.transfer.update({ where: { id: transfer.id }, data: { posted: true, postedAt: new Date() } });
  await recordChange(tx, viewer, {
    entityType: 'Transfer',
    entityId: transfer.id,
    action: 'POSTED',
    comment: `Moved ${formatMoney(transfer.amountMinor, transfer.currency)} ${transfer.currency}`,
  });
  return posted;
}

/**
 * CRM "move".
 * InvalidInputError, InvalidAmountError
 * NotFoundError either account is not in this organization
 * SameAccountError, CurrencyMismatchError, AccountClosedError
 * InsufficientFundsError with `post`, the source lacks the amount (nothing is recorded)
 */
export const transferFunds = service(
  [InvalidInputError, InvalidAmountError, NotFoundError, SameAccountError, CurrencyMismatchError, AccountClosedError, InsufficientFundsError, TotalOutOfRangeError],
  async ({ tx, viewer }, input: TransferFundsInput): Promise<Transfer> => {
    const title = requireTitle(input.title);
    const description = optionalText(input.description, 'description') ?? null;
    if (input.fromAccountId === input.toAccountId) {
      throw new SameAccountError('A transfer needs two different accounts', 'toAccountId');
    }
    const from = await findOpenAccount(tx, viewer, input.fromAccountId, 'fromAccountId');
    const to = await findOpenAccount(tx, viewer, input.toAccountId, 'toAccountId');
    if (from.currency !== to.currency) {
      throw new CurrencyMismatchError(`"${from.name}" is in ${from.currency}; "${to.name}" is in ${to.currency}`, 'toAccountId');
    }
    const amountMinor = parseMoney(input.amount, from.currency, 'amount', 'positive');
    const transfer = await tx.transfer.create({
      data: {
        organizationId: viewer.organizationId,
        fromAccountId: from.id,
        toAccountId: to.id,
        amountMinor,
        currency: from.currency,
        title,
        description,
        authorId: viewer.userId,
      },
    });
    await recordChange(tx, viewer, {
      entityType: 'Transfer',
      entityId: transfer.id,
      action: 'NEW',
      comment: `Transfer of ${formatMoney(amountMinor, from.currency)} ${from.currency} from "${from.name}" to "${to.name}"`,
    });
    return input.post ? moveMoney(tx, viewer, transfer) : transfer;
  },
);

/**
 * Moves the money of a transfer recorded without `post`.
 * NotFoundError, AlreadyPostedError, TransferCancelledError, AccountClosedError, InsufficientFundsError
 */
export const postTransfer = service(
  [NotFoundError, AlreadyPostedError, TransferCancelledError, AccountClosedError, InsufficientFundsError, TotalOutOfRangeError],
  async ({ tx, viewer }, input: { id: string }): Promise<Transfer> => {
    const transfer = await lockTransfer(tx, viewer, input.id);
    if (transfer.cancelledAt) throw new TransferCancelledError('This transfer was cancelled', 'id');
    if (transfer.posted) throw new AlreadyPostedError('This transfer is already posted', 'id');
    return moveMoney(tx, viewer, transfer);
  },
);

/**
 * CRM "unmove": a posted transfer's money goes back to the source.
 * NotFoundError, TransferCancelledError (already cancelled), AccountClosedError
 * InsufficientFundsError the target no longer holds the amount
 */
export const cancelTransfer = service(
  [NotFoundError, TransferCancelledError, AccountClosedError, InsufficientFundsError, TotalOutOfRangeError],
  async ({ tx, viewer }, input: { id: string }): Promise<Transfer> => {
    const transfer = await lockTransfer(tx, viewer, input.id);
    if (transfer.cancelledAt) throw new TransferCancelledError('This transfer was already cancelled', 'id');
    if (transfer.posted) {
      await applyBalanceChanges(
        tx,
        viewer,
        [
          { accountId: transfer.toAccountId, deltaMinor: -transfer.amountMinor },
          { accountId: transfer.fromAccountId, deltaMinor: transfer.amountMinor },
        ],
        'Cancelling this transfer',
      );
    }
    const cancelled = await tx.transfer.update({
      where: { id: transfer.id },
      data: { posted: false, postedAt: null, cancelledAt: new Date() },
    });
    await recordChange(tx, viewer, {
      entityType: 'Transfer',
      entityId: transfer.id,
      action: 'CANCELLED',
      comment: transfer.posted
        ? `Moved ${formatMoney(transfer.amountMinor, transfer.currency)} ${transfer.currency} back to the source`
        : 'Cancelled before any money moved',
    });
    return cancelled;
  },
);

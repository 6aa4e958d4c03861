/**
 * Who an attachment belongs to: exactly one external transaction OR one expense/income record (the
 * CRM's `fid` / `files`). The owner is found in the viewer's organization and its row is held with
 * FOR KEY SHARE until the attachment is written: a concurrent delete of the owner (which takes FOR
 * UPDATE) waits for the attachment to commit and then deletes it with its owner, or wins and the
 * attachment is refused with NOT_FOUND. KEY SHARE does not block posting or editing the owner.
 */
import { InvalidInputError, NotFoundError } from '../../domain/errors.js';
import type { EntryKind } from '../../generated/prisma/client.js';
import { recordChange } from '../core/changelog.js';
import { KIND_NAME } from '../ledger/posting.js';
import type { Tx } from '../core/unit-of-work.js';
import type { Viewer } from '../core/viewer.js';

export interface AttachmentOwnerInput {
  transactionId?: string | null;
  entryId?: string | null;
  /** When given, the record must be of this kind: an income is not found as an expense. */
  entryKind?: EntryKind | null;
  /** The input field a missing owner is reported on; defaults to transactionId / expenseId / incomeId / entryId. */
  field?: string;
}

export type AttachmentOwner =
  | { type: 'Transaction'; transactionId: string; entryId: null }
  | { type: 'Entry'; transactionId: null; entryId: string };

/** The owner's foreign-key columns on an Attachment row. */
export function ownerColumns(owner: AttachmentOwner): { transactionId: string | null; entryId: string | null } {
  return { transactionId: owner.transactionId, entryId: owner.entryId };
}

function entryField(kind: EntryKind | null | undefined): string {
  if (kind === 'EXPENSE') return 'expenseId';
  if (kind === 'INCOME') return 'incomeId';
  return 'entryId';
}

/**
 * Checks the shape (exactly one owner) without touching the database, so a bad request costs no
 * disk write. @throws InvalidInputError none or both of transactionId and entryId
 */
export function requireOneOwner(input: AttachmentOwnerInput): void {
  const given = [input.transactionId, input.entryId].filter((id) => id != null).length;
  if (given !== 1) {
    throw new InvalidInputError(
      given === 0
        ? 'Say what the file is attached to: give exactly one of transactionId, expenseId or incomeId'
        : 'An attachment belongs to exactly one transaction, expense or income: give only one of transactionId, expenseId or incomeId',
      input.field ?? 'transactionId',
    );
  }
}

/**
 * Finds the owner in the viewer's organization and holds its row (see the module comment).
 * @throws InvalidInputError none or both owners given
 * @throws NotFoundError the owner is missing, another organization's, or a record of the other kind
 */
export async function lockAttachmentOwner(tx: Tx, viewer: Viewer, input: AttachmentOwnerInput): Promise<AttachmentOwner> {
  requireOneOwner(input);
  if (input.transactionId != null) {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "Transaction"
       WHERE id = ${input.transactionId}::uuid AND "organizationId" = ${viewer.organizationId}::uuid
         FOR KEY SHARE`;
    if (rows.length === 0) throw new NotFoundError('Transaction', input.field ?? 'transactionId');
    return { type: 'Transaction', transactionId: rows[0]!.id, entryId: null };
  }
  const rows = await tx.$queryRaw<{ id: string; kind: EntryKind }[]>`
    SELECT id, kind::text AS kind FROM "Entry"
     WHERE id = ${input.entryId}::uuid AND "organizationId" = ${viewer.organizationId}::uuid
       FOR KEY SHARE`;
  const row = rows[0];
  if (!row || (input.entryKind && row.kind !== input.entryKind)) {
    throw new NotFoundError(input.entryKind ? KIND_NAME[input.entryKind] : 'Expense or income', input.field ?? entryField(input.entryKind));
  }
  return { type: 'Entry', transactionId: null, entryId: row.id };
}

/** The owner of an existing attachment row. */
export function ownerOf(attachment: { transactionId: string | null; entryId: string | null }): AttachmentOwner | null {
  if (attachment.entryId) return { type: 'Entry', transactionId: null, entryId: attachment.entryId };
  if (attachment.transactionId) return { type: 'Transaction', transactionId: attachment.transactionId, entryId: null };
  return null;
}

/**
 * An UPDATED event on the owner, so the record's or transaction's own history shows the file
 * coming and going (the Attachment keeps its own NEW/UPDATED/DELETED events as well).
 */
export async function recordOwnerChange(tx: Tx, viewer: Viewer, owner: AttachmentOwner | null, comment: string): Promise<void> {
  if (!owner) return;
  await recordChange(tx, viewer, {
    entityType: owner.type,
    entityId: owner.type === 'Entry' ? owner.entryId : owner.transactionId,
    action: 'UPDATED',
    comment,
  });
}

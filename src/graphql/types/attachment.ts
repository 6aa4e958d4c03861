/**
 * Attachments of transactions and of expense/income records. An attachment has exactly one owner;
 * uploads and metadata take exactly one of transactionId, expenseId or incomeId.
 */
import { createHash } from 'node:crypto';
import { InvalidIdError, InvalidInputError } from '../../domain/errors.js';
import { requirePrintable } from '../../domain/text.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { AttachmentOwnerInput } from '../../services/attachments/attachment-owner.js';
import { createAttachment, deleteAttachment, updateAttachment, uploadAttachment, type UploadedFile } from '../../services/attachments/attachments.js';
import { builder, PAGING } from '../builder.js';
import { attachmentDownloadPath } from '../download-path.js';
import { decodeIdOf } from '../global-id.js';
import { containsText } from '../search-text.js';
import { defineMutation, type InputFieldBuilder } from '../mutation.js';
import { deletedPayload, recordPayload } from '../payloads.js';
import { EntryInterface } from './entry.js';

interface OwnerIdArgs {
  transactionId?: string | null;
  expenseId?: string | null;
  incomeId?: string | null;
}

/**
 * Decodes the one owner id given. An Expense id passed as incomeId is INVALID_ID (its type is
 * wrong), never NOT_FOUND; none or several ids is INVALID_INPUT.
 */
function ownerFromArgs(args: OwnerIdArgs): AttachmentOwnerInput {
  const given = (['transactionId', 'expenseId', 'incomeId'] as const).filter((field) => args[field] != null);
  if (given.length !== 1) {
    throw new InvalidInputError(
      given.length === 0
        ? 'Say what the file is attached to: give exactly one of transactionId, expenseId or incomeId'
        : `An attachment belongs to exactly one transaction, expense or income; got ${given.join(' and ')}`,
      given[1] ?? 'transactionId',
    );
  }
  if (args.transactionId != null) return { transactionId: decodeIdOf('Transaction', args.transactionId, 'transactionId') };
  if (args.expenseId != null) return { entryId: decodeIdOf('Expense', args.expenseId, 'expenseId'), entryKind: 'EXPENSE' };
  return { entryId: decodeIdOf('Income', args.incomeId!, 'incomeId'), entryKind: 'INCOME' };
}

const OWNER_ID_DESCRIPTION = 'Exactly one of transactionId, expenseId and incomeId says what the file is attached to.';

/** The three owner id fields of uploadAttachment and createAttachment: give exactly one. */
const ownerIdFields = (t: InputFieldBuilder) => ({
  transactionId: t.id({ description: 'Attach to this external transaction (global id). Give exactly one of transactionId, expenseId, incomeId.' }),
  expenseId: t.id({ description: 'Attach to this expense (global id of an Expense). Give exactly one of transactionId, expenseId, incomeId.' }),
  incomeId: t.id({ description: 'Attach to this income (global id of an Income). Give exactly one of transactionId, expenseId, incomeId.' }),
});

builder.prismaNode('Attachment', {
  id: { field: 'id' },
  description:
    'A file attached to one transaction or one expense/income record (CRM "fid"): metadata here, bytes in storage (uploads) or elsewhere (metadata-only records).',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    transaction: t.relation('transaction', { nullable: true, description: 'The transaction it is attached to; null when it belongs to a record.' }),
    entry: t.relation('entry', { type: EntryInterface, nullable: true, description: 'The expense or income it is attached to; null when it belongs to a transaction.' }),
    fileName: t.exposeString('fileName', { description: 'The file\'s name without any folder path, e.g. "receipt-0412.pdf".' }),
    contentType: t.exposeString('contentType', { description: 'Sniffed from the bytes for uploads, never taken from the client.' }),
    sizeBytes: t.exposeInt('sizeBytes', { description: 'The size in bytes: measured for uploads, as the client stated it for metadata-only records.' }),
    sha256: t.exposeString('sha256', { nullable: true, description: 'The SHA-256 of the stored bytes, 64 lowercase hex digits; null for metadata-only records.' }),
    stored: t.boolean({ description: 'Whether the bytes are stored by Allot.', select: { storageKey: true }, resolve: (row) => row.storageKey !== null }),
    downloadUrl: t.string({
      nullable: true,
      description:
        'Where to GET the stored bytes, a path on this server (e.g. "/attachments/<id>"), sent with the same Authorization header; answered with the stored content type as a download. Null when no bytes are stored (metadata-only records).',
      select: { storageKey: true, id: true },
      resolve: (row) => (row.storageKey === null ? null : attachmentDownloadPath(row.id)),
    }),
    description: t.exposeString('description', { nullable: true, description: 'Free text about the file; null when none was given.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the file was attached.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the file name or description was last changed (or when it was attached).' }),
  }),
});

const AttachmentOwnerTypeEnum = builder.enumType('AttachmentOwnerType', {
  description: 'What kind of object an attachment belongs to.',
  values: { TRANSACTION: { description: 'Attached to an external transaction.' }, ENTRY: { description: 'Attached to an expense or income.' } },
});

const AttachmentFilter = builder.inputType('AttachmentFilter', {
  description: 'Which attachments to list. The given fields combine with AND; an omitted field does not filter.',
  fields: (t) => ({
    transactionId: t.id({ description: 'Only the attachments of this transaction.' }),
    expenseId: t.id({ description: 'Only the attachments of this expense.' }),
    incomeId: t.id({ description: 'Only the attachments of this income.' }),
    ownerType: t.field({ type: AttachmentOwnerTypeEnum, description: 'Only attachments of transactions, or only those of records.' }),
    search: t.string({ description: 'Case-insensitive text found in the file name or the description; trimmed, only its first 200 characters are used.' }),
  }),
});

/** Every filter given narrows the list (they combine with AND); the organization always applies. */
function attachmentWhere(organizationId: string, filter: typeof AttachmentFilter.$inferInput | null | undefined): Prisma.AttachmentWhereInput {
  const conditions: Prisma.AttachmentWhereInput[] = [];
  if (filter?.transactionId) conditions.push({ transactionId: decodeIdOf('Transaction', filter.transactionId, 'filter.transactionId') });
  if (filter?.expenseId) conditions.push({ entry: { id: decodeIdOf('Expense', filter.expenseId, 'filter.expenseId'), kind: 'EXPENSE' } });
  if (filter?.incomeId) conditions.push({ entry: { id: decodeIdOf('Income', filter.incomeId, 'filter.incomeId'), kind: 'INCOME' } });
  if (filter?.ownerType === 'TRANSACTION') conditions.push({ transactionId: { not: null } });
  if (filter?.ownerType === 'ENTRY') conditions.push({ entryId: { not: null } });
  // PostgreSQL text cannot hold NUL: refuse it as bad input instead of failing in the driver.
  const search = filter?.search == null ? undefined : requirePrintable(filter.search, 'filter.search').trim().slice(0, 200);
  if (search) conditions.push({ OR: [{ fileName: containsText(search) }, { description: containsText(search) }] });
  return { organizationId, AND: conditions };
}

builder.queryField('attachments', (t) =>
  t.prismaConnection({
    description: 'The organization\'s attachments, newest first.',
    type: 'Attachment',
    cursor: 'id',
    ...PAGING,
    args: { filter: t.arg({ type: AttachmentFilter, description: 'Only attachments matching this; all when omitted.' }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.attachment.findMany({ ...query, where: attachmentWhere(ctx.viewer.organizationId, args.filter), orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] }),
    totalCount: (_root, args, ctx) => ctx.db.attachment.count({ where: attachmentWhere(ctx.viewer.organizationId, args.filter) }),
  }),
);

const attachmentPayload = recordPayload('attachment', 'Attachment', 'attachmentId');

/** Decoding the owner id can refuse a malformed id or not exactly one owner. */
const OWNER_ERRORS = [InvalidIdError, InvalidInputError];

/**
 * What identifies an upload for its idempotency key: the file's name, type, size and content
 * digest stand in for the File object, which serialises to nothing, so a retry of the same file
 * replays and the same key with another file is IDEMPOTENCY_KEY_REUSED.
 */
async function uploadFingerprint<Input extends { file: UploadedFile }>(input: Input) {
  const digest = createHash('sha256').update(Buffer.from(await input.file.arrayBuffer())).digest('hex');
  return { ...input, file: { name: input.file.name, size: input.file.size, sha256: digest } };
}

defineMutation({
  name: 'uploadAttachment',
  description: 'Uploads a file through the GraphQL multipart request spec and attaches it to a transaction, an expense or an income.',
  inputDescription: OWNER_ID_DESCRIPTION,
  input: (t) => ({
    ...ownerIdFields(t),
    file: t.field({
      type: 'File',
      required: true,
      description:
        'A multipart request part. PDF, PNG, JPEG, GIF, WebP, CSV or plain text, judged by its bytes; at most 10 MiB unless the server sets ALLOT_MAX_UPLOAD_BYTES (FILE_TOO_LARGE).',
    }),
    description: t.string({ description: 'Free text about the file, at most 10 000 characters.' }),
  }),
  idempotent: true,
  service: uploadAttachment,
  serviceInput: (input, ctx) => ({ ...ownerFromArgs(input), file: input.file, description: input.description, storage: ctx.attachments }),
  inputErrors: OWNER_ERRORS,
  fingerprint: uploadFingerprint,
  payload: (attachment) => ({ attachmentId: attachment.id }),
  success: attachmentPayload,
});

defineMutation({
  name: 'createAttachment',
  description: 'Records a document kept elsewhere (metadata only, no bytes stored) on a transaction, an expense or an income.',
  inputDescription: `Metadata of a document kept elsewhere; no bytes are stored. Use uploadAttachment to store a file. ${OWNER_ID_DESCRIPTION}`,
  input: (t) => ({
    ...ownerIdFields(t),
    fileName: t.string({ required: true, description: 'The file name; any folder path is dropped, then 1–500 characters.' }),
    contentType: t.string({
      required: true,
      description: 'The MIME type: application/pdf, image/png, image/jpeg, image/gif, image/webp, text/csv or text/plain (case does not matter).',
    }),
    sizeBytes: t.int({ required: true, description: 'The document\'s size in bytes, 0 or more; taken as stated.' }),
    description: t.string({ description: 'Free text about the document, at most 10 000 characters.' }),
  }),
  idempotent: true,
  service: createAttachment,
  serviceInput: (input) => ({
    ...ownerFromArgs(input),
    fileName: input.fileName,
    contentType: input.contentType,
    sizeBytes: input.sizeBytes,
    description: input.description,
  }),
  inputErrors: OWNER_ERRORS,
  payload: (attachment) => ({ attachmentId: attachment.id }),
  success: attachmentPayload,
});

defineMutation({
  name: 'updateAttachment',
  description: 'Renames an attachment or changes its description; the bytes and their content type never change.',
  inputDescription: 'Partial: omitted fields are kept; description: null clears it.',
  input: (t) => ({
    id: t.id({ required: true, description: 'The global id of the attachment to change.' }),
    fileName: t.string({ description: 'The new file name; any folder path is dropped, then 1–500 characters. Omitted or null: kept.' }),
    description: t.string({ description: 'The new description, at most 10 000 characters. Omitted: kept; null or blank: cleared.' }),
  }),
  ids: { id: 'Attachment' },
  service: updateAttachment,
  payload: (attachment) => ({ attachmentId: attachment.id }),
  success: attachmentPayload,
});

defineMutation({
  name: 'deleteAttachment',
  description: 'Deletes an attachment; its stored bytes, if any, are removed once the deletion commits.',
  input: (t) => ({ id: t.id({ required: true, description: 'The global id of the attachment to delete.' }) }),
  ids: { id: 'Attachment' },
  service: deleteAttachment,
  serviceInput: (input, ctx) => ({ id: input.id, storage: ctx.attachments }),
  alsoDeclares: [InvalidInputError],
  payload: (_attachment, input) => ({ deletedId: input.id }),
  success: deletedPayload(),
});

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
import { decodeIdOf } from '../global-id.js';
import { containsText } from '../search-text.js';
import { defineMutation } from '../mutation.js';
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

builder.prismaNode('Attachment', {
  id: { field: 'id' },
  description:
    'A file attached to one transaction or one expense/income record (CRM "fid"): metadata here, bytes in storage (uploads) or elsewhere (metadata-only records).',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    transaction: t.relation('transaction', { nullable: true, description: 'The transaction it is attached to; null when it belongs to a record.' }),
    entry: t.relation('entry', { type: EntryInterface, nullable: true, description: 'The expense or income it is attached to; null when it belongs to a transaction.' }),
    fileName: t.exposeString('fileName'),
    contentType: t.exposeString('contentType', { description: 'Sniffed from the bytes for uploads, never taken from the client.' }),
    sizeBytes: t.exposeInt('sizeBytes'),
    sha256: t.exposeString('sha256', { nullable: true }),
    stored: t.boolean({ description: 'Whether the bytes are stored by Allot.', select: { storageKey: true }, resolve: (row) => row.storageKey !== null }),
    description: t.exposeString('description', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const AttachmentOwnerTypeEnum = builder.enumType('AttachmentOwnerType', {
  values: { TRANSACTION: { description: 'Attached to an external transaction.' }, ENTRY: { description: 'Attached to an expense or income.' } },
});

const AttachmentFilter = builder.inputType('AttachmentFilter', {
  fields: (t) => ({
    transactionId: t.id({ description: 'Only the attachments of this transaction.' }),
    expenseId: t.id({ description: 'Only the attachments of this expense.' }),
    incomeId: t.id({ description: 'Only the attachments of this income.' }),
    ownerType: t.field({ type: AttachmentOwnerTypeEnum, description: 'Only attachments of transactions, or only those of records.' }),
    search: t.string({ description: 'Case-insensitive text found in the file name or the description.' }),
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
    transactionId: t.id(),
    expenseId: t.id(),
    incomeId: t.id(),
    file: t.field({ type: 'File', required: true, description: 'A multipart request part. PDF, PNG, JPEG, GIF, WebP, CSV or plain text.' }),
    description: t.string(),
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
  inputDescription: `Metadata of a document kept elsewhere; no bytes are stored. Use uploadAttachment to store a file. ${OWNER_ID_DESCRIPTION}`,
  input: (t) => ({
    transactionId: t.id(),
    expenseId: t.id(),
    incomeId: t.id(),
    fileName: t.string({ required: true }),
    contentType: t.string({ required: true }),
    sizeBytes: t.int({ required: true }),
    description: t.string(),
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
  inputDescription: 'Partial: omitted fields are kept; description: null clears it.',
  input: (t) => ({ id: t.id({ required: true }), fileName: t.string(), description: t.string() }),
  ids: { id: 'Attachment' },
  service: updateAttachment,
  payload: (attachment) => ({ attachmentId: attachment.id }),
  success: attachmentPayload,
});

defineMutation({
  name: 'deleteAttachment',
  input: (t) => ({ id: t.id({ required: true }) }),
  ids: { id: 'Attachment' },
  service: deleteAttachment,
  serviceInput: (input, ctx) => ({ id: input.id, storage: ctx.attachments }),
  alsoDeclares: [InvalidInputError],
  payload: (_attachment, input) => ({ deletedId: input.id }),
  success: deletedPayload(),
});

import { requirePrintable } from '../../domain/text.js';
import { FileTooLargeError, FileTypeRefusedError } from '../../domain/errors.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { createAttachment, deleteAttachment, updateAttachment, uploadAttachment } from '../../services/attachments.js';
import { builder, PAGING } from '../builder.js';
import { decodeIdOf } from '../global-id.js';
import { COMMON_ERRORS } from './errors.js';

builder.prismaNode('Attachment', {
  id: { field: 'id' },
  description: 'A file attached to a transaction: metadata here, bytes in storage (uploads) or elsewhere (metadata-only records).',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    transaction: t.relation('transaction', { nullable: true }),
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

const AttachmentFilter = builder.inputType('AttachmentFilter', {
  fields: (t) => ({
    transactionId: t.id(),
    search: t.string({ description: 'Case-insensitive text found in the file name or the description.' }),
  }),
});

function attachmentWhere(organizationId: string, filter: typeof AttachmentFilter.$inferInput | null | undefined): Prisma.AttachmentWhereInput {
  // PostgreSQL text cannot hold NUL: refuse it as bad input instead of failing in the driver.
  const search = filter?.search == null ? undefined : requirePrintable(filter.search, 'filter.search').trim().slice(0, 200);
  return {
    organizationId,
    ...(filter?.transactionId ? { transactionId: decodeIdOf('Transaction', filter.transactionId, 'filter.transactionId') } : {}),
    ...(search
      ? { OR: [{ fileName: { contains: search, mode: 'insensitive' } }, { description: { contains: search, mode: 'insensitive' } }] }
      : {}),
  };
}

builder.queryField('attachments', (t) =>
  t.prismaConnection({
    type: 'Attachment',
    cursor: 'id',
    ...PAGING,
    args: { filter: t.arg({ type: AttachmentFilter }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.attachment.findMany({ ...query, where: attachmentWhere(ctx.viewer.organizationId, args.filter), orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] }),
    totalCount: (_root, args, ctx) => ctx.db.attachment.count({ where: attachmentWhere(ctx.viewer.organizationId, args.filter) }),
  }),
);

function attachmentPayload(name: string) {
  return builder.objectRef<{ attachmentId: string }>(name).implement({
    fields: (t) => ({
      attachment: t.prismaField({
        type: 'Attachment',
        resolve: (query, payload, _args, ctx) => ctx.db.attachment.findUniqueOrThrow({ ...query, where: { id: payload.attachmentId } }),
      }),
    }),
  });
}

const UploadAttachmentInput = builder.inputType('UploadAttachmentInput', {
  fields: (t) => ({
    transactionId: t.id({ required: true }),
    file: t.field({ type: 'File', required: true, description: 'A multipart request part. PDF, PNG, JPEG, GIF, WebP, CSV or plain text.' }),
    description: t.string(),
  }),
});

builder.mutationField('uploadAttachment', (t) =>
  t.field({
    type: attachmentPayload('UploadAttachmentSuccess'),
    description: 'Uploads a file through the GraphQL multipart request spec and attaches it to a transaction.',
    args: { input: t.arg({ type: UploadAttachmentInput, required: true }) },
    errors: { types: [...COMMON_ERRORS, FileTooLargeError, FileTypeRefusedError] },
    resolve: async (_root, { input }, ctx) => {
      const attachment = await uploadAttachment(ctx.db, ctx.viewer, ctx.attachments, {
        transactionId: decodeIdOf('Transaction', input.transactionId, 'transactionId'),
        file: input.file,
        description: input.description,
      });
      return { attachmentId: attachment.id };
    },
  }),
);

const CreateAttachmentInput = builder.inputType('CreateAttachmentInput', {
  description: 'Metadata of a document kept elsewhere; no bytes are stored. Use uploadAttachment to store a file.',
  fields: (t) => ({
    transactionId: t.id({ required: true }),
    fileName: t.string({ required: true }),
    contentType: t.string({ required: true }),
    sizeBytes: t.int({ required: true }),
    description: t.string(),
  }),
});

builder.mutationField('createAttachment', (t) =>
  t.field({
    type: attachmentPayload('CreateAttachmentSuccess'),
    args: { input: t.arg({ type: CreateAttachmentInput, required: true }) },
    errors: { types: [...COMMON_ERRORS, FileTypeRefusedError] },
    resolve: async (_root, { input }, ctx) => {
      const attachment = await createAttachment(ctx.db, ctx.viewer, {
        ...input,
        transactionId: decodeIdOf('Transaction', input.transactionId, 'transactionId'),
      });
      return { attachmentId: attachment.id };
    },
  }),
);

const UpdateAttachmentInput = builder.inputType('UpdateAttachmentInput', {
  description: 'Partial: omitted fields are kept; description: null clears it.',
  fields: (t) => ({ id: t.id({ required: true }), fileName: t.string(), description: t.string() }),
});

builder.mutationField('updateAttachment', (t) =>
  t.field({
    type: attachmentPayload('UpdateAttachmentSuccess'),
    args: { input: t.arg({ type: UpdateAttachmentInput, required: true }) },
    errors: { types: COMMON_ERRORS },
    resolve: async (_root, { input }, ctx) => {
      const attachment = await updateAttachment(ctx.db, ctx.viewer, { ...input, id: decodeIdOf('Attachment', input.id, 'id') });
      return { attachmentId: attachment.id };
    },
  }),
);

const DeleteAttachmentInput = builder.inputType('DeleteAttachmentInput', { fields: (t) => ({ id: t.id({ required: true }) }) });
const DeleteAttachmentSuccess = builder.objectRef<{ deletedId: string }>('DeleteAttachmentSuccess').implement({
  fields: (t) => ({ deletedId: t.exposeID('deletedId') }),
});

builder.mutationField('deleteAttachment', (t) =>
  t.field({
    type: DeleteAttachmentSuccess,
    args: { input: t.arg({ type: DeleteAttachmentInput, required: true }) },
    errors: { types: COMMON_ERRORS },
    resolve: async (_root, { input }, ctx) => {
      await deleteAttachment(ctx.db, ctx.viewer, ctx.attachments, { id: decodeIdOf('Attachment', input.id, 'id') });
      return { deletedId: input.id };
    },
  }),
);

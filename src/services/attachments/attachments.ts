/**
 * Files attached to an external transaction or to an expense/income record (receipts, invoices,
 * statements; the CRM's `fid` / `files`): exactly one owner each (attachment-owner.ts). The bytes go to
 * AttachmentStorage, the metadata to the Attachment table. An upload is refused when it is over the
 * size limit (checked before reading it) or when its first bytes are not one of the accepted types;
 * the stored content type is the sniffed one, never the client's claim. Attaching or removing a file
 * also writes an UPDATED event on the owner, so its history shows the file.
 */
import path from 'node:path';
import { createHash } from 'node:crypto';
import { FileTooLargeError, FileTypeRefusedError, InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { ALLOWED_CONTENT_TYPES, isAllowedContentType, sniffContentType } from '../../domain/file-types.js';
import { optionalText, requireTitle } from '../../domain/text.js';
import type { Attachment } from '../../generated/prisma/client.js';
import { diffFields, recordChange } from '../core/changelog.js';
import { service } from '../core/service.js';
import type { Tx } from '../core/unit-of-work.js';
import type { Viewer } from '../core/viewer.js';
import { lockAttachmentOwner, ownerColumns, ownerOf, recordOwnerChange, requireOneOwner, type AttachmentOwnerInput } from './attachment-owner.js';
import type { AttachmentStorage } from './attachment-storage.js';

/** What an upload needs from a file: a Blob / the multipart `File` scalar fits. */
export interface UploadedFile {
  name: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** The last path segment only: "C:\\scans\\r.pdf" and "../../r.pdf" both become "r.pdf". */
function cleanFileName(raw: string): string {
  return requireTitle(path.basename(raw.replace(/\\/g, '/')), 'fileName');
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${bytes} bytes`;
}

export interface UploadAttachmentInput extends AttachmentOwnerInput {
  /** Where the bytes go, with the upload size limit. */
  storage: AttachmentStorage;
  file: UploadedFile;
  description?: string | null;
}

/**
 * FileTooLargeError: over the storage's size limit. FileTypeRefusedError: the bytes are not an
 * accepted type (whatever the client claimed). NotFoundError: the transaction or record (missing,
 * another organization's, the other kind). InvalidInputError: empty file name, over-long
 * description, not exactly one owner.
 *
 * The owner is locked before the bytes are written, so a wrong id costs no disk write; the bytes
 * commit with the attachment row (database) or are removed again if it does not (directory).
 */
export const uploadAttachment = service(
  [FileTooLargeError, FileTypeRefusedError, NotFoundError, InvalidInputError],
  async (uow, input: UploadAttachmentInput): Promise<Attachment> => {
    const { tx, viewer } = uow;
    const { storage } = input;
    requireOneOwner(input);
    const fileName = cleanFileName(input.file.name);
    const description = optionalText(input.description, 'description') ?? null;
    if (input.file.size > storage.maxBytes) {
      throw new FileTooLargeError(`${fileName} is ${formatBytes(input.file.size)}; the limit is ${formatBytes(storage.maxBytes)}`, 'file');
    }
    const bytes = new Uint8Array(await input.file.arrayBuffer());
    // The declared size is the client's word; the bytes are what we store.
    if (bytes.length > storage.maxBytes) {
      throw new FileTooLargeError(`${fileName} is ${formatBytes(bytes.length)}; the limit is ${formatBytes(storage.maxBytes)}`, 'file');
    }
    const contentType = sniffContentType(bytes, fileName);
    if (!contentType) {
      throw new FileTypeRefusedError(`${fileName} is not one of the accepted types: ${ALLOWED_CONTENT_TYPES.join(', ')}`, 'file');
    }
    const owner = await lockAttachmentOwner(tx, viewer, input);
    const storageKey = storage.newStorageKey(viewer.organizationId);
    const attachment = await tx.attachment.create({
      data: {
        organizationId: viewer.organizationId,
        ...ownerColumns(owner),
        fileName,
        contentType,
        sizeBytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        storageKey,
        description,
      },
    });
    // After the row (the database's chunks reference it); in this transaction either way.
    await storage.write(uow, attachment.id, storageKey, bytes);
    await recordChange(tx, viewer, { entityType: 'Attachment', entityId: attachment.id, action: 'NEW', comment: `${fileName} (${contentType})` });
    await recordOwnerChange(tx, viewer, owner, `Attached file "${fileName}"`);
    return attachment;
  },
);

export interface CreateAttachmentInput extends AttachmentOwnerInput {
  fileName: string;
  contentType: string;
  sizeBytes: number;
  description?: string | null;
}

/**
 * Records metadata of a document kept elsewhere (no bytes are stored). NotFoundError: the
 * transaction or record (missing, another organization's, the other kind). FileTypeRefusedError:
 * the content type is not accepted. InvalidInputError: empty file name, negative size, not exactly
 * one owner.
 */
export const createAttachment = service(
  [NotFoundError, FileTypeRefusedError, InvalidInputError],
  async ({ tx, viewer }, input: CreateAttachmentInput): Promise<Attachment> => {
    const fileName = cleanFileName(input.fileName);
    const description = optionalText(input.description, 'description') ?? null;
    const contentType = input.contentType.trim().toLowerCase();
    if (!isAllowedContentType(contentType)) {
      throw new FileTypeRefusedError(`"${input.contentType.slice(0, 100)}" is not one of ${ALLOWED_CONTENT_TYPES.join(', ')}`, 'contentType');
    }
    if (!Number.isInteger(input.sizeBytes) || input.sizeBytes < 0) {
      throw new InvalidInputError('sizeBytes must be a whole number of bytes, 0 or more', 'sizeBytes');
    }
    const owner = await lockAttachmentOwner(tx, viewer, input);
    const attachment = await tx.attachment.create({
      data: { organizationId: viewer.organizationId, ...ownerColumns(owner), fileName, contentType, sizeBytes: input.sizeBytes, description },
    });
    await recordChange(tx, viewer, { entityType: 'Attachment', entityId: attachment.id, action: 'NEW', comment: `${fileName} (metadata only)` });
    await recordOwnerChange(tx, viewer, owner, `Attached file "${fileName}" (metadata only)`);
    return attachment;
  },
);

async function findAttachment(tx: Tx, viewer: Viewer, id: string): Promise<Attachment> {
  const attachment = await tx.attachment.findFirst({ where: { id, organizationId: viewer.organizationId } });
  if (!attachment) throw new NotFoundError('Attachment', 'id');
  return attachment;
}

/** Renames or re-describes; the bytes and their type never change. */
export const updateAttachment = service(
  [NotFoundError, InvalidInputError],
  async ({ tx, viewer }, input: { id: string; fileName?: string | null; description?: string | null }): Promise<Attachment> => {
    const fileName = input.fileName == null ? undefined : cleanFileName(input.fileName);
    const description = optionalText(input.description, 'description');
    const before = await findAttachment(tx, viewer, input.id);
    const changes = diffFields({ fileName: before.fileName, description: before.description }, { fileName, description });
    if (Object.keys(changes).length === 0) return before;
    const attachment = await tx.attachment.update({ where: { id: before.id }, data: { fileName, description } });
    await recordChange(tx, viewer, { entityType: 'Attachment', entityId: attachment.id, action: 'UPDATED', changes });
    return attachment;
  },
);

/** Deletes the metadata, then (once that commits) the file. */
export const deleteAttachment = service(
  [NotFoundError],
  async (uow, input: { id: string; storage: AttachmentStorage }): Promise<Attachment> => {
    const { tx, viewer } = uow;
    const attachment = await findAttachment(tx, viewer, input.id);
    await tx.attachment.delete({ where: { id: attachment.id } });
    await recordChange(tx, viewer, { entityType: 'Attachment', entityId: attachment.id, action: 'DELETED', comment: attachment.fileName });
    await recordOwnerChange(tx, viewer, ownerOf(attachment), `Removed file "${attachment.fileName}"`);
    uow.afterCommit(() => input.storage.remove(attachment.storageKey));
    return attachment;
  },
);

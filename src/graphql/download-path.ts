/**
 * Where an attachment's bytes are downloaded (`Attachment.downloadUrl`), served by
 * src/http/attachment-download.ts. Here, below http/, so the schema can name the path.
 */
import { encodeGlobalId } from './global-id.js';

export const ATTACHMENT_DOWNLOAD_PREFIX = '/attachments/';

/** The path of an attachment's stored bytes on this server. */
export function attachmentDownloadPath(attachmentId: string): string {
  return `${ATTACHMENT_DOWNLOAD_PREFIX}${encodeGlobalId('Attachment', attachmentId)}`;
}

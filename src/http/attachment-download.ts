/**
 * `GET /attachments/<global id>` (and HEAD): the stored bytes of an uploaded attachment, streamed,
 * for the caller's organization only. `Attachment.downloadUrl` names this path.
 *
 * - The same `Authorization: Bearer <api key>` as /graphql; none or a bad one is 401
 *   UNAUTHENTICATED. A GET cannot change anything, so no CSRF header is asked for.
 * - A malformed id, or one of another type, is 400 INVALID_ID. An id that names nothing, or
 *   another organization's attachment, is the same 404 NOT_FOUND, so ids cannot be probed.
 *   A metadata-only attachment (no bytes stored) is 404 as well, saying so.
 * - The answer carries the content type sniffed at upload (never the client's claim),
 *   `X-Content-Type-Options: nosniff` and a sandboxing CSP so a browser never runs the file as a
 *   page, `Content-Disposition: attachment` with an ASCII fallback name and the exact name in
 *   RFC 5987 form, and `Cache-Control: private, no-store` (receipts are private).
 * - The bytes are read piece by piece from the directory or the database
 *   (services/attachments/attachment-storage.ts), never whole in memory.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from '../db/open.js';
import { ATTACHMENT_DOWNLOAD_PREFIX } from '../graphql/download-path.js';
import { decodeIdOf } from '../graphql/global-id.js';
import { InvalidIdError } from '../domain/errors.js';
import type { AttachmentStorage } from '../services/attachments/attachment-storage.js';
import type { ApiKeyCache } from './api-key-cache.js';

export { ATTACHMENT_DOWNLOAD_PREFIX };

/**
 * `attachment; filename="…"; filename*=UTF-8''…`: the quoted name keeps printable ASCII only
 * (anything else, quotes and backslashes become "_", so it can neither end the quoted string nor
 * inject a header), the starred one is the exact name, percent-encoded.
 */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const exact = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

interface DownloadOptions {
  db: Db;
  apiKeys: ApiKeyCache;
  storage: AttachmentStorage;
  onError(error: unknown, message: string): void;
}

function answer(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

export async function serveAttachmentDownload(req: IncomingMessage, res: ServerResponse, pathname: string, options: DownloadOptions): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return answer(res, 405, 'METHOD_NOT_ALLOWED', 'Attachments are downloaded with GET', { allow: 'GET, HEAD' });
  }
  const match = /^Bearer\s+(\S+)$/i.exec((req.headers.authorization ?? '').trim());
  const viewer = match?.[1] ? await options.apiKeys.authenticate(match[1]) : null;
  if (!viewer) {
    const message = req.headers.authorization ? 'Invalid or revoked API key' : 'Missing API key: send "Authorization: Bearer <api key>"';
    return answer(res, 401, 'UNAUTHENTICATED', message, { 'www-authenticate': 'Bearer' });
  }
  let id: string;
  try {
    id = decodeIdOf('Attachment', decodeURIComponent(pathname.slice(ATTACHMENT_DOWNLOAD_PREFIX.length)), 'id');
  } catch (error) {
    if (error instanceof InvalidIdError || error instanceof URIError) return answer(res, 400, 'INVALID_ID', 'Not a valid Attachment id');
    throw error;
  }
  const attachment = await options.db.attachment.findFirst({
    where: { id, organizationId: viewer.organizationId },
    select: { id: true, fileName: true, contentType: true, sizeBytes: true, storageKey: true },
  });
  if (!attachment) return answer(res, 404, 'NOT_FOUND', 'Attachment not found');
  if (!attachment.storageKey) return answer(res, 404, 'NOT_FOUND', 'This attachment is metadata only: Allot stores no bytes for it');
  const bytes = await options.storage.open(options.db, { id: attachment.id, storageKey: attachment.storageKey });
  if (!bytes) {
    options.onError(new Error(`stored bytes of attachment ${attachment.id} are missing`), 'attachment bytes missing from storage');
    return answer(res, 404, 'NOT_FOUND', 'The stored bytes of this attachment are missing');
  }
  res.writeHead(200, {
    'content-type': attachment.contentType,
    'content-length': String(attachment.sizeBytes),
    'content-disposition': contentDisposition(attachment.fileName),
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cache-control': 'private, no-store',
  });
  if (req.method === 'HEAD') {
    await closeQuietly(bytes);
    return void res.end();
  }
  let clientGone = false;
  res.once('close', () => (clientGone = !res.writableFinished));
  let sent = 0;
  try {
    for await (const chunk of bytes) {
      if (clientGone) break;
      sent += chunk.length;
      if (!res.write(chunk)) await drainedOrClosed(res);
    }
  } catch (error) {
    // Headers are out: all that is left is to cut the response short, so the client sees it incomplete.
    options.onError(error, 'attachment download failed while streaming');
    return void res.destroy();
  }
  if (!clientGone && sent !== attachment.sizeBytes) {
    // The bytes ran out early (the attachment deleted while it streamed): a short body with a
    // proper end would look complete to a client that does not count, so cut the connection.
    options.onError(new Error(`attachment ${attachment.id}: ${sent} of ${attachment.sizeBytes} bytes`), 'attachment bytes ended early');
    return void res.destroy();
  }
  res.end();
}

/** Resolves when the client has taken what was written, or has gone; leaves no listener behind. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function closeQuietly(bytes: AsyncIterable<Uint8Array>): Promise<void> {
  const iterator = bytes[Symbol.asyncIterator]();
  await iterator.return?.().catch(() => undefined);
}

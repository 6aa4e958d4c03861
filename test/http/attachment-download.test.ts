/**
 * GET /attachments/<id> through the real node HTTP server (src/http/attachment-download.ts), for
 * both stores (the directory and the database's chunks): the bytes and their headers, HEAD, the
 * tenancy rule (another organization's id answers exactly like a missing one), and every refusal
 * typed. Also: the database store's bytes commit with their row, or not at all.
 * On PGlite by default; on PostgreSQL with TEST_DATABASE_URL.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, truncateSync, unlinkSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { encodeGlobalId } from '../../src/graphql/global-id.js';
import { contentDisposition } from '../../src/http/attachment-download.js';
import { createHttpServer } from '../../src/http/server.js';
import { AttachmentStorage, type AttachmentStore } from '../../src/services/attachments/attachment-storage.js';
import { uploadAttachment } from '../../src/services/attachments/attachments.js';
import { createOrganization } from '../../src/services/core/organizations.js';
import { runUnitOfWork } from '../../src/services/core/unit-of-work.js';
import type { Viewer } from '../../src/services/core/viewer.js';
import { transactionFixture } from '../support/budget-fixtures.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';

const PORTS: Record<AttachmentStore, number> = { directory: 4161, database: 4162 };
const PDF = new TextEncoder().encode('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');
/** Plain text over three database chunks (256 KiB each). */
const LONG_TEXT = new TextEncoder().encode('Allot attachment line, plain ASCII text.\n'.repeat(17_000));
// Quotes are not tried here: the multipart encoder percent-encodes them in the part's header
// (the contentDisposition test below covers them).
const FILE_NAME = 'Rechnung März 2026 (Kopie).pdf';

const UPLOAD = `mutation($input: UploadAttachmentInput!) {
  uploadAttachment(input: $input) {
    __typename
    ... on UploadAttachmentSuccess { attachment { id downloadUrl stored } }
    ... on Error { code message }
  }
}`;

describe.each(['directory', 'database'] as const)('attachment downloads, %s store', (store) => {
  let database: TestDatabase;
  let server: Server;
  let attachments: AttachmentStorage;
  let base: string;
  let orgA: { apiKey: string; viewer: Viewer };
  let orgB: { apiKey: string; viewer: Viewer };
  let transactionId: string;

  const tenant = async (name: string) => {
    const { organization, apiKey, key } = await createOrganization(database.prisma, { name });
    return { apiKey, viewer: { organizationId: organization.id, userId: key.userId } };
  };
  const download = (url: string, apiKey: string | null = orgA.apiKey, method = 'GET') =>
    fetch(`${base}${url}`, { method, headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });

  /** A real multipart upload through the server. */
  async function upload(bytes: Uint8Array, fileName: string): Promise<{ id: string; downloadUrl: string; stored: boolean }> {
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: UPLOAD, variables: { input: { transactionId, file: null } } }));
    form.set('map', JSON.stringify({ 0: ['variables.input.file'] }));
    form.set('0', new File([bytes as BlobPart], fileName));
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${orgA.apiKey}`, 'x-allot-csrf': '1' },
      body: form,
    });
    const json = (await response.json()) as any;
    expect(json.data.uploadAttachment.__typename).toBe('UploadAttachmentSuccess');
    return json.data.uploadAttachment.attachment;
  }

  beforeAll(async () => {
    database = await openTestDatabase();
    attachments = new AttachmentStorage({ directory: mkdtempSync(path.join(tmpdir(), 'allot-downloads-')), maxBytes: 1024 * 1024, store });
    server = createHttpServer({ database, maxBodyBytes: 100 * 1024, graphiql: false, attachments, logError: () => {} });
    await new Promise<void>((resolve) => server.listen(PORTS[store], '127.0.0.1', resolve));
    base = `http://127.0.0.1:${PORTS[store]}`;
    orgA = await tenant('Downloads A');
    orgB = await tenant('Downloads B');
    transactionId = encodeGlobalId('Transaction', (await transactionFixture(database.prisma, orgA.viewer, { externalId: 'with-download' })).id);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await database.close();
    rmSync(attachments.directory, { recursive: true, force: true });
  });

  it('streams the stored bytes with their sniffed type, nosniff and a safe Content-Disposition', async () => {
    const attachment = await upload(PDF, FILE_NAME);
    expect(attachment.downloadUrl).toBe(`/attachments/${attachment.id}`);
    const response = await download(attachment.downloadUrl);
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'content-type': 'application/pdf',
      'content-length': String(PDF.length),
      'x-content-type-options': 'nosniff',
      'content-disposition': `attachment; filename="Rechnung M_rz 2026 (Kopie).pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz%202026%20%28Kopie%29.pdf`,
      'cache-control': 'private, no-store',
      'content-security-policy': "default-src 'none'; sandbox",
    });
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(PDF);

    const head = await download(attachment.downloadUrl, orgA.apiKey, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(PDF.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('serves a file larger than one piece whole (several database chunks)', async () => {
    const attachment = await upload(LONG_TEXT, 'notes.txt');
    const row = await database.prisma.attachment.findFirstOrThrow({ where: { fileName: 'notes.txt' } });
    if (store === 'database') {
      expect(await database.prisma.attachmentChunk.count({ where: { attachmentId: row.id } })).toBe(3);
      expect(existsSync(path.join(attachments.directory, orgA.viewer.organizationId))).toBe(false); // nothing on disk
    }
    const response = await download(attachment.downloadUrl);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const body = new Uint8Array(await response.arrayBuffer());
    expect(body.length).toBe(LONG_TEXT.length);
    expect(createHash('sha256').update(body).digest('hex')).toBe(row.sha256);
  });

  it("answers another organization's attachment exactly like a missing one: 404 NOT_FOUND", async () => {
    const attachment = await upload(PDF, 'private.pdf');
    const foreign = await download(attachment.downloadUrl, orgB.apiKey);
    const missing = await download(`/attachments/${encodeGlobalId('Attachment', randomUUID())}`, orgB.apiKey);
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    const [foreignBody, missingBody] = [await foreign.text(), await missing.text()];
    expect(foreignBody).toBe(missingBody);
    expect(JSON.parse(foreignBody)).toEqual({ errors: [{ message: 'Attachment not found', extensions: { code: 'NOT_FOUND' } }] });
    expect(foreign.headers.get('content-disposition')).toBeNull();
  });

  it('refuses without a valid key (401), a malformed or another type\'s id (400 INVALID_ID), writes (405), metadata-only records (404)', async () => {
    const attachment = await upload(PDF, 'refusals.pdf');
    const anonymous = await download(attachment.downloadUrl, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect((await anonymous.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const badKey = await download(attachment.downloadUrl, 'allot_not-a-real-key');
    expect(badKey.status).toBe(401);

    for (const id of ['not-an-id', encodeGlobalId('Account', randomUUID()), '%E0%A4%A', 'x'.repeat(500)]) {
      const response = await download(`/attachments/${id}`);
      expect(response.status, id).toBe(400);
      expect((await response.json()).errors[0].extensions.code).toBe('INVALID_ID');
    }

    const post = await download(attachment.downloadUrl, orgA.apiKey, 'DELETE');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await download(attachment.downloadUrl)).status).toBe(200); // still there

    const metadataOnly = await database.prisma.attachment.create({
      data: { organizationId: orgA.viewer.organizationId, fileName: 'elsewhere.pdf', contentType: 'application/pdf', sizeBytes: 10 },
    });
    const none = await download(`/attachments/${encodeGlobalId('Attachment', metadataOnly.id)}`);
    expect(none.status).toBe(404);
    expect((await none.json()).errors[0]).toMatchObject({ extensions: { code: 'NOT_FOUND' }, message: expect.stringContaining('metadata only') });
  });

  it('an upload whose transaction rolls back leaves no bytes (no chunks, no file)', async () => {
    const chunksBefore = await database.prisma.attachmentChunk.count();
    const rowsBefore = await database.prisma.attachment.count();
    const transaction = await database.prisma.transaction.findFirstOrThrow({ where: { organizationId: orgA.viewer.organizationId } });
    await expect(
      runUnitOfWork({ db: database.prisma, viewer: orgA.viewer }, async (uow) => {
        await uploadAttachment(uow, { storage: attachments, transactionId: transaction.id, file: new File([PDF as BlobPart], 'rolled-back.pdf') });
        throw new Error('something after the upload failed');
      }),
    ).rejects.toThrow('something after the upload failed');
    expect(await database.prisma.attachmentChunk.count()).toBe(chunksBefore);
    expect(await database.prisma.attachment.count()).toBe(rowsBefore);
    const files = existsSync(path.join(attachments.directory, orgA.viewer.organizationId))
      ? (await import('node:fs')).readdirSync(path.join(attachments.directory, orgA.viewer.organizationId))
      : [];
    expect(files).toHaveLength(store === 'directory' ? rowsBefore - 1 : 0); // the metadata-only row has no file
  });

  it('stored bytes shorter than the record says cut the connection: never a short body that looks complete', async () => {
    const short = await upload(LONG_TEXT, 'short.txt');
    const row = await database.prisma.attachment.findFirstOrThrow({ where: { fileName: 'short.txt' } });
    // What a delete while the bytes stream (or a damaged store) leaves the reader with.
    if (store === 'directory') truncateSync(path.join(attachments.directory, row.storageKey!), 1000);
    else {
      const last = await database.prisma.attachmentChunk.findFirstOrThrow({ where: { attachmentId: row.id }, orderBy: { seq: 'desc' } });
      await database.prisma.attachmentChunk.delete({ where: { attachmentId_seq: { attachmentId: row.id, seq: last.seq } } });
    }
    const response = await download(short.downloadUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(LONG_TEXT.length));
    await expect(response.arrayBuffer()).rejects.toThrow();
  });

  it('deleting the attachment deletes its bytes; stored bytes lost from the directory answer 404, not 500', async () => {
    const attachment = await upload(PDF, 'to-delete.pdf');
    const row = await database.prisma.attachment.findFirstOrThrow({ where: { fileName: 'to-delete.pdf' } });
    const deleted = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${orgA.apiKey}` },
      body: JSON.stringify({ query: `mutation($id: ID!) { deleteAttachment(input: { id: $id }) { __typename } }`, variables: { id: attachment.id } }),
    });
    expect(((await deleted.json()) as any).data.deleteAttachment.__typename).toBe('DeleteAttachmentSuccess');
    expect(await database.prisma.attachmentChunk.count({ where: { attachmentId: row.id } })).toBe(0);
    expect((await download(attachment.downloadUrl)).status).toBe(404);

    if (store === 'directory') {
      const lost = await upload(PDF, 'lost.pdf');
      const lostRow = await database.prisma.attachment.findFirstOrThrow({ where: { fileName: 'lost.pdf' } });
      unlinkSync(path.join(attachments.directory, lostRow.storageKey!));
      const response = await download(lost.downloadUrl);
      expect(response.status).toBe(404);
      expect((await response.json()).errors[0].extensions.code).toBe('NOT_FOUND');
    }
  });
});

describe('ALLOT_ATTACHMENT_STORE', () => {
  it('defaults to database with DATABASE_URL and to directory without; an unknown store stops the start', () => {
    expect(loadConfig({}).attachmentStore).toBe('directory');
    expect(loadConfig({ DATABASE_URL: 'postgres://db/allot' }).attachmentStore).toBe('database');
    expect(loadConfig({ DATABASE_URL: 'postgres://db/allot', ALLOT_ATTACHMENT_STORE: 'directory' }).attachmentStore).toBe('directory');
    expect(() => loadConfig({ ALLOT_ATTACHMENT_STORE: 's3' })).toThrow(/ALLOT_ATTACHMENT_STORE must be one of directory, database/);
  });
});

describe('contentDisposition', () => {
  it('never lets a name end the quoted string or add a header line', () => {
    expect(contentDisposition('a"b\\c\r\nSet-Cookie: x.pdf')).toBe(
      `attachment; filename="a_b_c__Set-Cookie: x.pdf"; filename*=UTF-8''a%22b%5Cc%0D%0ASet-Cookie%3A%20x.pdf`,
    );
    expect(contentDisposition("it's (1).txt")).toBe(`attachment; filename="it's (1).txt"; filename*=UTF-8''it%27s%20%281%29.txt`);
  });
});

/**
 * Attachments uploaded through real GraphQL multipart requests (yoga.fetch, and once through the
 * node HTTP server for its body limit): the size limit, the sniffed type allow-list, the bytes on
 * disk, metadata create/update/delete, list and text search.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../../src/http/server.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { gid, transactionFixture } from '../../support/budget-fixtures.js';

const LIMIT = 4096;
let app: TestApp;
let transactionId: string;

beforeAll(async () => {
  app = await createTestApp({ maxUploadBytes: LIMIT });
  transactionId = gid('Transaction', (await transactionFixture(app.database.prisma, app.orgA.viewer, { externalId: 'with-files' })).id);
});
afterAll(() => app.close());

const UPLOAD = `mutation($input: UploadAttachmentInput!) {
  uploadAttachment(input: $input) {
    __typename
    ... on UploadAttachmentSuccess { attachment { id fileName contentType sizeBytes sha256 stored description transaction { id } } }
    ... on Error { code message field }
  }
}`;

const PDF = new TextEncoder().encode('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

function multipartBody(bytes: Uint8Array, fileName: string, clientType: string, input: Record<string, unknown> = {}): FormData {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query: UPLOAD, variables: { input: { transactionId, file: null, ...input } } }));
  form.set('map', JSON.stringify({ 0: ['variables.input.file'] }));
  form.set('0', new File([bytes as BlobPart], fileName, { type: clientType }));
  return form;
}

async function upload(bytes: Uint8Array, fileName: string, clientType: string, input: Record<string, unknown> = {}, apiKey = app.orgA.apiKey) {
  const response = await app.yoga.fetch('http://allot.test/graphql', {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'x-allot-csrf': '1' },
    body: multipartBody(bytes, fileName, clientType, input),
  });
  const json = (await response.json()) as { data?: { uploadAttachment: Record<string, any> }; errors?: unknown };
  expect(json.errors).toBeUndefined();
  return json.data!.uploadAttachment;
}

const storedFiles = () => {
  const root = app.attachments.directory;
  return existsSync(root) ? readdirSync(root, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length : 0;
};
const attachmentRows = () => app.database.prisma.attachment.count();

describe('uploadAttachment (GraphQL multipart request)', () => {
  it('stores the bytes on disk under the attachments directory, with the sniffed type, not the claimed one', async () => {
    const result = await upload(PDF, 'invoice-904.pdf', 'image/png', { description: 'Supplier invoice March' });
    expect(result.__typename).toBe('UploadAttachmentSuccess');
    expect(result.attachment).toMatchObject({
      fileName: 'invoice-904.pdf',
      contentType: 'application/pdf',
      sizeBytes: PDF.length,
      stored: true,
      description: 'Supplier invoice March',
      transaction: { id: transactionId },
    });
    const row = await app.database.prisma.attachment.findFirstOrThrow({ where: { fileName: 'invoice-904.pdf' } });
    const onDisk = path.join(app.attachments.directory, row.storageKey!);
    expect(onDisk.startsWith(app.attachments.directory + path.sep)).toBe(true);
    expect(new Uint8Array(readFileSync(onDisk))).toEqual(PDF);
  });

  it('keeps only the last segment of a path-like file name', async () => {
    const result = await upload(PNG, '../../etc/receipt.png', 'image/png');
    expect(result.attachment).toMatchObject({ fileName: 'receipt.png', contentType: 'image/png' });
  });

  it('accepts CSV and plain text', async () => {
    const csv = new TextEncoder().encode('date,amount\n2024-03-01,12.50\n');
    expect((await upload(csv, 'statement.csv', 'application/octet-stream')).attachment.contentType).toBe('text/csv');
    expect((await upload(new TextEncoder().encode('Paid by card.'), 'note.txt', 'text/plain')).attachment.contentType).toBe('text/plain');
  });

  it('FILE_TOO_LARGE over the limit, and nothing is stored', async () => {
    const [files, rows] = [storedFiles(), await attachmentRows()];
    const big = new Uint8Array(LIMIT + 1);
    big.set(PDF);
    expect(await upload(big, 'big.pdf', 'application/pdf')).toMatchObject({ code: 'FILE_TOO_LARGE', field: 'file' });
    expect([storedFiles(), await attachmentRows()]).toEqual([files, rows]);
  });

  it('FILE_TYPE_REFUSED for an executable labelled as a PDF, and for HTML, and nothing is stored', async () => {
    const [files, rows] = [storedFiles(), await attachmentRows()];
    const exe = Uint8Array.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]);
    expect(await upload(exe, 'invoice.pdf', 'application/pdf')).toMatchObject({ code: 'FILE_TYPE_REFUSED' });
    const html = new TextEncoder().encode('<!DOCTYPE html><script>alert(1)</script>');
    expect(await upload(html, 'invoice.txt', 'text/plain')).toMatchObject({ code: 'FILE_TYPE_REFUSED' });
    expect([storedFiles(), await attachmentRows()]).toEqual([files, rows]);
  });

  it("NOT_FOUND for another organization's transaction, and nothing is stored", async () => {
    const files = storedFiles();
    expect(await upload(PDF, 'x.pdf', 'application/pdf', {}, app.orgB.apiKey)).toMatchObject({ code: 'NOT_FOUND', field: 'transactionId' });
    expect(storedFiles()).toBe(files);
  });
});

describe('attachment metadata', () => {
  it('creates metadata-only records, updates, searches by text and deletes (with the file)', async () => {
    const created = await app.gql(
      `mutation($input: CreateAttachmentInput!) { createAttachment(input: $input) { __typename ... on CreateAttachmentSuccess { attachment { id stored contentType } } ... on Error { code } } }`,
      { input: { transactionId, fileName: 'Hotel Berlin.pdf', contentType: 'application/pdf', sizeBytes: 1200, description: 'Kept in the DMS' } },
    );
    expect(created.data!.createAttachment).toMatchObject({ __typename: 'CreateAttachmentSuccess', attachment: { stored: false, contentType: 'application/pdf' } });
    const refused = await app.gql(
      `mutation($input: CreateAttachmentInput!) { createAttachment(input: $input) { ... on Error { code } } }`,
      { input: { transactionId, fileName: 'run.exe', contentType: 'application/x-msdownload', sizeBytes: 10 } },
    );
    expect(refused.data!.createAttachment).toEqual({ code: 'FILE_TYPE_REFUSED' });
    const negative = await app.gql(
      `mutation($input: CreateAttachmentInput!) { createAttachment(input: $input) { ... on Error { code field } } }`,
      { input: { transactionId, fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: -1 } },
    );
    expect(negative.data!.createAttachment).toEqual({ code: 'INVALID_INPUT', field: 'sizeBytes' });

    const search = async (text: string) =>
      (await app.gql(`query($text: String) { attachments(filter: {search: $text}) { totalCount nodes { fileName } } }`, { text })).data!.attachments;
    expect((await search('berlin')).nodes).toEqual([{ fileName: 'Hotel Berlin.pdf' }]);
    expect((await search('SUPPLIER INVOICE')).nodes).toEqual([{ fileName: 'invoice-904.pdf' }]);
    expect((await search('nothing like this')).totalCount).toBe(0);
    // The text as typed: `%` and `_` are no wildcards (`%` matched every file before).
    expect((await search('%')).totalCount).toBe(0);
    expect((await search('hotel_berlin')).totalCount).toBe(0);
    // Another organization sees none of them.
    const theirs = await app.gql(`{ attachments { totalCount } }`, {}, app.orgB);
    expect(theirs.data!.attachments.totalCount).toBe(0);

    const id = created.data!.createAttachment.attachment.id;
    const updated = await app.gql(
      `mutation($input: UpdateAttachmentInput!) { updateAttachment(input: $input) { ... on UpdateAttachmentSuccess { attachment { fileName description } } } }`,
      { input: { id, fileName: 'Hotel Munich.pdf', description: null } },
    );
    expect(updated.data!.updateAttachment.attachment).toEqual({ fileName: 'Hotel Munich.pdf', description: null });
    expect((await search('munich')).nodes).toEqual([{ fileName: 'Hotel Munich.pdf' }]);

    const uploaded = await app.database.prisma.attachment.findFirstOrThrow({ where: { fileName: 'invoice-904.pdf' } });
    const onDisk = path.join(app.attachments.directory, uploaded.storageKey!);
    const deleted = await app.gql(`mutation($input: DeleteAttachmentInput!) { deleteAttachment(input: $input) { __typename } }`, {
      input: { id: gid('Attachment', uploaded.id) },
    });
    expect(deleted.data!.deleteAttachment.__typename).toBe('DeleteAttachmentSuccess');
    expect(existsSync(onDisk)).toBe(false);
    expect(await app.database.prisma.attachment.findUnique({ where: { id: uploaded.id } })).toBeNull();
  });
});

describe('uploadAttachment with an idempotency key', () => {
  it('a retried upload stores the file once; the same key with another file is IDEMPOTENCY_KEY_REUSED and stores nothing', async () => {
    const idempotencyKey = `upload-${Date.now()}`;
    const rowsBefore = await app.database.prisma.attachment.count();
    const filesBefore = storedFiles();

    const first = await upload(PDF, 'retried.pdf', 'application/pdf', { idempotencyKey });
    const replay = await upload(PDF, 'retried.pdf', 'application/pdf', { idempotencyKey });
    expect(first.__typename).toBe('UploadAttachmentSuccess');
    expect(replay).toEqual(first);
    expect(await app.database.prisma.attachment.count()).toBe(rowsBefore + 1);
    expect(storedFiles()).toBe(filesBefore + 1);

    const reused = await upload(PNG, 'retried.pdf', 'image/png', { idempotencyKey });
    expect(reused).toMatchObject({ __typename: 'IdempotencyKeyReusedError', code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await app.database.prisma.attachment.count()).toBe(rowsBefore + 1);
    expect(storedFiles()).toBe(filesBefore + 1);
  });
});

describe('HTTP body limits', () => {
  it('lets a multipart upload past the 100 KB JSON limit up to the upload limit, and refuses bigger bodies with 413', async () => {
    const server = createHttpServer({ database: app.database, maxBodyBytes: 1024, graphiql: false, attachments: app.attachments, logError: () => {} });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    try {
      const pdf = new Uint8Array(3000);
      pdf.set(PDF);
      const ok = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${app.orgA.apiKey}`, 'x-allot-csrf': '1' },
        body: multipartBody(pdf, 'over-json-limit.pdf', 'application/pdf'),
      });
      expect(((await ok.json()) as any).data.uploadAttachment.__typename).toBe('UploadAttachmentSuccess');

      const json = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${app.orgA.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: `{ viewer { name } }`, padding: 'x'.repeat(2000) }),
      });
      expect(json.status).toBe(413);

      const huge = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${app.orgA.apiKey}`, 'x-allot-csrf': '1' },
        body: multipartBody(new Uint8Array(LIMIT + 70 * 1024), 'huge.pdf', 'application/pdf'),
      });
      expect(huge.status).toBe(413);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

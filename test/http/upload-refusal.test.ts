/**
 * Multipart uploads over the real HTTP server (issue 10): a multipart request may be 10 MiB, so it
 * is refused from its headers alone, before its body is read, unless it carries the CSRF header
 * and a valid API key (120 anonymous ones were buffered whole and took the server from 387 to
 * 759 MiB). An accepted upload is streamed to the multipart parser with its limit counted as the
 * bytes arrive. Every refusal stores nothing.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../src/http/server.js';
import { AttachmentStorage } from '../../src/services/attachments/attachment-storage.js';
import { createOrganization } from '../../src/services/core/organizations.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';

const PORT = 47121;
const MAX_UPLOAD = 512 * 1024;

let database: TestDatabase;
let apiKey: string;
let server: Server;
let attachments: AttachmentStorage;
let transactionId: string;

beforeAll(async () => {
  database = await openTestDatabase();
  apiKey = (await createOrganization(database.prisma, { name: 'Uploads' })).apiKey;
  attachments = new AttachmentStorage({ directory: mkdtempSync(path.join(tmpdir(), 'allot-upload-refusal-')), maxBytes: MAX_UPLOAD });
  server = createHttpServer({ database, maxBodyBytes: 100 * 1024, graphiql: false, attachments, logError: () => {} });
  await new Promise<void>((resolve) => server.listen(PORT, '127.0.0.1', resolve));
  const created = await fetch(`http://127.0.0.1:${PORT}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({
      query: `mutation { createTransaction(input: { externalId: "t1", date: "2026-01-05", amount: "10.00", currency: "EUR", description: "Fee", direction: "DEBIT" }) { ... on CreateTransactionSuccess { transaction { id } } } }`,
    }),
  });
  transactionId = ((await created.json()) as any).data.createTransaction.transaction.id;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await database.close();
  rmSync(attachments.directory, { recursive: true, force: true });
});

const BOUNDARY = 'allotboundary';
const UPLOAD = 'mutation($input: UploadAttachmentInput!) { uploadAttachment(input: $input) { __typename ... on Error { code } } }';

/** The multipart envelope around a file of `fileBytes` bytes: what comes before and after the bytes. */
function envelope(): { head: Buffer; tail: Buffer } {
  const operations = JSON.stringify({ query: UPLOAD, variables: { input: { transactionId, file: null } } });
  const head =
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${operations}\r\n` +
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.input.file"]}\r\n` +
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="0"; filename="notes.txt"\r\nContent-Type: text/plain\r\n\r\n`;
  return { head: Buffer.from(head), tail: Buffer.from(`\r\n--${BOUNDARY}--\r\n`) };
}

interface Answer {
  status: number;
  body: any;
  /** How many body bytes the client had written when the answer arrived. */
  sentBeforeAnswer: number;
}

/**
 * Sends a multipart request whose body is written slowly, 64 KiB every 20 ms, `totalBytes` of
 * file in all, and stops writing as soon as an answer arrives: a server that waits for the body
 * before deciding answers only after everything was sent.
 */
function slowUpload(headers: Record<string, string>, fileBytes: number, chunked = true): Promise<Answer> {
  const { head, tail } = envelope();
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(
      {
        host: '127.0.0.1',
        port: PORT,
        path: '/graphql',
        method: 'POST',
        headers: {
          'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
          ...(chunked ? {} : { 'content-length': String(head.length + fileBytes + tail.length) }),
          ...headers,
        },
      },
      (res) => {
        answered = true;
        const sentBeforeAnswer = sent;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined, sentBeforeAnswer });
        });
      },
    );
    req.on('error', (error) => (answered ? undefined : reject(error)));
    req.write(head);
    let remaining = fileBytes;
    const pump = () => {
      if (answered || req.destroyed) return;
      if (remaining <= 0) return void req.end(tail);
      const size = Math.min(64 * 1024, remaining);
      remaining -= size;
      sent += size;
      req.write(Buffer.alloc(size, 0x61), () => setTimeout(pump, 20));
    };
    pump();
  });
}

const storedFiles = () =>
  existsSync(attachments.directory) ? readdirSync(attachments.directory, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length : 0;

describe('multipart requests refused before their body is read', () => {
  it.each([
    ['without the CSRF header', { authorization: 'Bearer allot_whatever' }, 403, 'CSRF_HEADER_MISSING'],
    ['without an API key', { 'x-allot-csrf': '1' }, 401, 'UNAUTHENTICATED'],
    ['with an invalid API key', { 'x-allot-csrf': '1', authorization: 'Bearer allot_not_a_key' }, 401, 'UNAUTHENTICATED'],
  ])('%s: answered while the client is still sending, storing nothing', async (_label, headers, status, code) => {
    const answer = await slowUpload(headers as Record<string, string>, 4 * 1024 * 1024);
    expect(answer.status).toBe(status);
    expect(answer.body.errors[0].extensions.code).toBe(code);
    // 4 MiB at 64 KiB per 20 ms takes over a second; the answer came after at most a few chunks.
    expect(answer.sentBeforeAnswer).toBeLessThan(1024 * 1024);
    expect(storedFiles()).toBe(0);
    expect(await database.prisma.attachment.count()).toBe(0);
  });

  it('refuses a declared Content-Length over the limit at once with 413', async () => {
    const answer = await slowUpload({ 'x-allot-csrf': '1', authorization: `Bearer ${apiKey}` }, 4 * 1024 * 1024, false);
    expect(answer.status).toBe(413);
    expect(answer.body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(answer.sentBeforeAnswer).toBeLessThan(1024 * 1024);
  });
});

describe('authenticated uploads, streamed', () => {
  it('stops a chunked upload at the limit while it streams (413), storing nothing', async () => {
    const answer = await slowUpload({ 'x-allot-csrf': '1', authorization: `Bearer ${apiKey}` }, 4 * 1024 * 1024);
    expect(answer.status).toBe(413);
    expect(answer.body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    // The limit is 512 KiB + 64 KiB of envelope: the answer came soon after it, not after 4 MiB.
    expect(answer.sentBeforeAnswer).toBeLessThan(1024 * 1024);
    expect(storedFiles()).toBe(0);
    expect(await database.prisma.attachment.count()).toBe(0);
  });

  it('stores an upload within the limit, sent chunked', async () => {
    const answer = await slowUpload({ 'x-allot-csrf': '1', authorization: `Bearer ${apiKey}` }, 200 * 1024);
    expect(answer.status).toBe(200);
    expect(answer.body.data.uploadAttachment).toEqual({ __typename: 'UploadAttachmentSuccess' });
    expect(storedFiles()).toBe(1);
  });

  it('answers a file over the upload limit but inside the envelope allowance with FILE_TOO_LARGE', async () => {
    const answer = await slowUpload({ 'x-allot-csrf': '1', authorization: `Bearer ${apiKey}` }, MAX_UPLOAD + 1, false);
    expect(answer.status).toBe(200);
    expect(answer.body.data.uploadAttachment).toEqual({ __typename: 'FileTooLargeError', code: 'FILE_TOO_LARGE' });
    expect(storedFiles()).toBe(1);
  });
});

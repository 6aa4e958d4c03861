/**
 * Node's HTTP server in front of yoga. It owns what must happen before GraphQL sees a request:
 * the body-size limit (so a huge body is refused while streaming, before it is buffered whole),
 * multipart uploads refused before their body is read unless they carry the CSRF header and a
 * valid API key, and then streamed to yoga with their limit counted as the bytes arrive,
 * the time allowed to receive a request, the liveness / readiness probes, which answer without an
 * API key, Prometheus' /metrics, attachment downloads (./attachment-download.ts), and the landing
 * page at `/`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { Transform } from 'node:stream';
import type { Database } from '../db/open.js';
import type { AttachmentStorage } from '../services/attachments/attachment-storage.js';
import { CSRF_HEADER } from './access.js';
import { createSharedAlertPubSub } from './alert-pubsub.js';
import { ATTACHMENT_DOWNLOAD_PREFIX, serveAttachmentDownload } from './attachment-download.js';
import { createApiKeyCache, DEFAULT_API_KEY_CACHE_TTL_MS, type ApiKeyCache } from './api-key-cache.js';
import { renderLandingPage } from './landing-page.js';
import { createLogger, createTelemetry } from './observability.js';
import { configuredAttachmentStorage, createAllotYoga, type YogaOptions } from './yoga.js';

export interface ServerOptions extends Omit<YogaOptions, 'db'> {
  database: Database;
  maxBodyBytes: number;
  /** Serve /metrics; with a token, only to `Authorization: Bearer <token>`. Off when absent. */
  metrics?: { token?: string };
  /** The longest a client may take to send one request (headers and body), in ms. */
  receiveTimeoutMs?: number;
  /** True once the process is shutting down: /ready fails so load balancers stop sending. */
  draining?: () => boolean;
  /** Development: where the demo key is stored, named on the landing page at `/`. */
  demoKeyFile?: string;
  /** How long a looked-up API key is trusted in process (src/http/api-key-cache.ts); 0: never. */
  apiKeyCacheTtlMs?: number;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

class BodyTooLargeError extends Error {}

/** Room for the multipart envelope (operations, map, part headers) around an upload's bytes. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

function isMultipart(req: IncomingMessage): boolean {
  return /^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '');
}

/** Uploads (GraphQL multipart requests) may be as large as the upload limit; everything else keeps the small limit. */
function bodyLimit(req: IncomingMessage, options: ServerOptions, attachments: AttachmentStorage): number {
  return isMultipart(req) ? attachments.maxBytes + MULTIPART_OVERHEAD_BYTES : options.maxBodyBytes;
}

function refusalBody(code: string, message: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/**
 * Why a multipart request may not send its body at all, decided from its headers alone: the
 * multipart limit is 10 MiB, and buffering that for anyone who asks (120 anonymous uploads took
 * the server from 387 to 759 MiB) is a memory attack. Same codes as yoga's own checks.
 */
async function multipartRefusal(req: IncomingMessage, apiKeys: ApiKeyCache): Promise<{ status: number; body: unknown; headers?: Record<string, string> } | undefined> {
  if (req.headers[CSRF_HEADER] === undefined) {
    return {
      status: 403,
      body: refusalBody('CSRF_HEADER_MISSING', `Requests that are not application/json (GET, forms, multipart) must send the "${CSRF_HEADER}" header`),
    };
  }
  const match = /^Bearer\s+(\S+)$/i.exec((req.headers.authorization ?? '').trim());
  const viewer = match?.[1] ? await apiKeys.authenticate(match[1]) : null;
  if (!viewer) {
    const message = req.headers.authorization ? 'Invalid or revoked API key' : 'Missing API key: send "Authorization: Bearer <api key>"';
    return { status: 401, body: refusalBody('UNAUTHENTICATED', message), headers: { 'WWW-Authenticate': 'Bearer' } };
  }
  return undefined;
}

/**
 * Answers without having read the body, then reads and discards at most DISCARD_BYTES of it (so
 * the client, still sending, sees the answer rather than a reset) and cuts the connection beyond.
 * No `Connection: close`: with it Node destroys the socket as soon as the answer is written, while
 * the client is still sending, and the client sees EPIPE instead of the answer.
 */
function answerUnread(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJson(res, status, body, headers);
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_BYTES) req.destroy();
  });
  req.on('error', () => {});
}

/**
 * The request body as a stream that fails once more than `limit` bytes arrive, so an upload is
 * never held whole before its size is known: the multipart parser receives it as it comes.
 */
function limitedStream(req: IncomingMessage, limit: number): { stream: Transform; tooLarge: () => boolean } {
  let size = 0;
  let tooLarge = Number(req.headers['content-length']) > limit;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        callback(new BodyTooLargeError());
      } else callback(null, chunk);
    },
  });
  if (tooLarge) stream.destroy(new BodyTooLargeError());
  else req.pipe(stream);
  req.on('error', (error) => stream.destroy(error));
  return { stream, tooLarge: () => tooLarge };
}

/**
 * How much of a too-large body is still read (and thrown away) so the client, having sent it all,
 * reads the 413: Node 24's fetch, for one, reports only EPIPE when the server closes first.
 * Beyond it the connection is cut. Nothing of it is kept in memory.
 */
const DISCARD_BYTES = 1024 * 1024;

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    let tooLarge = Number.isFinite(declared) && declared > limit;
    if (tooLarge && declared > limit + DISCARD_BYTES) {
      req.destroy();
      return reject(new BodyTooLargeError());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit && !tooLarge) {
        tooLarge = true;
        chunks.length = 0;
      }
      if (size > limit + DISCARD_BYTES) {
        req.destroy();
        reject(new BodyTooLargeError());
      } else if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => (tooLarge ? reject(new BodyTooLargeError()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

export function createHttpServer(options: ServerOptions): Server {
  const telemetry =
    options.telemetry ??
    createTelemetry({ logger: createLogger({ level: 'silent' }), databaseUp: () => options.database.ping(), poolStats: options.database.poolStats });
  const attachments = options.attachments ?? configuredAttachmentStorage();
  const apiKeys = options.apiKeys ?? createApiKeyCache(options.database, options.apiKeyCacheTtlMs ?? DEFAULT_API_KEY_CACHE_TTL_MS);
  // On PostgreSQL a budget alert recorded by any replica reaches the subscribers of all of them.
  const alerts =
    options.alerts ??
    (options.database.listen
      ? createSharedAlertPubSub(options.database, { onError: (error, message) => telemetry.logger.warn({ err: error }, message) })
      : undefined);
  const yoga = createAllotYoga({ ...options, attachments, telemetry, apiKeys, alerts, db: options.database.prisma });

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
        // The Host header is the client's; it is escaped in the page and only shown back to it.
        const page = renderLandingPage(
          { graphiql: options.graphiql, metrics: options.metrics, demoKeyFile: options.demoKeyFile },
          `http://${req.headers.host ?? 'localhost'}`,
        );
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        return res.end(req.method === 'HEAD' ? undefined : page);
      }
      if (url.pathname === '/ready') {
        if (options.draining?.()) return sendJson(res, 503, { status: 'shutting down' });
        const ready = await options.database.ping();
        return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'database unreachable' });
      }
      if (url.pathname.startsWith(ATTACHMENT_DOWNLOAD_PREFIX)) {
        const started = performance.now();
        await serveAttachmentDownload(req, res, url.pathname, {
          db: options.database.prisma,
          apiKeys,
          storage: attachments,
          onError: (error, message) => telemetry.logger.warn({ err: error }, message),
        });
        // One line per download, like GraphQL requests' (never the key; the id is opaque).
        const durationMs = Math.round((performance.now() - started) * 10) / 10;
        return telemetry.logger.info({ method: req.method, path: ATTACHMENT_DOWNLOAD_PREFIX, status: res.statusCode, durationMs }, 'attachment download');
      }
      if (url.pathname === '/metrics' && options.metrics) {
        const token = options.metrics.token;
        if (token && req.headers.authorization !== `Bearer ${token}`) return sendJson(res, 401, { error: 'metrics token required' });
        res.writeHead(200, { 'content-type': telemetry.registry.contentType });
        return res.end(await telemetry.registry.metrics());
      }
      let body: Buffer | Transform | undefined;
      let streamedTooLarge: (() => boolean) | undefined;
      const limit = bodyLimit(req, options, attachments);
      const tooLargeAnswer = () => {
        telemetry.logger.warn({ path: url.pathname, limit, status: 413 }, 'request body too large');
        return refusalBody('PAYLOAD_TOO_LARGE', `Request body is larger than the limit of ${limit} bytes`);
      };
      if (req.method === 'POST' && isMultipart(req)) {
        const refused = await multipartRefusal(req, apiKeys);
        if (refused) return answerUnread(req, res, refused.status, refused.body, refused.headers);
        if (Number(req.headers['content-length']) > limit) return answerUnread(req, res, 413, tooLargeAnswer());
        const limited = limitedStream(req, limit);
        body = limited.stream;
        streamedTooLarge = limited.tooLarge;
      } else if (req.method !== 'GET' && req.method !== 'HEAD') {
        try {
          body = await readBody(req, limit);
        } catch (error) {
          if (!(error instanceof BodyTooLargeError)) throw error;
          res.setHeader('connection', 'close');
          return sendJson(res, 413, tooLargeAnswer());
        }
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      // Cancels GraphQL work (and ends subscription streams) when the client goes away.
      const clientGone = new AbortController();
      // Only when the response did not finish: an abort builds a DOMException, a cost every
      // ordinary request would otherwise pay on its way out.
      res.on('close', () => {
        if (!res.writableFinished) clientGone.abort();
      });
      const response = await yoga.fetch(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
        method: req.method,
        headers,
        body: body instanceof Transform ? body : body && body.length > 0 ? body : undefined,
        signal: clientGone.signal,
      } as RequestInit);
      if (streamedTooLarge?.()) {
        // The multipart parser failed because the stream was cut at the limit: say so, not what
        // yoga made of a truncated body. Nothing ran (the operation needs the whole body).
        await response.body?.cancel().catch(() => {});
        return answerUnread(req, res, 413, tooLargeAnswer());
      }
      res.statusCode = response.status;
      response.headers.forEach((value, name) => res.setHeader(name, value));
      if (!response.body) return res.end();
      // yoga answers with its own stream implementation; iterate it rather than convert it.
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        if (clientGone.signal.aborted) break;
        if (!res.write(chunk)) await once(res, 'drain');
      }
      res.end();
    } catch (error) {
      telemetry.logger.error({ err: error }, 'request failed outside GraphQL');
      if (!res.headersSent) {
        // Drop yoga's headers (its content-length above all) before answering with our own body.
        for (const name of res.getHeaderNames()) res.removeHeader(name);
        sendJson(res, 500, { errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      } else res.end();
    }
  });
  // Slow senders (slowloris) are cut off; GraphQL execution has its own limit in yoga.
  if (options.receiveTimeoutMs) {
    server.requestTimeout = options.receiveTimeoutMs;
    server.headersTimeout = Math.min(server.headersTimeout, options.receiveTimeoutMs);
  }
  return server;
}

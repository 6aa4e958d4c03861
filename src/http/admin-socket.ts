/**
 * Operator commands while the server holds the embedded database. PGlite belongs to one process,
 * so the CLI cannot open the data directory while the server runs; instead the server listens on
 * a unix socket in the data directory (`<data dir>/admin.sock`, mode 0600) and runs the CLI's own
 * commands (src/cli/commands.ts) on its open database.
 *
 * Who may connect: only the user who owns the socket file (and root), the same people who can
 * read the data directory and so the database itself: the socket gives nobody anything new. It is
 * never a TCP port, so no other host and no browser (no CSRF, no DNS rebinding) can reach it.
 *
 * The protocol is HTTP over the socket: `POST /run` with `{"args": [...]}` answers
 * `{"result": …}` (200), or `{"error": "…"}` (400 for a usage or domain refusal, 500 otherwise).
 */
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import path from 'node:path';
import type { Logger } from 'pino';
import { parseCommand, UsageError } from '../cli/commands.js';
import type { Database } from '../db/open.js';
import { DomainError } from '../domain/errors.js';

export const ADMIN_SOCKET_NAME = 'admin.sock';
/** sun_path holds 108 bytes on Linux (104 on macOS); longer paths cannot be listened on. */
const MAX_SOCKET_PATH = 100;
const MAX_REQUEST_BYTES = 64 * 1024;

export function adminSocketPath(dataDir: string): string {
  return path.resolve(dataDir, ADMIN_SOCKET_NAME);
}

export interface AdminSocket {
  path: string;
  close(): Promise<void>;
}

function answer(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/**
 * Listens on `<dataDir>/admin.sock`; call only while holding the data directory's lock (a socket
 * file left by a crashed server is then ours to remove). Resolves to undefined, with a warning,
 * where the path is too long for a unix socket.
 */
export async function startAdminSocket(options: {
  dataDir: string;
  database: Database;
  logger: Logger;
  /** Told after each command that succeeded, e.g. so a revoked key's subscriptions end at once. */
  afterCommand?: (args: string[]) => void;
}): Promise<AdminSocket | undefined> {
  const socketPath = adminSocketPath(options.dataDir);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    options.logger.warn({ socketPath }, 'data directory path too long for the admin socket; the CLI cannot run while the server does');
    return undefined;
  }
  if (existsSync(socketPath)) unlinkSync(socketPath);

  const server: Server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/run') return answer(res, 404, { error: 'POST /run {"args": [...]}' });
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) return answer(res, 413, { error: 'request too large' });
      chunks.push(chunk);
    }
    let args: unknown;
    try {
      args = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { args?: unknown }).args;
    } catch {
      return answer(res, 400, { error: 'the body must be JSON {"args": [...]}' });
    }
    if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string')) {
      return answer(res, 400, { error: 'args must be an array of strings' });
    }
    try {
      const result = await parseCommand(args)(options.database);
      options.logger.info({ command: args.slice(0, 2).join(' ') }, 'ran an operator command from the admin socket');
      options.afterCommand?.(args);
      return answer(res, 200, { result });
    } catch (error) {
      if (error instanceof UsageError || error instanceof DomainError) return answer(res, 400, { error: error.message });
      options.logger.error({ err: error }, 'operator command failed');
      return answer(res, 500, { error: 'unexpected failure (see the server log)' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(socketPath, 0o600);
  return {
    path: socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export class AdminSocketUnreachableError extends Error {}

/**
 * The CLI's side: runs `args` on the server behind `socketPath`. Rejects with
 * AdminSocketUnreachableError when nobody listens there (no server, or an old one without it).
 */
export function runOverAdminSocket(socketPath: string, args: string[]): Promise<{ status: number; body: { result?: unknown; error?: string } }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/run', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
        } catch {
          reject(new Error(`the admin socket answered something that is not JSON: ${text.slice(0, 200)}`));
        }
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') reject(new AdminSocketUnreachableError(error.message));
      else reject(error);
    });
    req.end(JSON.stringify({ args }));
  });
}

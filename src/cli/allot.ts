/**
 * The operator's CLI: `npm run --silent allot -- <command>`. Every command prints one JSON value to
 * stdout (errors go to stderr with exit code 1), so it scripts well.
 *
 *   org create "<name>"             → {"organizationId", "apiKey"}
 *   org list                        → [{id, name, isDemo, createdAt, keys}]
 *   key create <organizationId> [--name "<name>"] → {"keyId", "apiKey"}
 *   key list <organizationId>       → [{id, name, prefix, createdAt, revokedAt}]
 *   key revoke <keyId>              → {"keyId", "revokedAt"}
 *   migrate                         → {"applied": [...], "alreadyApplied": n}
 *
 * On the embedded database only one process may open the data directory (PGlite cannot be
 * shared). While the server holds it, the CLI sends the command to the server's admin socket
 * (`<data dir>/admin.sock`, src/http/admin-socket.ts) and the server runs it; while another
 * process without that socket holds it, the CLI refuses with a message naming that pid.
 */
import { loadConfig } from '../config.js';
import { DataDirInUseError } from '../db/data-dir-lock.js';
import { openDatabase, type Database } from '../db/open.js';
import { DomainError } from '../domain/errors.js';
import { AdminSocketUnreachableError, adminSocketPath, runOverAdminSocket } from '../http/admin-socket.js';
import { parseCommand, UsageError } from './commands.js';

/** A refusal the server answered over the admin socket (usage or a domain rule). */
class RemoteRefusal extends Error {}

async function main(args: string[]): Promise<unknown> {
  const run = parseCommand(args);
  const config = loadConfig();
  let database: Database;
  try {
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, role: 'the Allot CLI' });
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    // The server holds the directory: let it run the command on its open database.
    const answer = await runOverAdminSocket(adminSocketPath(config.dataDir), args).catch((failure) => {
      throw failure instanceof AdminSocketUnreachableError ? error : failure;
    });
    if (answer.status === 200) return answer.body.result;
    throw new RemoteRefusal(answer.body.error ?? `the server answered HTTP ${answer.status}`);
  }
  try {
    return await run(database);
  } finally {
    await database.close();
  }
}

try {
  const result = await main(process.argv.slice(2));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
} catch (error) {
  if (error instanceof UsageError || error instanceof DataDirInUseError || error instanceof DomainError || error instanceof RemoteRefusal) {
    process.stderr.write(`allot: ${error.message}\n`);
  } else {
    process.stderr.write(`allot: unexpected failure: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
}

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
 * On the embedded database the CLI needs the data directory to itself: while the server runs it
 * refuses with a message naming the server's pid (PGlite cannot be shared between processes).
 */
import { loadConfig } from '../config.js';
import { DataDirInUseError } from '../db/data-dir-lock.js';
import { openDatabase, type Database } from '../db/open.js';
import { DomainError } from '../domain/errors.js';
import { createApiKey, createOrganization, revokeApiKey } from '../services/core/organizations.js';

const USAGE = `usage: allot <command>
  org create "<name>"
  org list
  key create <organizationId> [--name "<name>"]
  key list <organizationId>
  key revoke <keyId>
  migrate`;

class UsageError extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function requireUuid(value: string | undefined, what: string): string {
  if (!value || !UUID.test(value)) throw new UsageError(`${what} must be a UUID, as printed by "org list" or "key list"`);
  return value.toLowerCase();
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

type Run = (database: Database) => Promise<unknown>;

/**
 * Turns the arguments into the work to do, before any database is opened: a typo or `--help` is
 * answered at once, even while the server holds the embedded data directory.
 */
function parseCommand(args: string[]): Run {
  const [group, command, ...rest] = args;
  switch (`${group ?? ''} ${command ?? ''}`.trim()) {
    case 'migrate':
      return async (database) => database.migrations;
    case 'org create': {
      const name = rest[0];
      if (!name) throw new UsageError('usage: allot org create "<name>"');
      return async (database) => {
        const { organization, apiKey } = await createOrganization(database.prisma, { name });
        return { organizationId: organization.id, apiKey };
      };
    }
    case 'org list':
      return async (database) => {
        const orgs = await database.prisma.organization.findMany({
          orderBy: { createdAt: 'asc' },
          include: { _count: { select: { apiKeys: true } } },
        });
        return orgs.map((o) => ({ id: o.id, name: o.name, isDemo: o.isDemo, createdAt: o.createdAt, keys: o._count.apiKeys }));
      };
    case 'key create': {
      const organizationId = requireUuid(rest[0], 'organizationId');
      const name = option(rest, '--name') ?? 'default';
      return async (database) => {
        const { apiKey, key } = await createApiKey(database.prisma, organizationId, name);
        return { keyId: key.id, apiKey };
      };
    }
    case 'key list': {
      const organizationId = requireUuid(rest[0], 'organizationId');
      return async (database) => {
        const keys = await database.prisma.apiKey.findMany({ where: { organizationId }, orderBy: { createdAt: 'asc' } });
        return keys.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, createdAt: k.createdAt, revokedAt: k.revokedAt }));
      };
    }
    case 'key revoke': {
      const keyId = requireUuid(rest[0], 'keyId');
      return async (database) => {
        const key = await revokeApiKey(database.prisma, keyId);
        return { keyId: key.id, revokedAt: key.revokedAt };
      };
    }
    default:
      throw new UsageError(USAGE);
  }
}

async function main(args: string[]): Promise<unknown> {
  const run = parseCommand(args);
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, role: 'the Allot CLI' });
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
  if (error instanceof UsageError || error instanceof DataDirInUseError || error instanceof DomainError) {
    process.stderr.write(`allot: ${error.message}\n`);
  } else {
    process.stderr.write(`allot: unexpected failure: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
}

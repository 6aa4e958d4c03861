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
import { openDatabase } from '../db/open.js';
import { DomainError } from '../domain/errors.js';
import { createApiKey, createOrganization, revokeApiKey } from '../services/organizations.js';

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

async function main(args: string[]): Promise<unknown> {
  const [group, command, ...rest] = args;
  if (!group || group === 'help' || group === '--help') throw new UsageError(USAGE);
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, role: 'the Allot CLI' });
  const db = database.prisma;
  try {
    switch (`${group} ${command ?? ''}`.trim()) {
      case 'migrate':
        return database.migrations;
      case 'org create': {
        if (!rest[0]) throw new UsageError('usage: allot org create "<name>"');
        const { organization, apiKey } = await createOrganization(db, { name: rest[0] });
        return { organizationId: organization.id, apiKey };
      }
      case 'org list': {
        const orgs = await db.organization.findMany({ orderBy: { createdAt: 'asc' }, include: { _count: { select: { apiKeys: true } } } });
        return orgs.map((o) => ({ id: o.id, name: o.name, isDemo: o.isDemo, createdAt: o.createdAt, keys: o._count.apiKeys }));
      }
      case 'key create': {
        const organizationId = requireUuid(rest[0], 'organizationId');
        const { apiKey, key } = await createApiKey(db, organizationId, option(rest, '--name') ?? 'default');
        return { keyId: key.id, apiKey };
      }
      case 'key list': {
        const organizationId = requireUuid(rest[0], 'organizationId');
        const keys = await db.apiKey.findMany({ where: { organizationId }, orderBy: { createdAt: 'asc' } });
        return keys.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, createdAt: k.createdAt, revokedAt: k.revokedAt }));
      }
      case 'key revoke': {
        const key = await revokeApiKey(db, requireUuid(rest[0], 'keyId'));
        return { keyId: key.id, revokedAt: key.revokedAt };
      }
      default:
        throw new UsageError(USAGE);
    }
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

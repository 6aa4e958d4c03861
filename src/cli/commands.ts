/**
 * The operator commands, parsed apart from where they run: the CLI runs them on the database it
 * opens itself, or, while the server holds the embedded data directory, sends the arguments over
 * the server's admin socket and the server runs the same function on its open database
 * (src/http/admin-socket.ts).
 */
import type { Database } from '../db/open.js';
import { createApiKey, createOrganization, revokeApiKey } from '../services/core/organizations.js';

export const USAGE = `usage: allot <command>
  org create "<name>"
  org list
  key create <organizationId> [--name "<name>"]
  key list <organizationId>
  key revoke <keyId>
  migrate`;

export class UsageError extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function requireUuid(value: string | undefined, what: string): string {
  if (!value || !UUID.test(value)) throw new UsageError(`${what} must be a UUID, as printed by "org list" or "key list"`);
  return value.toLowerCase();
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

export type Run = (database: Database) => Promise<unknown>;

/**
 * Turns the arguments into the work to do, before any database is opened: a typo or `--help` is
 * answered at once, even while the server holds the embedded data directory.
 */
export function parseCommand(args: string[]): Run {
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

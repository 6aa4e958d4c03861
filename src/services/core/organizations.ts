/**
 * Tenancy and API keys. A key is `allot_<random>`; only its SHA-256 is stored, so a database dump
 * reveals no usable key. Each key acts as its own user, so the changelog names the integration or
 * person that made a change.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { NotFoundError } from '../../domain/errors.js';
import { requireTitle } from '../../domain/text.js';
import type { Db } from '../../db/open.js';
import type { ApiKey, Organization } from '../../generated/prisma/client.js';
import { announceApiKeyRevoked, API_KEY_REVOKED_CHANNEL } from './api-key-revocations.js';
import type { Tx } from './unit-of-work.js';
import type { Viewer } from './viewer.js';

const KEY_PREFIX = 'allot_';

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export interface IssuedKey {
  apiKey: string;
  key: ApiKey;
}

/** Works on the root client or inside a transaction (`Tx`), so organization + first key commit together. */
export async function createApiKey(db: Tx, organizationId: string, name = 'default'): Promise<IssuedKey> {
  const keyName = requireTitle(name, 'name');
  const organization = await db.organization.findUnique({ where: { id: organizationId } });
  if (!organization) throw new NotFoundError('Organization', 'organizationId');
  const apiKey = KEY_PREFIX + randomBytes(32).toString('base64url');
  const user = await db.user.create({ data: { organizationId, name: keyName } });
  const key = await db.apiKey.create({
    data: { organizationId, userId: user.id, name: keyName, prefix: apiKey.slice(0, 12), secretHash: hashSecret(apiKey) },
  });
  return { apiKey, key };
}

export async function createOrganization(
  db: Db,
  input: { name: string; isDemo?: boolean },
): Promise<{ organization: Organization } & IssuedKey> {
  const name = requireTitle(input.name, 'name');
  // Operator work, before any viewer exists: its own transaction, so organization and first key commit together.
  return db.$transaction(async (tx) => {
    const organization = await tx.organization.create({ data: { name, isDemo: input.isDemo ?? false } });
    return { organization, ...(await createApiKey(tx, organization.id, 'owner')) };
  });
}

/** Revokes a key and tells every cache of it (./api-key-revocations.ts) once the revocation commits. */
export async function revokeApiKey(db: Db, keyId: string): Promise<ApiKey> {
  const key = await db.apiKey.findUnique({ where: { id: keyId } });
  if (!key) throw new NotFoundError('ApiKey', 'keyId');
  if (key.revokedAt) return key;
  const revoked = await db.$transaction(async (tx) => {
    const updated = await tx.apiKey.update({ where: { id: keyId }, data: { revokedAt: new Date() } });
    // Delivered to the other processes' LISTEN connections when this transaction commits.
    await tx.$executeRaw`SELECT pg_notify(${API_KEY_REVOKED_CHANNEL}, ${keyId})`;
    return updated;
  });
  announceApiKeyRevoked(keyId);
  return revoked;
}

export interface AuthenticatedKey extends Viewer {
  apiKeyId: string;
}

/** The shape every key has; anything else is refused without a database lookup. */
export function looksLikeApiKey(presented: string): boolean {
  return presented.startsWith(KEY_PREFIX) && presented.length <= 200;
}

export function apiKeySecretHash(presented: string): string {
  return hashSecret(presented);
}

/**
 * The key whose secret hashes to `hash`, or null when it is unknown or revoked. The lookup is by
 * hash (an index probe that reveals nothing about the secret); the final comparison is constant
 * time.
 */
export async function findActiveApiKey(db: Db, hash: string): Promise<AuthenticatedKey | null> {
  const key = await db.apiKey.findUnique({ where: { secretHash: hash } });
  if (!key || key.revokedAt) return null;
  if (!timingSafeEqual(Buffer.from(key.secretHash, 'hex'), Buffer.from(hash, 'hex'))) return null;
  return { organizationId: key.organizationId, userId: key.userId, apiKeyId: key.id };
}

/**
 * The viewer for a presented key, or null when the key is unknown or revoked; straight from the
 * database. The server goes through its cache instead (src/http/api-key-cache.ts).
 */
export async function authenticateApiKey(db: Db, presented: string): Promise<AuthenticatedKey | null> {
  if (!looksLikeApiKey(presented)) return null;
  return findActiveApiKey(db, hashSecret(presented));
}

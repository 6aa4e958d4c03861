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

export async function revokeApiKey(db: Db, keyId: string): Promise<ApiKey> {
  const key = await db.apiKey.findUnique({ where: { id: keyId } });
  if (!key) throw new NotFoundError('ApiKey', 'keyId');
  if (key.revokedAt) return key;
  return db.apiKey.update({ where: { id: keyId }, data: { revokedAt: new Date() } });
}

/**
 * The viewer for a presented key, or null when the key is unknown or revoked. The lookup is by
 * hash (an index probe that reveals nothing about the secret); the final comparison is constant
 * time. Not cached, so a revoked key is refused on its very next request.
 */
export async function authenticateApiKey(db: Db, presented: string): Promise<(Viewer & { apiKeyId: string }) | null> {
  if (!presented.startsWith(KEY_PREFIX) || presented.length > 200) return null;
  const hash = hashSecret(presented);
  const key = await db.apiKey.findUnique({ where: { secretHash: hash } });
  if (!key || key.revokedAt) return null;
  if (!timingSafeEqual(Buffer.from(key.secretHash, 'hex'), Buffer.from(hash, 'hex'))) return null;
  return { organizationId: key.organizationId, userId: key.userId, apiKeyId: key.id };
}

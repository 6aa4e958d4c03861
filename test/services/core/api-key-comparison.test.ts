/**
 * Keys are found by the SHA-256 of the presented key (an index probe on a hash reveals nothing
 * about the secret's bytes) and the stored hash is compared with crypto.timingSafeEqual, never
 * with `===`. Checked by observing the real calls, not by timing.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const comparisons = vi.hoisted(() => [] as Array<[Buffer, Buffer]>);
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  return {
    ...original,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      comparisons.push([Buffer.from(a as Uint8Array), Buffer.from(b as Uint8Array)]);
      return original.timingSafeEqual(a, b);
    },
  };
});

const { authenticateApiKey, createOrganization } = await import('../../../src/services/core/organizations.js');
const { openTestDatabase } = await import('../../support/database.js');

describe('API key comparison', () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  let apiKey: string;
  beforeAll(async () => {
    database = await openTestDatabase();
    apiKey = (await createOrganization(database.prisma, { name: 'Keys' })).apiKey;
  });
  afterAll(() => database.close());

  it('looks the key up by its hash and compares the hashes with timingSafeEqual', async () => {
    comparisons.length = 0;
    database.statements.reset();
    const viewer = await authenticateApiKey(database.prisma, apiKey);
    expect(viewer).not.toBeNull();
    const hash = createHash('sha256').update(apiKey).digest();
    expect(comparisons).toEqual([[hash, hash]]);
    // One statement, a lookup by the hash column; the key itself is never sent to the database.
    expect(database.statements.statements).toHaveLength(1);
    expect(database.statements.statements[0]).toMatch(/"secretHash" = \$1/);
  });

  it('an unknown key costs the same lookup and is refused', async () => {
    database.statements.reset();
    // Change the last character to one it is not (a random key ends in 'A' one time in 64).
    const tampered = `${apiKey.slice(0, -1)}${apiKey.endsWith('A') ? 'B' : 'A'}`;
    expect(await authenticateApiKey(database.prisma, tampered)).toBeNull();
    expect(database.statements.statements).toHaveLength(1);
  });
});

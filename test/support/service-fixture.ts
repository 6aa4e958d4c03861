/**
 * Small named fixtures for service tests: a fresh database with two organizations, and
 * read-backs used to prove that a refused call changed nothing.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { createOrganization } from '../../src/services/core/organizations.js';
import type { Viewer } from '../../src/services/core/viewer.js';
import type { TestApp } from './app.js';
import { openTestDatabase, type TestDatabase } from './database.js';

export interface ServiceFixture {
  database: TestDatabase;
  db: TestDatabase['prisma'];
  /** Organization A's owner. */
  viewer: Viewer;
  /** Organization B's owner. */
  otherViewer: Viewer;
}

export async function openServiceFixture(): Promise<ServiceFixture> {
  const database = await openTestDatabase();
  const a = await createOrganization(database.prisma, { name: 'Org A' });
  const b = await createOrganization(database.prisma, { name: 'Org B' });
  return {
    database,
    db: database.prisma,
    viewer: { organizationId: a.organization.id, userId: a.key.userId },
    otherViewer: { organizationId: b.organization.id, userId: b.key.userId },
  };
}

/** Everything a refused call could have touched, to compare before and after. */
export async function snapshot(db: TestDatabase['prisma']): Promise<unknown> {
  const [accounts, categories, events] = await Promise.all([
    db.account.findMany({ orderBy: { id: 'asc' } }),
    db.category.findMany({ orderBy: { id: 'asc' } }),
    db.changelogEvent.findMany({ orderBy: { seq: 'asc' } }),
  ]);
  return { accounts, categories, events };
}

/** Runs `refused`, expects it to reject with `code`, and proves the database did not change. */
export async function expectRefusedWithoutChange(
  db: TestDatabase['prisma'],
  refused: () => Promise<unknown>,
  code: string,
): Promise<void> {
  const before = await snapshot(db);
  await expectCode(refused(), code);
  const after = await snapshot(db);
  if (JSON.stringify(after, bigintJson) !== JSON.stringify(before, bigintJson)) {
    throw new Error(`A refused call (${code}) changed the database`);
  }
}

export async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  if (!error) throw new Error(`Expected a ${code} refusal, but the call succeeded`);
  const actual = (error as { code?: string }).code;
  if (actual !== code) throw new Error(`Expected ${code}, got ${actual ?? 'no code'}: ${(error as Error).message}`);
}

export const bigintJson = (_key: string, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value);

export function randomId(): string {
  return randomUUID();
}

/**
 * Sends a mutation through the gateway and checks its typed error result (`__typename`, `code`,
 * a message) and that the database is exactly as before. Returns the error payload.
 */
export async function expectRefusedOverApi(
  app: TestApp,
  document: string,
  field: string,
  input: Record<string, unknown>,
  typename: string,
  code: string,
) {
  const before = JSON.stringify(await snapshot(app.database.prisma), bigintJson);
  const response = await app.gql(document, { input });
  expect(response.status).toBe(200);
  expect(response.errors).toBeUndefined();
  expect(response.data?.[field]).toMatchObject({ __typename: typename, code });
  expect(typeof response.data?.[field].message).toBe('string');
  expect(JSON.stringify(await snapshot(app.database.prisma), bigintJson)).toBe(before);
  return response.data?.[field];
}

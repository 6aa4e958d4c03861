import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeIdOf, encodeGlobalId } from '../../../src/graphql/global-id.js';
import { purgeIdempotencyRecords, requestHash, withIdempotency } from '../../../src/services/core/idempotency.js';
import { runUnitOfWork, type UnitOfWork } from '../../../src/services/core/unit-of-work.js';
import { createAccount } from '../../../src/services/ledger/accounts.js';
import { InsufficientFundsError } from '../../../src/domain/errors.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { runService } from '../../../src/services/core/service.js';

const CREATE_ACCOUNT = `mutation($input: CreateAccountInput!) {
  createAccount(input: $input) {
    __typename
    ... on CreateAccountSuccess { account { id name balance } }
    ... on Error { code message field }
  }
}`;
const CREATE_CATEGORY = `mutation($input: CreateCategoryInput!) {
  createCategory(input: $input) {
    __typename
    ... on CreateCategorySuccess { category { id title } }
    ... on Error { code message field }
  }
}`;

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const accountCount = (organizationId: string) => app.database.prisma.account.count({ where: { organizationId } });
const eventCount = (organizationId: string) => app.database.prisma.changelogEvent.count({ where: { organizationId } });

describe('idempotency keys (createAccount)', () => {
  it('a replay with the same key and input returns the first account and writes nothing', async () => {
    const input = { name: 'Retry me', currency: 'EUR', openingBalance: '10.00', idempotencyKey: 'replay-1' };
    const first = await app.gql(CREATE_ACCOUNT, { input });
    expect(first.data?.createAccount.__typename).toBe('CreateAccountSuccess');
    const accountsBefore = await accountCount(app.orgA.organizationId);
    const eventsBefore = await eventCount(app.orgA.organizationId);

    // Same input with keys in another order: still the same request.
    const replay = await app.gql(CREATE_ACCOUNT, { input: { idempotencyKey: 'replay-1', openingBalance: '10.00', currency: 'EUR', name: 'Retry me' } });
    expect(replay.data?.createAccount).toEqual(first.data?.createAccount);
    expect(await accountCount(app.orgA.organizationId)).toBe(accountsBefore);
    expect(await eventCount(app.orgA.organizationId)).toBe(eventsBefore);
  });

  it('the same key with a different input is IDEMPOTENCY_KEY_REUSED and writes nothing', async () => {
    await app.gql(CREATE_ACCOUNT, { input: { name: 'Original', currency: 'EUR', idempotencyKey: 'reuse-1' } });
    const before = await accountCount(app.orgA.organizationId);
    const reused = await app.gql(CREATE_ACCOUNT, { input: { name: 'Different', currency: 'EUR', idempotencyKey: 'reuse-1' } });
    expect(reused.data?.createAccount).toMatchObject({ __typename: 'IdempotencyKeyReusedError', code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' });
    expect(await accountCount(app.orgA.organizationId)).toBe(before);
  });

  it('the same key on another mutation is IDEMPOTENCY_KEY_REUSED', async () => {
    await app.gql(CREATE_ACCOUNT, { input: { name: 'Shared key', currency: 'EUR', idempotencyKey: 'cross-op' } });
    const categories = await app.database.prisma.category.count();
    const result = await app.gql(CREATE_CATEGORY, { input: { title: 'Shared key', kind: 'EXPENSE', idempotencyKey: 'cross-op' } });
    expect(result.data?.createCategory.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await app.database.prisma.category.count()).toBe(categories);
  });

  it('keys are per organization: organization B may use A’s key for its own request', async () => {
    const a = await app.gql(CREATE_ACCOUNT, { input: { name: 'A side', currency: 'EUR', idempotencyKey: 'per-org' } });
    const b = await app.gql(CREATE_ACCOUNT, { input: { name: 'B side', currency: 'USD', idempotencyKey: 'per-org' } }, app.orgB);
    expect(b.data?.createAccount.__typename).toBe('CreateAccountSuccess');
    expect(b.data?.createAccount.account.id).not.toBe(a.data?.createAccount.account.id);
    expect(b.data?.createAccount.account.name).toBe('B side');
  });

  it('a typed error is remembered: the replay answers the same error and writes nothing', async () => {
    const input = { name: 'Bad currency', currency: 'XXQ', idempotencyKey: 'typed-error' };
    const first = await app.gql(CREATE_ACCOUNT, { input });
    expect(first.data?.createAccount.code).toBe('UNKNOWN_CURRENCY');
    const replay = await app.gql(CREATE_ACCOUNT, { input });
    expect(replay.data?.createAccount).toEqual(first.data?.createAccount);
    const record = await app.database.prisma.idempotencyRecord.findUnique({
      where: { organizationId_key: { organizationId: app.orgA.organizationId, key: 'typed-error' } },
    });
    expect(record?.response).toMatchObject({ error: { name: 'UnknownCurrencyError' } });
  });

  it('without a key, two identical requests create two accounts (the key is opt-in)', async () => {
    const before = await accountCount(app.orgA.organizationId);
    const input = { name: 'No key', currency: 'EUR' };
    await app.gql(CREATE_ACCOUNT, { input });
    await app.gql(CREATE_ACCOUNT, { input });
    expect(await accountCount(app.orgA.organizationId)).toBe(before + 2);
  });

  it('refuses an empty or over-long key with INVALID_INPUT', async () => {
    for (const key of ['', 'k'.repeat(256)]) {
      const result = await app.gql(CREATE_ACCOUNT, { input: { name: 'x', currency: 'EUR', idempotencyKey: key } });
      expect(result.data?.createAccount).toMatchObject({ code: 'INVALID_INPUT', field: 'idempotencyKey' });
    }
  });

  it('five concurrent requests with one key execute once and all answer the same account', async () => {
    const before = await accountCount(app.orgA.organizationId);
    const input = { name: 'Concurrent', currency: 'EUR', idempotencyKey: 'concurrent-1' };
    const results = await Promise.all(Array.from({ length: 5 }, () => app.gql(CREATE_ACCOUNT, { input })));
    const ids = new Set(results.map((result) => result.data?.createAccount.account?.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toBeTruthy();
    expect(await accountCount(app.orgA.organizationId)).toBe(before + 1);
    const events = await app.database.prisma.changelogEvent.count({
      where: { entityId: decodeIdOf('Account', [...ids][0] as string), action: 'NEW' },
    });
    expect(events).toBe(1);
  });
});

describe('idempotency keys (createCategory)', () => {
  it('replays the first category and refuses a reused key', async () => {
    const input = { title: 'Rent', kind: 'EXPENSE', idempotencyKey: 'cat-1' };
    const first = await app.gql(CREATE_CATEGORY, { input });
    const count = await app.database.prisma.category.count();
    expect((await app.gql(CREATE_CATEGORY, { input })).data?.createCategory).toEqual(first.data?.createCategory);
    expect(await app.database.prisma.category.count()).toBe(count);
    const reused = await app.gql(CREATE_CATEGORY, { input: { ...input, title: 'Other' } });
    expect(reused.data?.createCategory.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await app.database.prisma.category.count()).toBe(count);
  });

  it('a foreign parent is NOT_FOUND, remembered as such', async () => {
    const foreign = await app.gql(CREATE_CATEGORY, { input: { title: 'B root', kind: 'EXPENSE' } }, app.orgB);
    const input = { title: 'Child', kind: 'EXPENSE', parentId: foreign.data?.createCategory.category.id, idempotencyKey: 'cat-foreign' };
    const first = await app.gql(CREATE_CATEGORY, { input });
    expect(first.data?.createCategory.code).toBe('NOT_FOUND');
    expect((await app.gql(CREATE_CATEGORY, { input })).data?.createCategory).toEqual(first.data?.createCategory);
  });
});

describe('withIdempotency (the mechanism the mutation pipeline applies)', () => {
  /** One request's unit of work, as the pipeline opens it. */
  const once = (key: string, work: (uow: UnitOfWork) => Promise<{ never: boolean } | { ok: number }>) =>
    runUnitOfWork({ db: app.database.prisma, viewer: app.orgA.viewer }, (uow) => withIdempotency(uow, 'test', { idempotencyKey: key }, work));

  it('rolls back the writes of a refused run to a savepoint and stores only the refusal', async () => {
    const before = await accountCount(app.orgA.organizationId);
    const outcome = await once('savepoint', async (uow) => {
      await createAccount(uow, { name: 'Written then refused', currency: 'EUR' });
      throw new InsufficientFundsError('not enough', '0.00', '1.00');
    });
    expect('error' in outcome && outcome.error).toBeInstanceOf(InsufficientFundsError);
    expect(await accountCount(app.orgA.organizationId)).toBe(before);
    // The replay answers the same typed error (with its fields) without running again.
    let ran = false;
    const replayed = await once('savepoint', async () => {
      ran = true;
      return { never: true };
    });
    expect(ran).toBe(false);
    expect('error' in replayed && replayed.error).toBeInstanceOf(InsufficientFundsError);
    expect('error' in replayed && replayed.error).toMatchObject({ code: 'INSUFFICIENT_FUNDS', available: '0.00', required: '1.00', message: 'not enough' });
  });

  it('an unexpected failure stores nothing, so a retry runs again', async () => {
    await expect(
      once('crash', async () => {
        throw new Error('database went away');
      }),
    ).rejects.toThrow('database went away');
    expect(await once('crash', async () => ({ ok: 1 }))).toEqual({ ok: { ok: 1 } });
  });

  it('hashes inputs independently of key order and ignores the key itself', () => {
    expect(requestHash('op', { b: 1, a: { y: 2, x: 1 }, idempotencyKey: 'one' })).toBe(requestHash('op', { a: { x: 1, y: 2 }, b: 1, idempotencyKey: 'two' }));
    expect(requestHash('op', { a: 1 })).not.toBe(requestHash('op', { a: 2 }));
    expect(requestHash('op', { a: 1 })).not.toBe(requestHash('other', { a: 1 }));
  });

  it('purges keys older than the retention (24 h at least) and keeps younger ones', async () => {
    const organizationId = app.orgA.organizationId;
    await app.database.prisma.idempotencyRecord.createMany({
      data: [
        { organizationId, key: 'old', operation: 'x', requestHash: 'h', response: { ok: 1 }, createdAt: new Date(Date.now() - 25 * 3_600_000) },
        { organizationId, key: 'young', operation: 'x', requestHash: 'h', response: { ok: 1 }, createdAt: new Date(Date.now() - 23 * 3_600_000) },
      ],
    });
    // A retention under 24 h is raised to 24 h: "young" (23 h) survives even when asked for 1 h.
    expect(await purgeIdempotencyRecords(app.database.prisma, 1)).toBeGreaterThanOrEqual(1);
    const keys = (await app.database.prisma.idempotencyRecord.findMany({ where: { organizationId, key: { in: ['old', 'young'] } } })).map((r) => r.key);
    expect(keys).toEqual(['young']);
  });

  it('a replayed success re-reads the object as it is now (ids are stored, not the payload)', async () => {
    const first = await app.gql(CREATE_ACCOUNT, { input: { name: 'Before rename', currency: 'EUR', idempotencyKey: 'reread' } });
    const id = first.data?.createAccount.account.id as string;
    await app.gql(`mutation($id: ID!) { updateAccount(input: {id: $id, name: "After rename"}) { __typename } }`, { id });
    const replay = await app.gql(CREATE_ACCOUNT, { input: { name: 'Before rename', currency: 'EUR', idempotencyKey: 'reread' } });
    expect(replay.data?.createAccount.account).toMatchObject({ id, name: 'After rename' });
    expect(encodeGlobalId('Account', decodeIdOf('Account', id))).toBe(id);
  });
});

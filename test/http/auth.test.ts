/** Authentication through `yoga.fetch`: no key, a wrong key or a revoked key is HTTP 401 UNAUTHENTICATED. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAllotYoga } from '../../src/http/yoga.js';
import { createApiKey, revokeApiKey } from '../../src/services/core/organizations.js';
import { createTestApp, type TestApp } from '../support/app.js';

let app: TestApp;
let yoga: ReturnType<typeof createAllotYoga>;
beforeAll(async () => {
  app = await createTestApp();
  yoga = createAllotYoga({ db: app.database.prisma, graphiql: false, logError: () => {} });
});
afterAll(() => app.close());

const QUERY = JSON.stringify({ query: '{ viewer { name } }' });

async function post(authorization?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== undefined) headers.authorization = authorization;
  const response = await yoga.fetch('http://allot.test/graphql', { method: 'POST', headers, body: QUERY });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

function expectUnauthenticated(response: Awaited<ReturnType<typeof post>>) {
  expect(response.status).toBe(401);
  expect(response.body.data ?? null).toBeNull();
  expect(response.body.errors).toHaveLength(1);
  expect(response.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  expect(response.headers.get('www-authenticate')).toBe('Bearer');
}

describe('API keys', () => {
  it('a valid key reads its own organization', async () => {
    const response = await post(`Bearer ${app.orgA.apiKey}`);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ viewer: { name: 'Org A' } });
    expect((await post(`bearer   ${app.orgB.apiKey}`)).body.data).toEqual({ viewer: { name: 'Org B' } });
  });

  it.each([
    ['no Authorization header', undefined],
    ['an empty header', ''],
    ['a Basic header', `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['Bearer without a key', 'Bearer '],
    ['an unknown key', 'Bearer allot_thisKeyDoesNotExistAnywhere0000000000000'],
    ['a key without the prefix', 'Bearer 0123456789abcdef'],
    ['a key with a wrong last character', null],
    ['an over-long key', `Bearer allot_${'x'.repeat(500)}`],
  ])('refuses %s with 401 UNAUTHENTICATED', async (_label, header) => {
    const value = header === null ? `Bearer ${app.orgA.apiKey.slice(0, -1)}${app.orgA.apiKey.endsWith('A') ? 'B' : 'A'}` : header;
    expectUnauthenticated(await post(value));
  });

  it('refuses a revoked key on its very next request, while other keys keep working', async () => {
    const second = await createApiKey(app.database.prisma, app.orgA.organizationId, 'integration');
    expect((await post(`Bearer ${second.apiKey}`)).status).toBe(200);
    await revokeApiKey(app.database.prisma, second.key.id);
    expectUnauthenticated(await post(`Bearer ${second.apiKey}`));
    expect((await post(`Bearer ${app.orgA.apiKey}`)).status).toBe(200);
  });

  it('answers the same through the test client: no key and a made-up key are 401 UNAUTHENTICATED', async () => {
    const anonymous = await app.gql('{ viewer { name } }', {}, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const impostor = await app.gql('{ viewer { name } }', {}, { ...app.orgA, apiKey: 'allot_madeUp' });
    expect(impostor.status).toBe(401);
    expect(impostor.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses an unauthenticated mutation without writing anything', async () => {
    const before = await app.database.prisma.account.count();
    const response = await yoga.fetch('http://allot.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { createAccount(input: {name: "X", currency: "EUR"}) { __typename } }' }),
    });
    expect(response.status).toBe(401);
    expect(await app.database.prisma.account.count()).toBe(before);
  });
});

/**
 * Managing webhook endpoints through the API: every refusal typed (and nothing changed), the
 * secret shown once, tenancy, and the SSRF guard at registration and at delivery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../src/services/webhooks/target-policy.js';
import { DEFAULT_WEBHOOK_SETTINGS } from '../../src/webhooks/settings.js';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

let app: TestApp;
let guarded: TestApp;
beforeAll(async () => {
  app = await createTestApp();
  // Production's guard, with one on-premise receiver allowed by name.
  guarded = await createTestApp({ webhookTargets: { blockPrivateAddresses: true, allowedHosts: ['hooks.internal.test'] } });
});
afterAll(async () => {
  await app.close();
  await guarded.close();
});

const ERROR = '... on Error { __typename code message field }';
const ENDPOINT = 'endpoint { id url events description enabled }';

async function mutate(name: string, input: Record<string, unknown>, selection = '', as = app.orgA, on = app) {
  const type = `${name.charAt(0).toUpperCase()}${name.slice(1)}Input`;
  const response = await on.gql(`mutation($input: ${type}!) { ${name}(input: $input) { __typename ${selection} ${ERROR} } }`, { input }, as);
  expect(response.errors).toBeUndefined();
  return response.data![name];
}

async function endpointCount(on = app, as = app.orgA): Promise<number> {
  const response = await on.gql('{ webhookEndpoints { totalCount } }', {}, as);
  return response.data!.webhookEndpoints.totalCount;
}

async function create(input: Record<string, unknown>, on = app) {
  return mutate('createWebhookEndpoint', input, `... on CreateWebhookEndpointSuccess { secret ${ENDPOINT} }`, on === app ? app.orgA : on.orgA, on);
}

describe('createWebhookEndpoint', () => {
  it('answers the secret once; reads never show it', async () => {
    const created = await create({ url: 'https://example.com/hooks', events: ['entry.posted', 'entry.posted', 'budget.alert'], description: 'ERP' });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    expect(created.endpoint).toMatchObject({ url: 'https://example.com/hooks', events: ['entry.posted', 'budget.alert'], description: 'ERP', enabled: true });
    const listed = await app.gql('{ webhookEndpoints { nodes { id url } } }');
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    const rotated = await mutate('rotateWebhookSecret', { id: created.endpoint.id }, '... on RotateWebhookSecretSuccess { secret endpoint { id } }');
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
  });

  it('a replay with the same idempotency key answers the same endpoint and secret and creates nothing; another input is IDEMPOTENCY_KEY_REUSED', async () => {
    const input = { url: 'https://example.com/replay', events: ['*'], idempotencyKey: 'endpoint-replay-1' };
    const first = await create(input);
    const count = await endpointCount();
    const replay = await create(input);
    expect(replay).toEqual(first);
    expect(await endpointCount()).toBe(count);
    expect(await create({ ...input, url: 'https://example.com/other' })).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await endpointCount()).toBe(count);
  });

  it.each([
    ['INVALID_INPUT', { url: 'not a url', events: ['*'] }, 'url'],
    ['INVALID_INPUT', { url: 'https://example.com/', events: [] }, 'events'],
    ['UNKNOWN_VALUE', { url: 'https://example.com/', events: ['entry.exploded'] }, 'events'],
    ['WEBHOOK_URL_REFUSED', { url: 'ftp://example.com/', events: ['*'] }, 'url'],
    ['WEBHOOK_URL_REFUSED', { url: 'https://user:pass@example.com/', events: ['*'] }, 'url'],
  ])('%s for %j, and nothing is created', async (code, input, field) => {
    const before = await endpointCount();
    expect(await create(input)).toMatchObject({ code, field });
    expect(await endpointCount()).toBe(before);
  });

  it('UNKNOWN_VALUE lists the accepted event types', async () => {
    const response = await app.gql(`mutation { createWebhookEndpoint(input: { url: "https://example.com/", events: ["nope"] }) { ... on UnknownValueError { allowed } } }`);
    expect(response.data!.createWebhookEndpoint.allowed).toEqual(expect.arrayContaining(['*', 'budget.alert', 'budget.frozen', 'entry.posted', 'transaction.imported']));
  });
});

describe('updateWebhookEndpoint / deleteWebhookEndpoint / rotateWebhookSecret / redeliverWebhook refusals', () => {
  it('NOT_FOUND for another organization\'s endpoint, INVALID_ID for a wrong id, and nothing changes', async () => {
    const created = await create({ url: 'https://example.com/a', events: ['*'] });
    const id = created.endpoint.id;
    for (const name of ['updateWebhookEndpoint', 'deleteWebhookEndpoint', 'rotateWebhookSecret']) {
      expect(await mutate(name, { id, ...(name === 'updateWebhookEndpoint' ? { url: 'https://evil.example/' } : {}) }, '', app.orgB)).toMatchObject({ code: 'NOT_FOUND' });
      expect(await mutate(name, { id: 'bm9wZQ' })).toMatchObject({ code: 'INVALID_ID' });
    }
    expect(await mutate('redeliverWebhook', { id: 'bm9wZQ' })).toMatchObject({ code: 'INVALID_ID' });
    const read = await app.gql(`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { url } } }`, { id });
    expect(read.data!.node).toEqual({ url: 'https://example.com/a' });
    expect(await endpointCount(app, app.orgB)).toBe(0);
  });

  it('update refuses a bad URL or event type and keeps the endpoint as it was; delete removes it', async () => {
    const created = await create({ url: 'https://example.com/b', events: ['entry.posted'] });
    const id = created.endpoint.id;
    expect(await mutate('updateWebhookEndpoint', { id, url: 'gopher://x/' })).toMatchObject({ code: 'WEBHOOK_URL_REFUSED' });
    expect(await mutate('updateWebhookEndpoint', { id, events: ['nope'] })).toMatchObject({ code: 'UNKNOWN_VALUE' });
    const read = await app.gql(`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { url events } } }`, { id });
    expect(read.data!.node).toEqual({ url: 'https://example.com/b', events: ['entry.posted'] });
    const updated = await mutate('updateWebhookEndpoint', { id, events: ['*'], description: 'all' }, `... on UpdateWebhookEndpointSuccess { ${ENDPOINT} }`);
    expect(updated.endpoint).toMatchObject({ events: ['*'], description: 'all' });
    expect(await mutate('deleteWebhookEndpoint', { id }, '... on DeleteWebhookEndpointSuccess { deletedId }')).toEqual({ __typename: 'DeleteWebhookEndpointSuccess', deletedId: id });
    expect(await mutate('deleteWebhookEndpoint', { id })).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('SSRF guard', () => {
  it('classifies addresses', () => {
    for (const inward of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:10.0.0.1']) {
      expect(isPublicAddress(inward), inward).toBe(false);
    }
    for (const outward of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111']) expect(isPublicAddress(outward), outward).toBe(true);
  });

  it.each(['http://127.0.0.1:4000/', 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.5/', 'http://[::1]/', 'http://localhost:5432/'])(
    'refuses %s at registration (WEBHOOK_URL_REFUSED), and nothing is created',
    async (url) => {
      const before = await endpointCount(guarded, guarded.orgA);
      expect(await create({ url, events: ['*'] }, guarded)).toMatchObject({ code: 'WEBHOOK_URL_REFUSED', field: 'url' });
      expect(await endpointCount(guarded, guarded.orgA)).toBe(before);
    },
  );

  it('an allow-listed host is accepted, and an update to a private address is refused', async () => {
    const created = await create({ url: 'http://hooks.internal.test/x', events: ['*'] }, guarded);
    expect(created.__typename).toBe('CreateWebhookEndpointSuccess');
    expect(await mutate('updateWebhookEndpoint', { id: created.endpoint.id, url: 'http://192.168.0.10/' }, '', guarded.orgA, guarded)).toMatchObject({
      code: 'WEBHOOK_URL_REFUSED',
    });
  });

  it('is applied again at delivery: an endpoint on 127.0.0.1 gets nothing from a guarded dispatcher', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const created = await create({ url: receiver.url, events: ['*'] });
      const account = await mutate('createAccount', { name: 'SSRF', currency: 'EUR', openingBalance: '5.00' }, '... on CreateAccountSuccess { account { id } }');
      const category = await mutate('createCategory', { title: 'SSRF', kind: 'EXPENSE' }, '... on CreateCategorySuccess { category { id } }');
      await mutate('createExpense', { title: 'x', amount: '1.00', accountId: account.account.id, categoryId: category.category.id });
      const dispatcher = new WebhookDispatcher(app.database.prisma, {
        ...DEFAULT_WEBHOOK_SETTINGS,
        targets: { blockPrivateAddresses: true, allowedHosts: [] },
      });
      expect(await dispatcher.runOnce()).toBeGreaterThan(0);
      const state = await app.gql(`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries { nodes { status attempts lastError lastResponseCode } } } } }`, {
        id: created.endpoint.id,
      });
      expect(state.data!.node.deliveries.nodes[0]).toMatchObject({ status: 'PENDING', attempts: 1, lastResponseCode: null, lastError: expect.stringMatching(/^refused: /) });
      expect(receiver.received).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });
});

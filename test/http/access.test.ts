/**
 * Who may run what: anonymous introspection by configuration, field suggestions, CSRF, trusted
 * documents (persisted operations), GraphiQL.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { loadPersistedManifest } from '../../src/http/access.js';
import { DEFAULT_HARDENING, type HardeningOptions } from '../../src/http/yoga.js';
import { createTestApp, type TestApp } from '../support/app.js';

const json = (apiKey?: string, extra: Record<string, string> = {}) => ({
  'content-type': 'application/json',
  ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
  ...extra,
});

function hardening(access: Partial<HardeningOptions['access']>): { hardening: Partial<HardeningOptions> } {
  return { hardening: { access: { ...DEFAULT_HARDENING.access, ...access } } };
}

describe('configuration defaults', () => {
  it('development: GraphiQL, public introspection, suggestions shown; production: none of them', () => {
    const development = loadConfig({});
    expect(development.access).toMatchObject({ graphiql: true, introspection: 'public', hideFieldSuggestions: false });
    const production = loadConfig({ NODE_ENV: 'production' });
    expect(production.access).toMatchObject({ graphiql: false, introspection: 'authenticated', hideFieldSuggestions: true });
    expect(loadConfig({ NODE_ENV: 'production', ALLOT_INTROSPECTION: 'off' }).access.introspection).toBe('off');
    expect(() => loadConfig({ ALLOT_INTROSPECTION: 'sometimes' })).toThrow(/ALLOT_INTROSPECTION/);
    expect(() => loadConfig({ ALLOT_MAX_COST: '2000' })).toThrow(/ALLOT_RATE_LIMIT_BUCKET/);
  });
});

describe('introspection and suggestions in production (authenticated-only introspection, suggestions hidden)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(hardening({ introspection: 'authenticated', hideFieldSuggestions: true }));
  });
  afterAll(() => app.close());

  it('refuses introspection without a key (401) and allows it with a valid key', async () => {
    const anonymous = await app.gql(getIntrospectionQuery(), {}, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.data).toBeUndefined();
    const authenticated = await app.gql(getIntrospectionQuery());
    expect(authenticated.errors).toBeUndefined();
    expect(authenticated.data?.__schema.queryType.name).toBe('Query');
  });

  it('hides "Did you mean" suggestions for fields, enum values and input fields', async () => {
    const field = await app.gql('{ viewr { name } }');
    expect(field.errors?.[0]?.message).not.toMatch(/Did you mean|viewer/);
    const enumLiteral = await app.gql('{ categories(kind: EXPENS) { id } }');
    const enumVariable = await app.gql('query($k: EntryKind) { categories(kind: $k) { id } }', { k: 'EXPENS' });
    const inputField = await app.gql('mutation($i: CreateAccountInput!) { createAccount(input: $i) { __typename } }', { i: { nam: 'x', currency: 'EUR' } });
    for (const result of [enumLiteral, enumVariable, inputField]) {
      expect(result.errors?.length).toBeGreaterThan(0);
      for (const error of result.errors ?? []) {
        expect(error.message).not.toMatch(/Did you mean|"EXPENSE"/);
        expect(error.extensions?.code).toEqual(expect.any(String));
      }
    }
  });

  it('answers anything else without a key with UNAUTHENTICATED (401)', async () => {
    const result = await app.gql('{ viewer { name } }', {}, null);
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('introspection in development (public) and switched off', () => {
  it('public: anonymous callers may introspect, and only introspect', async () => {
    const app = await createTestApp(hardening({ introspection: 'public' }));
    try {
      expect((await app.gql(getIntrospectionQuery(), {}, null)).data?.__schema).toBeTruthy();
      const mixed = await app.gql('{ __typename viewer { name } }', {}, null);
      expect(mixed.status).toBe(401);
      const suggestions = await app.gql('{ viewr { name } }');
      expect(suggestions.errors?.[0]?.message).toMatch(/Did you mean "viewer"/);
    } finally {
      await app.close();
    }
  });

  it('off: refused even with a key (INTROSPECTION_DISABLED, 403); __typename still works', async () => {
    const app = await createTestApp(hardening({ introspection: 'off' }));
    try {
      const result = await app.gql('{ __schema { queryType { name } } }');
      expect(result.status).toBe(403);
      expect(result.errors?.[0]?.extensions?.code).toBe('INTROSPECTION_DISABLED');
      expect((await app.gql('{ __typename viewer { name } }')).data?.viewer.name).toBe('Org A');
    } finally {
      await app.close();
    }
  });
});

describe('CSRF prevention', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it('serves a GET query without the X-Allot-CSRF header (urql and Apollo send queries as GET)', async () => {
    const url = `/graphql?query=${encodeURIComponent('{ viewer { name } }')}`;
    const allowed = await app.fetch(url, { headers: { authorization: `Bearer ${app.orgA.apiKey}` } });
    expect(allowed.status).toBe(200);
    expect((await allowed.json()).data.viewer.name).toBe('Org A');
  });

  it('a GET cannot write: a mutation over GET is refused (405) and writes nothing', async () => {
    const url = `/graphql?query=${encodeURIComponent('mutation { createAccount(input: {name: "csrf-get", currency: "EUR", openingBalance: "0.00"}) { __typename } }')}`;
    const refused = await app.fetch(url, { headers: { authorization: `Bearer ${app.orgA.apiKey}` } });
    expect(refused.status).toBe(405);
    expect(await app.database.prisma.account.count({ where: { name: 'csrf-get' } })).toBe(0);
  });

  it('a cross-site GET (no Authorization header: a link or an <img> cannot set one) is anonymous and refused', async () => {
    const url = `/graphql?query=${encodeURIComponent('{ viewer { name } }')}`;
    const anonymous = await app.fetch(url, { headers: { origin: 'https://elsewhere.example' } });
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a form-encoded or text/plain POST (a browser sends those without preflight)', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const response = await app.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${app.orgA.apiKey}` },
        body: JSON.stringify({ query: 'mutation { createAccount(input: {name: "csrf", currency: "EUR"}) { __typename } }' }),
      });
      expect(response.status).toBe(403);
    }
    expect(await app.database.prisma.account.count({ where: { name: 'csrf' } })).toBe(0);
  });

  it('a JSON POST needs no extra header (browsers preflight it)', async () => {
    expect((await app.gql('{ viewer { name } }')).status).toBe(200);
  });
});

describe('trusted documents (persisted operations)', () => {
  const document = 'query Me { viewer { name } }';
  const hash = createHash('sha256').update(document).digest('hex');
  let app: TestApp;
  let manifestPath: string;
  beforeAll(async () => {
    manifestPath = path.join(mkdtempSync(path.join(tmpdir(), 'allot-manifest-')), 'operations.json');
    writeFileSync(manifestPath, JSON.stringify({ [hash]: document }));
    app = await createTestApp(hardening({ persistedOperationsPath: manifestPath }));
  });
  afterAll(() => app.close());

  const send = (body: unknown) =>
    app.fetch('/graphql', { method: 'POST', headers: json(app.orgA.apiKey), body: JSON.stringify(body) });

  it('runs a manifest operation sent by hash', async () => {
    const response = await send({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(response.status).toBe(200);
    expect((await response.json()).data).toEqual({ viewer: { name: 'Org A' } });
  });

  it('refuses an arbitrary document (PERSISTED_OPERATION_REQUIRED, 403), even one that is in the manifest', async () => {
    for (const query of ['{ accounts { totalCount } }', document]) {
      const response = await send({ query });
      expect(response.status).toBe(403);
      expect((await response.json()).errors[0].extensions.code).toBe('PERSISTED_OPERATION_REQUIRED');
    }
  });

  it('refuses an unknown hash (PERSISTED_OPERATION_NOT_FOUND, 400)', async () => {
    const response = await send({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } });
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].extensions.code).toBe('PERSISTED_OPERATION_NOT_FOUND');
  });

  it('refuses to start with a manifest whose hash does not match its document', () => {
    const broken = path.join(path.dirname(manifestPath), 'broken.json');
    writeFileSync(broken, JSON.stringify({ ['0'.repeat(64)]: document }));
    expect(() => loadPersistedManifest(broken)).toThrow(/is not the sha256/);
  });
});

describe('GraphiQL', () => {
  it('is served only when configured', async () => {
    const on = await createTestApp({ graphiql: true });
    const off = await createTestApp({ graphiql: false });
    try {
      const page = await on.fetch('/graphql', { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/graphiql/i);
      const none = await off.fetch('/graphql', { headers: { accept: 'text/html' } });
      expect(await none.text()).not.toMatch(/graphiql/i);
    } finally {
      await on.close();
      await off.close();
    }
  });
});

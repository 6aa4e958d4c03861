/**
 * Tenancy through every Node type and every mutation that takes an id, both derived from the
 * schema so types and mutations added later are covered without editing this file; revoked keys;
 * no internals in responses.
 */
import { getNamedType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/graphql/global-id.js';
import { schema } from '../../src/graphql/schema.js';
import { seedDemoOrganization } from '../../src/services/demo.js';
import { revokeApiKey } from '../../src/services/organizations.js';
import { createTestApp, type TestApp, type TestTenant } from '../support/app.js';
import { sampleValue } from '../support/schema-samples.js';

const nodeInterface = schema.getType('Node');
const NODE_TYPES = nodeInterface && isInterfaceType(nodeInterface) ? schema.getPossibleTypes(nodeInterface).map((type) => type.name) : [];

let app: TestApp;
let foreign: TestTenant;
/** One object of each Node type that the foreign organization owns, where the data allows. */
const foreignObjects = new Map<string, { globalId: string; uuid: string }>();

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);
type Delegate = { findFirst(args: unknown): Promise<{ id: string } | null>; findUnique(args: unknown): Promise<unknown> };
const delegateOf = (type: string) => (app.database.prisma as unknown as Record<string, Delegate | undefined>)[lowerFirst(type)];

beforeAll(async () => {
  app = await createTestApp();
  // The demo seed writes through the services: categories, an account, budgets... of a third org.
  const demo = await seedDemoOrganization(app.database.prisma);
  const key = await app.database.prisma.apiKey.findFirstOrThrow({ where: { organizationId: demo.organizationId } });
  foreign = { organizationId: demo.organizationId, apiKey: demo.apiKey, viewer: { organizationId: demo.organizationId, userId: key.userId } };
  for (const type of NODE_TYPES) {
    const row = await delegateOf(type)?.findFirst({ where: { organizationId: demo.organizationId } });
    if (row) foreignObjects.set(type, { globalId: encodeGlobalId(type, row.id), uuid: row.id });
  }
});
afterAll(() => app.close());

describe('cross-tenant reads through every Node type', () => {
  it('finds the Node types in the schema and a foreign object for at least Account and Category', () => {
    expect(NODE_TYPES).toEqual(expect.arrayContaining(['Account', 'Category']));
    expect([...foreignObjects.keys()]).toEqual(expect.arrayContaining(['Account', 'Category']));
  });

  it.each(NODE_TYPES)('%s: another organization’s object is null through node and nodes, like a missing one', async (type) => {
    const object = foreignObjects.get(type);
    const ids = [object?.globalId, encodeGlobalId(type, crypto.randomUUID())].filter(Boolean) as string[];
    if (object) {
      // The id is real: its owner sees it.
      const own = await app.gql(`query($id: ID!) { node(id: $id) { __typename id } }`, { id: object.globalId }, foreign);
      expect(own.data?.node).toEqual({ __typename: type, id: object.globalId });
    }
    for (const id of ids) {
      const result = await app.gql(`query($id: ID!) { node(id: $id) { __typename id } nodes(ids: [$id]) { id } }`, { id });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ node: null, nodes: [null] });
    }
  });
});

const mutationType = schema.getMutationType();
const MUTATIONS_WITH_IDS = Object.values(mutationType?.getFields() ?? {}).filter((field) => {
  const input = field.args.find((arg) => arg.name === 'input');
  const named = input && getNamedType(input.type);
  return named && isInputObjectType(named) && Object.values(named.getFields()).some((f) => getNamedType(f.type).name === 'ID');
});

describe('cross-tenant writes through every mutation that takes an id', () => {
  it('finds such mutations in the schema', () => {
    expect(MUTATIONS_WITH_IDS.map((field) => field.name)).toEqual(expect.arrayContaining(['updateAccount', 'closeAccount', 'deleteCategory']));
  });

  it.each(MUTATIONS_WITH_IDS.map((field) => field.name))('%s: a foreign id is NOT_FOUND or INVALID_ID and changes nothing there', async (name) => {
    const field = mutationType!.getFields()[name]!;
    const inputType = field.args.find((arg) => arg.name === 'input')!.type;
    const resultType = getNamedType(field.type);
    const selection = isObjectType(resultType) ? '__typename' : '__typename ... on Error { code }';
    for (const [type, object] of foreignObjects) {
      const before = await delegateOf(type)!.findUnique({ where: { id: object.uuid } });
      const eventsBefore = await app.database.prisma.changelogEvent.count({ where: { organizationId: foreign.organizationId } });
      const result = await app.gql(`mutation($input: ${String(inputType).replace(/!$/, '')}!) { ${name}(input: $input) { ${selection} } }`, {
        input: sampleValue(inputType, 'input', object.globalId),
      });
      const payload = result.data?.[name] as { __typename: string; code?: string } | undefined;
      expect(payload?.__typename ?? 'top-level error', `${name} with a foreign ${type}`).not.toMatch(/Success$/);
      if (payload?.code) expect(['NOT_FOUND', 'INVALID_ID', 'INVALID_INPUT', 'INVALID_AMOUNT', 'UNKNOWN_CURRENCY']).toContain(payload.code);
      // The mutation's own type with a foreign id must answer exactly as a missing id.
      if (name.endsWith(type)) expect(payload?.code, `${name} on a foreign ${type}`).toBe('NOT_FOUND');
      expect(await delegateOf(type)!.findUnique({ where: { id: object.uuid } })).toEqual(before);
      expect(await app.database.prisma.changelogEvent.count({ where: { organizationId: foreign.organizationId } })).toBe(eventsBefore);
    }
  });
});

describe('API keys', () => {
  it('a revoked key is refused on its very next request', async () => {
    const { apiKey, key } = await (await import('../../src/services/organizations.js')).createApiKey(app.database.prisma, app.orgA.organizationId, 'to revoke');
    const tenant = { ...app.orgA, apiKey };
    expect((await app.gql('{ viewer { name } }', {}, tenant)).data?.viewer.name).toBe('Org A');
    await revokeApiKey(app.database.prisma, key.id);
    const refused = await app.gql('{ viewer { name } }', {}, tenant);
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('a malformed, unknown or empty Authorization header is 401, never a crash', async () => {
    for (const header of ['Bearer', 'Basic abc', 'Bearer allot_', `Bearer ${'allot_x'.repeat(100)}`, 'Bearer a b c', 'bearer \u0000']) {
      const response = await app.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: header },
        body: JSON.stringify({ query: '{ viewer { name } }' }),
      }).catch(() => undefined); // a header the fetch API itself refuses never reaches the server
      if (!response) continue;
      expect(response.status).toBe(401);
    }
  });
});

describe('internals never reach a response', () => {
  it('a database failure is masked: no stack, no SQL, no driver message', async () => {
    const broken = await createTestApp();
    await broken.database.prisma.$executeRawUnsafe('DROP TABLE "ChangelogEvent" CASCADE');
    const result = await broken.gql('mutation { createAccount(input: {name: "x", currency: "EUR"}) { __typename } }');
    await broken.close();
    const text = JSON.stringify(result);
    expect(result.errors?.[0]).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(text).not.toMatch(/ChangelogEvent|relation|prisma|SELECT|INSERT|\bat \S+ \(|\.ts:\d+/i);
  });
});

/**
 * Tenancy through every Node type and every mutation that takes an id, both derived from the
 * schema: organization A owns one object of EVERY Node type (the test fails when a Node type has
 * no fixture), and organization B, holding the same kinds of objects itself, gets for each of A's
 * ids exactly the answer a missing id gets: null through `node` and `nodes`, and the same
 * NOT_FOUND payload through every id-taking mutation, with nothing written anywhere. Also revoked
 * keys and no internals in responses.
 */
import { randomUUID } from 'node:crypto';
import { getNamedType, isEnumType, isInputObjectType, isInterfaceType, isNonNullType, isObjectType, type GraphQLInputObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/graphql/global-id.js';
import { schema } from '../../src/graphql/schema.js';
import { revokeApiKey } from '../../src/services/core/organizations.js';
import { createTestApp, type TestApp, type TestTenant } from '../support/app.js';
import { seedEveryNodeType, type NodeFixtures } from '../support/every-node.js';

const nodeInterface = schema.getType('Node');
const NODE_TYPES = (nodeInterface && isInterfaceType(nodeInterface) ? schema.getPossibleTypes(nodeInterface).map((type) => type.name) : []).sort();

let app: TestApp;
let owner: TestTenant;
let intruder: TestTenant;
/** A's objects (the targets) and B's own objects of the same types (for the other ids). */
let owned: NodeFixtures;
let intruderOwn: NodeFixtures;

beforeAll(async () => {
  app = await createTestApp();
  owner = app.orgA;
  intruder = app.orgB;
  owned = await seedEveryNodeType((query, variables) => app.gql(query, variables, owner), 'a');
  intruderOwn = await seedEveryNodeType((query, variables) => app.gql(query, variables, intruder), 'b');
});
afterAll(() => app.close());

/** Everything of A's that a write could touch: its changelog, alerts and balances. */
async function ownerState() {
  const organizationId = owner.organizationId;
  const db = app.database.prisma;
  return {
    events: await db.changelogEvent.count({ where: { organizationId } }),
    alerts: await db.budgetAlert.count({ where: { organizationId } }),
    balances: await db.account.findMany({ where: { organizationId }, select: { id: true, balanceMinor: true }, orderBy: { id: 'asc' } }),
  };
}

describe('cross-tenant reads through every Node type', () => {
  it('organization A owns a fixture of every Node type in the schema', () => {
    expect(NODE_TYPES.length).toBeGreaterThan(10);
    expect([...owned.keys()].sort()).toEqual(NODE_TYPES);
    expect([...intruderOwn.keys()].sort()).toEqual(NODE_TYPES);
  });

  it.each(NODE_TYPES)('%s: B gets null through node and nodes, exactly as for a missing id; A sees it', async (type) => {
    const id = owned.get(type)!;
    const own = await app.gql(`query($id: ID!) { node(id: $id) { __typename id } }`, { id }, owner);
    expect(own.data?.node).toEqual({ __typename: type, id });
    const query = `query($id: ID!) { node(id: $id) { __typename id } nodes(ids: [$id]) { id } }`;
    const foreign = await app.gql(query, { id }, intruder);
    const missing = await app.gql(query, { id: encodeGlobalId(type, randomUUID()) }, intruder);
    expect(foreign).toEqual(missing);
    expect(foreign.errors).toBeUndefined();
    expect(foreign.data).toEqual({ node: null, nodes: [null] });
  });
});

// ── every mutation that takes an id ──────────────────────────────────────────────────────────

const mutationType = schema.getMutationType()!;
const inputTypeOf = (name: string) => {
  const arg = mutationType.getFields()[name]!.args.find((candidate) => candidate.name === 'input');
  const named = arg && getNamedType(arg.type);
  return named && isInputObjectType(named) ? named : undefined;
};
const idFieldsOf = (input: GraphQLInputObjectType) => Object.values(input.getFields()).filter((field) => getNamedType(field.type).name === 'ID');

/** uploadAttachment needs a multipart request; its foreign-transaction refusal is in test/services/attachments/transaction-attachments.test.ts. */
const MULTIPART_ONLY = ['uploadAttachment'];
const MUTATIONS_WITH_IDS = Object.keys(mutationType.getFields())
  .filter((name) => !MULTIPART_ONLY.includes(name))
  .filter((name) => {
    const input = inputTypeOf(name);
    return input !== undefined && idFieldsOf(input).length > 0;
  });

/** Mutations whose `id` names a type their name does not spell out. */
const ID_TYPE_OF: Record<string, string> = { redeliverWebhook: 'WebhookDelivery', rotateWebhookSecret: 'WebhookEndpoint' };

/** The Node type an id field names: `id` is the mutation's own type, `fromAccountId` an Account… */
function nodeTypeOf(mutation: string, field: string): string {
  if (field === 'id') return ID_TYPE_OF[mutation] ?? mutation.replace(/^(create|update|delete|close|post|unpost|cancel)/, '');
  if (field === 'parentId') return 'Category';
  const base = field.replace(/Id$/, '').replace(/^(from|to)(?=[A-Z])/, '');
  return base.charAt(0).toUpperCase() + base.slice(1);
}

let probe = 0;
/** A valid value for a required non-id field, so the only thing wrong with the request is the id. */
function validValue(input: GraphQLInputObjectType, field: string): unknown {
  const type = input.getFields()[field]!.type;
  const named = getNamedType(type);
  if (isEnumType(named)) return named.getValues()[0]!.value;
  const values: Record<string, unknown> = {
    name: 'Probe',
    title: 'Probe',
    amount: '1.00',
    limit: '1.00',
    currency: 'EUR',
    type: input.name.includes('Budget') ? 'GLOBAL' : 'GENERIC',
    granularity: 'MONTH',
    dateFrom: '2024-01-01',
    dateTo: '2024-12-31',
    date: '2024-03-01',
    direction: 'DEBIT',
    externalId: `probe-${++probe}`,
    url: 'http://127.0.0.1:9/probe',
    events: ['entry.created'],
    number: `probe-${++probe}`,
    fileName: 'probe.pdf',
    contentType: 'application/pdf',
    sizeBytes: 10,
  };
  if (!(field in values)) throw new Error(`security test: no valid value for required ${input.name}.${field}; add one`);
  return values[field];
}

/**
 * A mutation's codes for a foreign (= missing) id that are not NOT_FOUND, each because the request
 * is refused before the id is looked up, for every id alike.
 */
const REFUSED_BEFORE_LOOKUP: Record<string, string> = {
  // An income never counts against a budget: any budget id is refused as the wrong kind.
  'createIncome.budgetId': 'INVALID_INPUT',
  'updateIncome.budgetId': 'INVALID_INPUT',
};

const CASES = MUTATIONS_WITH_IDS.flatMap((name) => idFieldsOf(inputTypeOf(name)!).map((field) => [name, field.name] as const));

describe('cross-tenant writes through every mutation that takes an id', () => {
  it('finds such mutations in the schema, with a Node type for every id field', () => {
    expect(MUTATIONS_WITH_IDS).toEqual(expect.arrayContaining(['updateAccount', 'postExpense', 'transferFunds', 'createBudgetTransaction', 'deleteBudgetInvoice']));
    for (const [name, field] of CASES) expect(NODE_TYPES, `${name}.${field}`).toContain(nodeTypeOf(name, field));
  });

  it.each(CASES)('%s with A’s object in %s: B gets exactly the missing-id answer, NOT_FOUND, and nothing changes', async (name, target) => {
    const input = inputTypeOf(name)!;
    const targetType = nodeTypeOf(name, target);
    const build = (targetId: string) => {
      const value: Record<string, unknown> = {};
      for (const field of Object.values(input.getFields())) {
        if (field.name === target) value[field.name] = targetId;
        else if (!isNonNullType(field.type)) continue;
        else if (getNamedType(field.type).name === 'ID') value[field.name] = intruderOwn.get(nodeTypeOf(name, field.name));
        else value[field.name] = validValue(input, field.name);
      }
      // Only PROJECT transactions take a project: make it one, so the project is looked up.
      if (target === 'projectId' && 'type' in input.getFields()) value.type = 'PROJECT';
      return value;
    };
    const resultType = getNamedType(mutationType.getFields()[name]!.type);
    const selection = isObjectType(resultType) ? '__typename' : '__typename ... on Error { code message field }';
    const send = (targetId: string) => app.gql(`mutation($input: ${input.name}!) { ${name}(input: $input) { ${selection} } }`, { input: build(targetId) }, intruder);

    const before = await ownerState();
    const foreign = await send(owned.get(targetType)!);
    const missing = await send(encodeGlobalId(targetType, randomUUID()));
    expect(foreign).toEqual(missing);
    expect(foreign.data?.[name]?.code, JSON.stringify(foreign)).toBe(REFUSED_BEFORE_LOOKUP[`${name}.${target}`] ?? 'NOT_FOUND');
    expect(await ownerState()).toEqual(before);
  });
});

describe('API keys', () => {
  it('a revoked key is refused on its very next request', async () => {
    const { apiKey, key } = await (await import('../../src/services/core/organizations.js')).createApiKey(app.database.prisma, app.orgA.organizationId, 'to revoke');
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

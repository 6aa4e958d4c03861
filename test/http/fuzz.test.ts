/**
 * Bad-input fuzzing derived from the schema: every mutation and every query field with arguments
 * is hit with wrong types, huge and hostile strings, malformed / unknown / foreign / wrong-type
 * ids, missing required fields, unknown fields, deep nesting; plus broken HTTP bodies. Mutations
 * and fields added later are covered automatically.
 *
 * Every response must be a clean refusal or a result: never HTTP 500, never a masked "Unexpected
 * error." (which would mean a crash), never a stack trace or SQL; and the data's invariants hold
 * afterwards.
 */
import { randomUUID } from 'node:crypto';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/graphql/global-id.js';
import { schema } from '../../src/graphql/schema.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedEveryNodeType } from '../support/every-node.js';
import { findInvariantViolations } from '../support/invariants.js';
import { sampleValue } from '../support/schema-samples.js';

interface FuzzCase {
  label: string;
  body: string | Uint8Array;
  contentType?: string;
}

const HUGE = 'x'.repeat(60_000);
const HOSTILE_STRINGS = [
  '',
  ' ',
  HUGE,
  '\u0000',
  '\uD800 lone surrogate',
  "'; DROP TABLE \"Account\"; --",
  '${process.exit()}',
  '<script>alert(1)</script>',
  '9'.repeat(400),
  '-0.001',
  '1e309',
  'NaN',
  '2024-02-30',
  '0000-00-00',
  '99999-01-01T00:00:00Z',
];
const WRONG_TYPES: unknown[] = [12345, -1, 2 ** 53, 1.5, true, {}, [], [1, 2], { nested: { deeper: [1] } }, null];

function deepObject(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

let app: TestApp;
let foreignAccountId: string;
let foreignCategoryId: string;
/** One object of organization A per Node type, by type name. */
const ownIds = new Map<string, string>();

/** A's object whose type the id field names (`parentId` of createCategory: a Category). */
function ownIdFor(fieldName: string, operation: string): string {
  const wanted = fieldName.replace(/Id$/, '').toLowerCase();
  for (const [type, id] of ownIds) if (wanted.endsWith(type.toLowerCase())) return id;
  for (const [type, id] of ownIds) if (operation.toLowerCase().endsWith(type.toLowerCase())) return id;
  return [...ownIds.values()][0] ?? randomUUID();
}
const masked: unknown[] = [];

function hostileIds(): unknown[] {
  const uuid = randomUUID();
  return [
    'not-an-id',
    '',
    Buffer.from('Account:not-a-uuid').toString('base64url'),
    Buffer.from(`:${uuid}`).toString('base64url'),
    encodeGlobalId('Account', uuid),
    encodeGlobalId('Category', uuid),
    encodeGlobalId('Organization', uuid),
    encodeGlobalId('NoSuchType', uuid),
    foreignAccountId,
    foreignCategoryId,
    'A'.repeat(10_000),
    uuid,
  ];
}

/** Every leaf path of an input object type, with its type and whether it is required. */
function inputFields(type: GraphQLInputType, prefix: string[] = [], depth = 0): Array<{ path: string[]; type: GraphQLInputType; required: boolean }> {
  const named = getNamedType(type);
  if (!isInputObjectType(named) || depth > 3) return [];
  return Object.values(named.getFields()).flatMap((field) => [
    { path: [...prefix, field.name], type: field.type, required: isNonNullType(field.type) },
    ...inputFields(field.type, [...prefix, field.name], depth + 1),
  ]);
}

function withValue(base: unknown, path: string[], value: unknown, remove = false): unknown {
  const copy = structuredClone(base ?? {}) as Record<string, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1] as string;
  if (remove) delete target[last];
  else target[last] = value;
  return copy;
}

function valuesFor(type: GraphQLInputType): unknown[] {
  const named = getNamedType(type);
  const values: unknown[] = [...WRONG_TYPES, ...HOSTILE_STRINGS];
  if (named.name === 'ID') values.push(...hostileIds());
  if (isEnumType(named)) values.push('NOT_A_VALUE', named.getValues()[0]?.value.toLowerCase());
  if (named.name === 'Int') values.push(2 ** 31, -(2 ** 31) - 1, 0, '1');
  return values;
}

function selectionFor(field: GraphQLField<unknown, unknown>): string {
  const type = getNamedType(field.type);
  if (isUnionType(type)) return '{ __typename ... on Error { code message field } }';
  if (isObjectType(type)) {
    const scalars = Object.values(type.getFields()).filter((f) => !isObjectType(getNamedType(f.type)) && !isUnionType(getNamedType(f.type)) && f.args.length === 0);
    return `{ __typename ${scalars.map((f) => f.name).slice(0, 5).join(' ')} }`;
  }
  return '';
}

function argumentCases(operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const definitions = field.args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const call = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const document = `${operation} Fuzz(${definitions}) { ${field.name}(${call}) ${selectionFor(field)} }`;
  // The fields not under test hold valid values, ids of A's own objects, so each bad value is
  // what the request trips over.
  const base: Record<string, unknown> = {};
  const ownId = (fieldName: string) => ownIdFor(field.name, fieldName);
  for (const arg of field.args) if (isNonNullType(arg.type)) base[arg.name] = sampleValue(arg.type, arg.name, ownId, false);
  const add = (label: string, variables: unknown) =>
    cases.push({ label: `${field.name}: ${label}`, body: JSON.stringify({ query: document, variables, operationName: 'Fuzz' }) });

  for (const arg of field.args as GraphQLArgument[]) {
    for (const value of valuesFor(arg.type)) add(`${arg.name} = ${String(JSON.stringify(value)).slice(0, 40)}`, { ...base, [arg.name]: value });
    add(`${arg.name} missing`, Object.fromEntries(Object.entries(base).filter(([name]) => name !== arg.name)));
    add(`${arg.name} deeply nested`, { ...base, [arg.name]: deepObject(3000) });
    for (const leaf of inputFields(arg.type)) {
      for (const value of valuesFor(leaf.type)) add(`${[arg.name, ...leaf.path].join('.')} = ${String(JSON.stringify(value)).slice(0, 40)}`, { ...base, [arg.name]: withValue(base[arg.name], leaf.path, value) });
      if (leaf.required) add(`${[arg.name, ...leaf.path].join('.')} omitted`, { ...base, [arg.name]: withValue(base[arg.name], leaf.path, undefined, true) });
    }
    if (isInputObjectType(getNamedType(arg.type))) add(`${arg.name} with an unknown field`, { ...base, [arg.name]: { ...(base[arg.name] as object), bogus: 1 } });
  }
  // Literals take another path through the parser than variables.
  if (field.args.length > 0) {
    const first = field.args[0] as GraphQLArgument;
    for (const literal of ['123', '"x"', 'true', 'null', '{}', '[[[[[[[[[[1]]]]]]]]]]', '{ a: { b: { c: 1 } } }', 'ENUM_VALUE']) {
      cases.push({ label: `${field.name}: literal ${first.name}: ${literal}`, body: JSON.stringify({ query: `${operation} { ${field.name}(${first.name}: ${literal}) ${selectionFor(field)} }` }) });
    }
  }
  return cases;
}

function protocolCases(): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const raw = (label: string, body: string | Uint8Array, contentType = 'application/json') => cases.push({ label, body, contentType });
  raw('truncated JSON', '{"query": "{ viewer { name }');
  raw('empty body', '');
  raw('JSON null', 'null');
  raw('JSON string', '"{ viewer { name } }"');
  raw('JSON number', '42');
  raw('empty array (batch)', '[]');
  raw('query is a number', '{"query": 1}');
  raw('query is null', '{"query": null}');
  raw('query is an object', '{"query": {"a": 1}}');
  raw('variables is a string', '{"query": "{ viewer { name } }", "variables": "x"}');
  raw('variables is an array', '{"query": "{ viewer { name } }", "variables": [1]}');
  raw('operationName unknown', '{"query": "query A { viewer { name } }", "operationName": "B"}');
  raw('operationName a number', '{"query": "query A { viewer { name } }", "operationName": 7}');
  raw('extensions a string', '{"query": "{ viewer { name } }", "extensions": "x"}');
  raw('invalid UTF-8', new Uint8Array([0x7b, 0x22, 0x71, 0xff, 0xfe, 0x22, 0x3a, 0x22, 0x7d]));
  raw('duplicate keys', '{"query": "{ viewer { name } }", "query": "{ nope }"}');
  raw('deeply nested JSON', `${'['.repeat(5000)}${']'.repeat(5000)}`);
  raw('deeply nested variables', `{"query": "{ viewer { name } }", "variables": {"v": ${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}}`);
  raw('XML with a JSON content type', '<query>viewer</query>');
  raw('syntax error', '{"query": "{ viewer { name "}');
  raw('empty query', '{"query": ""}');
  raw('subscription', '{"query": "subscription { viewer { name } }"}');
  raw('only a fragment', '{"query": "fragment F on Query { viewer { name } }"}');
  raw('selection on a scalar', '{"query": "{ viewer { name { x } } }"}');
  raw('unknown directive', '{"query": "{ viewer @nope { name } }"}');
  raw('deep selection nesting', JSON.stringify({ query: `{ categories { ${'children { '.repeat(200)}title${' }'.repeat(200)} } }` }));
  raw('huge alias list', JSON.stringify({ query: `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: __typename`).join(' ')} }` }));
  raw('fragment cycle', JSON.stringify({ query: 'fragment A on Query { ...B } fragment B on Query { ...A } { ...A }' }));
  raw('graphql content type', '{ viewer { name } }', 'application/graphql');
  raw('no content type', '{"query": "{ viewer { name } }"}', '');
  return cases;
}

function allCases(): FuzzCase[] {
  const mutationFields = Object.values(schema.getMutationType()?.getFields() ?? {});
  const queryFields = Object.values(schema.getQueryType()?.getFields() ?? {}).filter((field) => field.args.length > 0);
  return [
    ...mutationFields.flatMap((field) => argumentCases('mutation', field as GraphQLField<unknown, unknown>)),
    ...queryFields.flatMap((field) => argumentCases('query', field as GraphQLField<unknown, unknown>)),
    ...protocolCases(),
  ];
}

const INTERNALS = [
  /Unexpected error/i,
  /INTERNAL_SERVER_ERROR/,
  /\n\s+at /,
  /\bat [\w.<>]+ \(/,
  /\.(ts|js|mjs|cjs):\d+/,
  /\bSELECT\b[\s\S]*\bFROM\b/i,
  /INSERT INTO|UPDATE "|DELETE FROM/i,
  /prisma|PrismaClient|invocation/i,
  /pglite|postgres|sqlstate|violates|relation "/i,
];

beforeAll(async () => {
  app = await createTestApp({ logError: (error) => void masked.push(error) });
  // A and B each own an object of every Node type, with postings, transfers (one cancelled) and
  // a budget transaction, so the fuzzed mutations hit real rows and the invariants real sums.
  const foreign = await seedEveryNodeType((query, variables) => app.gql(query, variables, app.orgB), 'b');
  foreignAccountId = foreign.get('Account')!;
  foreignCategoryId = foreign.get('Category')!;
  for (const [type, id] of await seedEveryNodeType((query, variables) => app.gql(query, variables, app.orgA), 'a')) ownIds.set(type, id);
});
afterAll(() => app.close());

describe('bad-input fuzzing derived from the schema', () => {
  it('answers 1000+ malformed requests without a 500, a crash, a stack trace or SQL; invariants hold', async () => {
    const cases = allCases();
    expect(cases.length).toBeGreaterThanOrEqual(1000);
    const mutationNames = Object.keys(schema.getMutationType()?.getFields() ?? {});
    for (const name of mutationNames) expect(cases.some((c) => c.label.startsWith(`${name}:`)), `${name} is fuzzed`).toBe(true);

    const foreignBefore = await app.database.prisma.changelogEvent.count({ where: { organizationId: app.orgB.organizationId } });
    const failures: string[] = [];
    const queue = [...cases];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const headers: Record<string, string> = { authorization: `Bearer ${app.orgA.apiKey}` };
        if (next.contentType !== '') headers['content-type'] = next.contentType ?? 'application/json';
        const response = await app.fetch('/graphql', { method: 'POST', headers, body: next.body as BodyInit });
        const text = await response.text();
        if (response.status >= 500) failures.push(`${next.label}: HTTP ${response.status} ${text.slice(0, 200)}`);
        const leak = INTERNALS.find((pattern) => pattern.test(text));
        if (leak) failures.push(`${next.label}: ${leak} in ${text.slice(0, 300)}`);
        try {
          const body = JSON.parse(text) as { errors?: Array<{ extensions?: { code?: unknown } }> };
          // Every top-level error tells the client what kind of refusal it is.
          if (body.errors?.some((error) => typeof error.extensions?.code !== 'string')) failures.push(`${next.label}: error without a code: ${text.slice(0, 200)}`);
        } catch {
          failures.push(`${next.label}: not JSON: ${text.slice(0, 100)}`);
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);

    expect(failures.slice(0, 20)).toEqual([]);
    expect(masked.map((error) => String(error).slice(0, 300))).toEqual([]);
    expect(await findInvariantViolations(app.database.prisma)).toEqual([]);
    // Nothing A sent touched B.
    expect(await app.database.prisma.changelogEvent.count({ where: { organizationId: app.orgB.organizationId } })).toBe(foreignBefore);
  }, 300_000);

  it('refuses text PostgreSQL cannot store (NUL, control characters) as INVALID_INPUT, writing nothing', async () => {
    const before = await app.database.prisma.account.count();
    for (const [field, value] of [['name', 'Cash\u0000box'], ['bank', 'Bank\u0007'], ['idempotencyKey', 'key\u0000']] as const) {
      const result = await app.gql(`mutation($input: CreateAccountInput!) { createAccount(input: $input) { ... on Error { code field } } }`, {
        input: { name: 'Cash', currency: 'EUR', [field]: value },
      });
      expect(result.data?.createAccount).toEqual({ code: 'INVALID_INPUT', field });
    }
    expect(await app.database.prisma.account.count()).toBe(before);
    const tabs = await app.gql(`mutation($input: CreateAccountInput!) { createAccount(input: $input) { __typename } }`, {
      input: { name: 'Cash', currency: 'EUR', bank: 'line one\nline\ttwo' },
    });
    expect(tabs.data?.createAccount.__typename).toBe('CreateAccountSuccess');
  });

  it('answers NUL in a search filter with INVALID_INPUT: checked where read, and by the error mask for any filter that is not', async () => {
    const checked = await app.gql(`query { expenses(filter: {search: "a\\u0000b"}) { totalCount } }`);
    expect(checked.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_INPUT', field: 'filter.search' });
    // attachments' search reaches the database unchecked: PostgreSQL refuses the NUL (SQLSTATE
    // 22021) and the mask answers INVALID_INPUT instead of a masked crash.
    const netted = await app.gql(`query { attachments(filter: {search: "a\\u0000b"}) { totalCount } }`);
    expect(netted.status).toBeLessThan(500);
    expect(netted.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_INPUT' });
    expect(masked).toEqual([]);
  });
});

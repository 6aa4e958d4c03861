/** Numbers the README states, computed from the code, so the prose cannot drift from it. */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { schema } from '../../src/graphql/schema.js';
import { operationCost } from '../../src/http/query-cost.js';

const readme = readFileSync('README.md', 'utf8');
const cost = (query: string) => operationCost(parse(query), null, { schema, ctx: {} })!.complexity;
const RECORD = 'id title amount category { title } account { name } counterparty { name }';

describe('README cost claims', () => {
  it('a page of 100 expenses with relations: 401, 601 with changelog and users, over the default limit', () => {
    expect(cost(`{ expenses(first: 100) { nodes { ${RECORD} } } }`)).toBe(401);
    expect(cost(`{ expenses(first: 100) { edges { node { ${RECORD} } } } }`)).toBe(401);
    expect(cost(`{ expenses(first: 100) { nodes { ${RECORD} changelog { at user { name } } } } }`)).toBe(601);
    expect(readme).toMatch(/counterparty costs 401; with\s+each record's changelog and its users 601, over the default 500/);
    expect(DEFAULT_LIMITS.maxCost).toBe(500);
  });
});

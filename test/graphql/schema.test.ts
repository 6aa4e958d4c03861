import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printSortedSchema } from '../../src/graphql/schema.js';

describe('schema.graphql', () => {
  it('equals the schema printed from the code (run `npm run schema:print` after changing types)', () => {
    expect(readFileSync('schema.graphql', 'utf8')).toBe(printSortedSchema());
  });

  it('never exposes money as Float or Int', () => {
    const printed = printSortedSchema();
    expect(printed).not.toMatch(/\bFloat\b/);
    for (const field of ['amount', 'balance', 'openingBalance', 'limit', 'spent', 'remaining']) {
      expect(printed).not.toMatch(new RegExp(`\\b${field}: Int\\b`));
    }
  });
});

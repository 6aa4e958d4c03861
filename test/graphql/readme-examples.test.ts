/**
 * The README's GraphQL examples must stay true to the schema: every inline example in its tables
 * and every ```graphql block parses and validates against the printed schema.
 */
import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';

const schema = buildSchema(readFileSync('schema.graphql', 'utf8'));
const readme = readFileSync('README.md', 'utf8');

const inlineExamples = [...readme.matchAll(/`((?:\{|mutation |query )[^`]*)`/g)].map((match) => match[1]!);
const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);

describe('README examples', () => {
  it('has examples to check', () => {
    expect(inlineExamples.length).toBeGreaterThanOrEqual(14);
    expect(blocks.length).toBeGreaterThanOrEqual(1);
  });

  it.each([...inlineExamples, ...blocks].map((example) => [example.slice(0, 60), example]))('%s… validates', (_label, example) => {
    expect(validate(schema, parse(example)).map((error) => error.message)).toEqual([]);
  });
});

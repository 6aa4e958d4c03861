import { builder } from '../builder.js';

/** Enum values with one description each; the record must name every value. */
export function describedValues<const Values extends readonly string[]>(
  values: Values,
  descriptions: Record<Values[number], string>,
): { [Value in Values[number]]: { description: string } } {
  return Object.fromEntries(values.map((value) => [value, { description: descriptions[value as Values[number]] }])) as {
    [Value in Values[number]]: { description: string };
  };
}

export const EntryKindEnum = builder.enumType('EntryKind', {
  description: 'Whether a category or record is about money going out (EXPENSE, CRM "rashod") or coming in (INCOME, "dohod").',
  values: describedValues(['EXPENSE', 'INCOME'] as const, { EXPENSE: 'Money going out.', INCOME: 'Money coming in.' }),
});

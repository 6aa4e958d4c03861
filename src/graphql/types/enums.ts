import { builder } from '../builder.js';

export const EntryKindEnum = builder.enumType('EntryKind', {
  description: 'Whether a category or record is about money going out (EXPENSE, CRM "rashod") or coming in (INCOME, "dohod").',
  values: ['EXPENSE', 'INCOME'] as const,
});

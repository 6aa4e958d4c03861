/**
 * Text search in list filters. Prisma's `contains` becomes SQL `LIKE`/`ILIKE` without escaping, so
 * `%` and `_` in what a client typed would be wildcards (`%` matched every record) and `\` the
 * escape character. A search is for the text as typed: each of them is escaped (PostgreSQL's
 * default LIKE escape is the backslash).
 */
import type { Prisma } from '../generated/prisma/client.js';

/** `contains` for `text` as typed, case-insensitive: no character of it acts as a wildcard. */
export function containsText(text: string): Prisma.StringFilter & { mode: 'insensitive' } {
  return { contains: text.replace(/[\\%_]/g, (character) => `\\${character}`), mode: 'insensitive' };
}

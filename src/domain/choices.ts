/**
 * Closed lists that arrive as text (budget type, granularity, options, transaction direction and
 * type). They are parsed here rather than by GraphQL enums so that an unknown value becomes a typed
 * UNKNOWN_VALUE error in the mutation's result (per row, for imports) instead of failing the whole
 * request, and so the spend-management API's spellings ("month", "auto-freeze", "spend_alerts")
 * are accepted as they are: case, "-" and "_" are not significant.
 */
import { UnknownValueError } from './errors.js';

export const BUDGET_TYPES = ['GLOBAL', 'EMPLOYEE'] as const;
export const BUDGET_GRANULARITIES = ['MONTH', 'QUARTER', 'YEAR'] as const;
export const BUDGET_OPTIONS = ['SPEND_ALERTS', 'AUTO_FREEZE'] as const;
export const TRANSACTION_DIRECTIONS = ['DEBIT', 'CREDIT'] as const;
export const TRANSACTION_TYPES = ['GENERIC', 'INCOME', 'PROJECT'] as const;

function normalize(raw: string): string {
  return raw.trim().toUpperCase().replace(/[-\s]/g, '_');
}

/** The value of `allowed` that `raw` names, or UnknownValueError listing the accepted values. */
export function parseChoice<const T extends string>(raw: string, allowed: readonly T[], field: string): T {
  const value = normalize(raw);
  const match = allowed.find((candidate) => candidate === value);
  if (!match) {
    throw new UnknownValueError(`"${raw.slice(0, 50)}" is not a valid ${field}; use one of ${allowed.join(', ')}`, allowed, field);
  }
  return match;
}

/** A list of choices, deduplicated, in the order of `allowed`. */
export function parseChoices<const T extends string>(raws: readonly string[], allowed: readonly T[], field: string): T[] {
  const chosen = new Set(raws.map((raw) => parseChoice(raw, allowed, field)));
  return allowed.filter((value) => chosen.has(value));
}

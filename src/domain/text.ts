import { InvalidInputError } from './errors.js';

export const MAX_TITLE_LENGTH = 500;
export const MAX_TEXT_LENGTH = 10_000;

/** A required title: trimmed, 1–500 characters. */
export function requireTitle(raw: string, field = 'title'): string {
  const title = raw.trim();
  if (title.length === 0) throw new InvalidInputError(`${field} must not be empty`, field);
  if (title.length > MAX_TITLE_LENGTH) {
    throw new InvalidInputError(`${field} must be at most ${MAX_TITLE_LENGTH} characters (got ${title.length})`, field);
  }
  return title;
}

/** Optional free text: undefined stays undefined (keep), null or blank becomes null (clear). */
export function optionalText(
  raw: string | null | undefined,
  field: string,
  max = MAX_TEXT_LENGTH,
): string | null | undefined {
  if (raw === undefined) return undefined;
  if (raw === null) return null;
  const text = raw.trim();
  if (text.length > max) throw new InvalidInputError(`${field} must be at most ${max} characters (got ${text.length})`, field);
  return text.length === 0 ? null : text;
}

import { InvalidInputError } from './errors.js';

export const MAX_TITLE_LENGTH = 500;
export const MAX_TEXT_LENGTH = 10_000;

// C0 controls except tab, line feed and carriage return, and DEL. PostgreSQL cannot store NUL in
// text at all (it would fail the write deep in the driver), and the others only hide content.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

// Half of a UTF-16 surrogate pair: not a character; PostgreSQL's jsonb (the changelog) refuses it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Refuses text PostgreSQL cannot store (NUL, lone surrogates) or that hides content (control characters). */
export function requirePrintable(text: string, field: string): string {
  if (CONTROL_CHARACTERS.test(text)) throw new InvalidInputError(`${field} must not contain control characters`, field);
  if (LONE_SURROGATE.test(text)) throw new InvalidInputError(`${field} is not valid Unicode text`, field);
  return text;
}

/** A required title: trimmed, 1–500 characters. */
export function requireTitle(raw: string, field = 'title'): string {
  const title = raw.trim();
  if (title.length === 0) throw new InvalidInputError(`${field} must not be empty`, field);
  if (title.length > MAX_TITLE_LENGTH) {
    throw new InvalidInputError(`${field} must be at most ${MAX_TITLE_LENGTH} characters (got ${title.length})`, field);
  }
  return requirePrintable(title, field);
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
  return text.length === 0 ? null : requirePrintable(text, field);
}

/**
 * What an uploaded file really is, decided from its first bytes, never from the type or name the
 * client sent (a client can label an executable "invoice.pdf"). Only documents a finance team
 * attaches to a transaction are accepted. Text is accepted as CSV or plain text when it is valid
 * UTF-8 without control characters and does not look like markup: HTML or SVG served back later
 * could run script in a browser.
 */
export const ALLOWED_CONTENT_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'text/csv',
  'text/plain',
] as const;

export type AllowedContentType = (typeof ALLOWED_CONTENT_TYPES)[number];

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  return signature.every((byte, index) => bytes[offset + index] === byte);
}

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

function sniffBinary(bytes: Uint8Array): AllowedContentType | undefined {
  if (startsWith(bytes, ascii('%PDF-'))) return 'application/pdf';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  return undefined;
}

function isPlainText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  // Tab, line feed and carriage return are the only control characters a text file needs.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return false;
  const start = text.replace(/^\uFEFF/, '').trimStart().slice(0, 512).toLowerCase();
  return !/^<(!doctype|html|svg|\?xml|script|head|body)/.test(start);
}

/** The accepted content type of `bytes`, or undefined when the file is of a refused type. */
export function sniffContentType(bytes: Uint8Array, fileName: string): AllowedContentType | undefined {
  const binary = sniffBinary(bytes);
  if (binary) return binary;
  if (bytes.length === 0 || !isPlainText(bytes)) return undefined;
  return /\.csv$/i.test(fileName) ? 'text/csv' : 'text/plain';
}

export function isAllowedContentType(contentType: string): contentType is AllowedContentType {
  return (ALLOWED_CONTENT_TYPES as readonly string[]).includes(contentType);
}

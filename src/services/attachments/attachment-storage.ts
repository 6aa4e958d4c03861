/**
 * Where attachment bytes live: files under one directory (by default `<ALLOT_DATA_DIR>/attachments`),
 * one sub-directory per organization, named by a random id, never by the client's file name (which
 * could climb out with "../"). Written to a temporary name and renamed, so a half-written file is
 * never visible under its final name.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export interface AttachmentStorageOptions {
  directory: string;
  /** Largest accepted file, in bytes. */
  maxBytes: number;
}

export class AttachmentStorage {
  readonly directory: string;
  readonly maxBytes: number;

  constructor(options: AttachmentStorageOptions) {
    this.directory = path.resolve(options.directory);
    this.maxBytes = options.maxBytes;
  }

  private pathOf(storageKey: string): string {
    const resolved = path.resolve(this.directory, storageKey);
    if (!resolved.startsWith(this.directory + path.sep)) throw new Error(`Storage key escapes the attachments directory: ${storageKey}`);
    return resolved;
  }

  /** Stores the bytes and returns their storage key (`<organizationId>/<uuid>`). */
  async save(organizationId: string, bytes: Uint8Array): Promise<string> {
    const storageKey = `${organizationId}/${randomUUID()}`;
    const finalPath = this.pathOf(storageKey);
    await mkdir(path.dirname(finalPath), { recursive: true });
    const temporary = `${finalPath}.partial`;
    await writeFile(temporary, bytes, { mode: 0o600 });
    await rename(temporary, finalPath);
    return storageKey;
  }

  read(storageKey: string): Promise<Buffer> {
    return readFile(this.pathOf(storageKey));
  }

  /** Best effort: a file left behind wastes space but never shows up as an attachment. */
  async remove(storageKey: string | null | undefined): Promise<void> {
    if (!storageKey) return;
    await rm(this.pathOf(storageKey), { force: true });
  }

  async removeAll(storageKeys: readonly (string | null)[]): Promise<void> {
    await Promise.all(storageKeys.map((key) => this.remove(key)));
  }
}

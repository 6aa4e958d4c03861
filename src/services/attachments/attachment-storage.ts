/**
 * Where attachment bytes live. New uploads go where `store` says:
 * - `directory` (the embedded default): files under one directory (by default
 *   `<ALLOT_DATA_DIR>/attachments`), one sub-directory per organization, named by a random id,
 *   never by the client's file name (which could climb out with "../"). Written to a temporary
 *   name and renamed, so a half-written file is never visible under its final name. A file whose
 *   Attachment row never committed is removed on rollback, and by the orphan sweep
 *   (./orphan-sweep.ts) should the process die first. Only one machine sees it.
 * - `database` (the default on PostgreSQL): rows of "AttachmentChunk", at most 256 KiB each,
 *   written in the upload's own transaction, so they commit exactly when its Attachment row does
 *   and every replica can serve them. They are deleted with the row (cascade).
 * Either kind is read whatever the current setting: a storage key says where its bytes are
 * (`db:` for the database), so switching the setting keeps older uploads downloadable.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../db/open.js';
import type { UnitOfWork } from '../core/unit-of-work.js';

export const DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** The largest piece of an upload kept in one database row. */
export const CHUNK_BYTES = 256 * 1024;

/** Chunks written (and read) per statement: 2 MiB. */
const CHUNKS_PER_STATEMENT = 8;

const DATABASE_KEY_PREFIX = 'db:';

export type AttachmentStore = 'directory' | 'database';

export interface AttachmentStorageOptions {
  directory: string;
  /** Largest accepted file, in bytes. */
  maxBytes: number;
  /** Where new uploads go; default `directory`. */
  store?: AttachmentStore;
}

export class AttachmentStorage {
  readonly directory: string;
  readonly maxBytes: number;
  readonly store: AttachmentStore;

  constructor(options: AttachmentStorageOptions) {
    this.directory = path.resolve(options.directory);
    this.maxBytes = options.maxBytes;
    this.store = options.store ?? 'directory';
  }

  private pathOf(storageKey: string): string {
    const resolved = path.resolve(this.directory, storageKey);
    if (!resolved.startsWith(this.directory + path.sep)) throw new Error(`Storage key escapes the attachments directory: ${storageKey}`);
    return resolved;
  }

  /** A key for a new upload (`<organizationId>/<uuid>`, prefixed `db:` in the database). */
  newStorageKey(organizationId: string): string {
    const key = `${organizationId}/${randomUUID()}`;
    return this.store === 'database' ? `${DATABASE_KEY_PREFIX}${key}` : key;
  }

  /**
   * Stores the bytes of the Attachment row `attachmentId`, just written in `uow`'s transaction
   * with `storageKey`: in that transaction (database), or to a file removed if it rolls back.
   */
  async write(uow: Pick<UnitOfWork, 'tx' | 'afterRollback'>, attachmentId: string, storageKey: string, bytes: Uint8Array): Promise<void> {
    if (storageKey.startsWith(DATABASE_KEY_PREFIX)) {
      const chunks = [];
      for (let offset = 0, seq = 0; offset < bytes.length || seq === 0; offset += CHUNK_BYTES, seq++) {
        chunks.push({ attachmentId, seq, bytes: new Uint8Array(bytes.subarray(offset, offset + CHUNK_BYTES)) });
      }
      for (let i = 0; i < chunks.length; i += CHUNKS_PER_STATEMENT) {
        await uow.tx.attachmentChunk.createMany({ data: chunks.slice(i, i + CHUNKS_PER_STATEMENT) });
      }
      return;
    }
    const finalPath = this.pathOf(storageKey);
    uow.afterRollback(() => this.remove(storageKey));
    await mkdir(path.dirname(finalPath), { recursive: true });
    const temporary = `${finalPath}.partial`;
    await writeFile(temporary, bytes, { mode: 0o600 });
    await rename(temporary, finalPath);
  }

  /**
   * The stored bytes, piece by piece (never the whole file in memory), or null when they are
   * missing (a file lost from the directory). The caller has checked the row's organization.
   */
  async open(db: Db, attachment: { id: string; storageKey: string }): Promise<AsyncIterable<Uint8Array> | null> {
    if (attachment.storageKey.startsWith(DATABASE_KEY_PREFIX)) {
      const first = await db.attachmentChunk.findMany({ where: { attachmentId: attachment.id, seq: { lt: CHUNKS_PER_STATEMENT } }, orderBy: { seq: 'asc' } });
      if (first.length === 0) return null;
      return databaseChunks(db, attachment.id, first);
    }
    const stream = createReadStream(this.pathOf(attachment.storageKey));
    try {
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', reject);
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    return stream;
  }

  /** Best effort: a file left behind wastes space but never shows up as an attachment. Chunks go with their row. */
  async remove(storageKey: string | null | undefined): Promise<void> {
    if (!storageKey || storageKey.startsWith(DATABASE_KEY_PREFIX)) return;
    await rm(this.pathOf(storageKey), { force: true });
  }

  async removeAll(storageKeys: readonly (string | null)[]): Promise<void> {
    await Promise.all(storageKeys.map((key) => this.remove(key)));
  }
}

async function* databaseChunks(db: Db, attachmentId: string, first: { seq: number; bytes: Uint8Array }[]): AsyncIterable<Uint8Array> {
  let batch = first;
  for (;;) {
    for (const chunk of batch) yield chunk.bytes;
    if (batch.length < CHUNKS_PER_STATEMENT) return;
    const after = batch[batch.length - 1]!.seq;
    batch = await db.attachmentChunk.findMany({
      where: { attachmentId, seq: { gt: after, lte: after + CHUNKS_PER_STATEMENT } },
      orderBy: { seq: 'asc' },
    });
  }
}

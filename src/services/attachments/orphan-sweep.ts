/**
 * Removes attachment files whose Attachment row never committed, or is gone. An upload writes its
 * file inside its transaction and removes it on rollback, but a process killed between the two
 * (or a crash during the rename) leaves a file no row names, forever. So, at start and hourly, the
 * server lists the attachments directory and removes the files (and `.partial` leftovers) that no
 * Attachment row names and that are older than `minAgeMs`: an upload still in flight is seconds
 * old, its row not yet visible, and must not lose its file. The database store needs no sweep:
 * its chunks commit with their row and are deleted with it.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../db/open.js';
import type { AttachmentStorage } from './attachment-storage.js';

/** An upload's transaction lasts seconds (the request time limit); an hour is far beyond it. */
export const DEFAULT_ORPHAN_MIN_AGE_MS = 60 * 60 * 1000;

const KEYS_PER_QUERY = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function listOrEmpty(directory: string): Promise<string[]> {
  try {
    return await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
}

/** Returns the storage keys removed. Only `<organization uuid>/<file>` entries are considered. */
export async function sweepOrphanedAttachmentFiles(db: Db, storage: AttachmentStorage, minAgeMs = DEFAULT_ORPHAN_MIN_AGE_MS): Promise<string[]> {
  const olderThan = Date.now() - minAgeMs;
  const candidates: string[] = [];
  for (const organization of await listOrEmpty(storage.directory)) {
    if (!UUID.test(organization)) continue;
    for (const file of await listOrEmpty(path.join(storage.directory, organization))) {
      const info = await stat(path.join(storage.directory, organization, file)).catch(() => undefined);
      if (info?.isFile() && info.mtimeMs < olderThan) candidates.push(`${organization}/${file}`);
    }
  }
  const removed: string[] = [];
  for (let i = 0; i < candidates.length; i += KEYS_PER_QUERY) {
    const batch = candidates.slice(i, i + KEYS_PER_QUERY);
    // A `.partial` file is never a row's key: it is always an orphan once old enough.
    const rows = await db.attachment.findMany({ where: { storageKey: { in: batch } }, select: { storageKey: true } });
    const named = new Set(rows.map((row) => row.storageKey));
    for (const key of batch) {
      if (named.has(key)) continue;
      await rm(path.join(storage.directory, key), { force: true });
      removed.push(key);
    }
  }
  return removed;
}

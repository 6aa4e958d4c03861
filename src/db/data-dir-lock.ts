/**
 * PGlite has no lock of its own, and two processes opening one data directory corrupt it.
 * Whoever opens the embedded database first (the server or the CLI) writes its pid here; anyone
 * else is refused with a message that names the owner. A lock left by a dead process is taken over.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string, readonly ownerPid: number, readonly ownerRole: string) {
    super(
      `The embedded database in ${dataDir} is in use by ${ownerRole} (pid ${ownerPid}). ` +
        `PGlite allows one process per data directory: stop that process first, ` +
        `or run Allot against PostgreSQL (DATABASE_URL) where the CLI and the server can share a database.`,
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DataDirLock {
  release(): void;
}

/**
 * The locks this process holds now (lock path → role). A lock file naming our own pid is stale
 * when we do not hold it (a container restarted, and the new server got the old one's pid, often
 * 1), but a second open of a directory this process already holds must be refused like any other.
 */
const heldHere = new Map<string, string>();

export function lockDataDir(dataDir: string, role: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = path.resolve(dataDir, 'allot.lock');
  const holder = heldHere.get(lockPath);
  if (holder !== undefined) throw new DataDirInUseError(dataDir, process.pid, holder);
  const content = JSON.stringify({ pid: process.pid, role, since: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, content, { flag: 'wx' });
      heldHere.set(lockPath, role);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          heldHere.delete(lockPath);
          try {
            unlinkSync(lockPath);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner: { pid: number; role: string } | undefined;
      try {
        owner = JSON.parse(readFileSync(lockPath, 'utf8'));
      } catch {
        owner = undefined; // unreadable or half-written: treat as stale
      }
      if (owner && owner.pid !== process.pid && isAlive(owner.pid)) {
        throw new DataDirInUseError(dataDir, owner.pid, owner.role);
      }
      unlinkSync(lockPath);
    }
  }
  throw new Error(`Could not lock ${dataDir}: another process keeps taking the lock`);
}

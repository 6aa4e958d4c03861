/** The embedded data directory's lock: one owner at a time, stale locks taken over. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir } from '../../src/db/data-dir-lock.js';
import { openDatabase } from '../../src/db/open.js';
import { tempDataDir } from '../support/processes.js';

let data: ReturnType<typeof tempDataDir>;
let lockPath: string;
beforeEach(() => {
  data = tempDataDir('lock');
  lockPath = path.join(data.dir, 'allot.lock');
});
afterEach(() => data.remove());

function refusal(fn: () => unknown): DataDirInUseError | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof DataDirInUseError) return error;
    throw error;
  }
  return undefined;
}

function deadPid(): number {
  const finished = spawnSync(process.execPath, ['-e', '']);
  return finished.pid!;
}

describe('lockDataDir', () => {
  it('writes its pid and role, and removes the file on release', () => {
    const lock = lockDataDir(data.dir, 'the tester');
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: process.pid, role: 'the tester' });
    lock.release();
    expect(existsSync(lockPath)).toBe(false);
  });

  it('refuses a live process’s lock, naming its pid and role', () => {
    writeFileSync(lockPath, JSON.stringify({ pid: process.ppid, role: 'the Allot server' }));
    const error = refusal(() => lockDataDir(data.dir, 'the CLI'));
    expect(error?.ownerPid).toBe(process.ppid);
    expect(error?.message).toContain(`in use by the Allot server (pid ${process.ppid})`);
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.ppid);
  });

  it('refuses a second lock of a directory this process already holds, until it is released', () => {
    const first = lockDataDir(data.dir, 'the first opener');
    const error = refusal(() => lockDataDir(data.dir, 'the second opener'));
    expect(error?.message).toContain(`in use by the first opener (pid ${process.pid})`);
    expect(existsSync(lockPath)).toBe(true);
    first.release();
    lockDataDir(data.dir, 'the second opener').release();
  });

  it.each([
    ['a dead process', () => JSON.stringify({ pid: deadPid(), role: 'a crashed server' })],
    ['this pid, not held here (a restarted container)', () => JSON.stringify({ pid: process.pid, role: 'an earlier life' })],
    ['a half-written file', () => '{"pid": 12'],
  ])('takes over a stale lock left by %s', (_label, content) => {
    writeFileSync(lockPath, content());
    const lock = lockDataDir(data.dir, 'the new owner');
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: process.pid, role: 'the new owner' });
    lock.release();
  });
});

describe('openDatabase on a data directory', () => {
  it('refuses a second open in the same process and keeps the first working', async () => {
    const first = await openDatabase({ dataDir: data.dir, role: 'the first opener' });
    try {
      await expect(openDatabase({ dataDir: data.dir, role: 'the second opener' })).rejects.toBeInstanceOf(DataDirInUseError);
      expect(await first.ping()).toBe(true);
      expect(await first.prisma.organization.count()).toBe(0);
    } finally {
      await first.close();
    }
    expect(existsSync(lockPath)).toBe(false);
  });
});

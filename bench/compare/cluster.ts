/**
 * A throwaway PostgreSQL 15 cluster (Debian's binaries) for the comparison, started the way
 * .ci/run starts one: initdb + pg_ctl as the `postgres` user when run as root. pg_stat_statements
 * is preloaded so the benchmark can count SQL statements per request. fsync is off, as in CI: the
 * benchmark measures the GraphQL layers, not the disk.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const PG_BIN = process.env.BENCH_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface Cluster {
  url: string;
  stop(): void;
}

function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function asPostgres(command: string): void {
  const root = process.getuid?.() === 0;
  if (root) execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', command], { stdio: ['ignore', 'ignore', 'inherit'] });
  else execFileSync('sh', ['-c', command], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export function startCluster(port: number): Cluster {
  const dir = mkdtempSync(path.join(tmpdir(), 'allot-bench-pg.'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const data = path.join(dir, 'data');
  let started = false;
  const stop = () => {
    if (started) {
      try {
        asPostgres(`${PG_BIN}/pg_ctl -D ${quote(data)} -m fast -w stop`);
      } catch (error) {
        console.error('pg_ctl stop failed:', (error as Error).message);
      }
      started = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    asPostgres(`${PG_BIN}/initdb -D ${quote(data)} -U postgres -A trust -E UTF8 --no-locale`);
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c max_connections=200',
      '-c fsync=off',
      '-c shared_buffers=256MB',
      '-c shared_preload_libraries=pg_stat_statements',
      '-c pg_stat_statements.track=top',
      '-c pg_stat_statements.track_utility=on',
    ].join(' ');
    asPostgres(`${PG_BIN}/pg_ctl -D ${quote(data)} -l ${quote(path.join(dir, 'server.log'))} -w -o ${quote(options)} start`);
    started = true;
    return { url: `postgresql://postgres@127.0.0.1:${port}/postgres`, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

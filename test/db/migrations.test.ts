/**
 * The migrator (src/db/migrate.ts) on a fresh PGlite and a temporary migrations folder, plus the
 * check that prisma/schema.prisma and the committed migrations agree.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations, MigrationChecksumError, MIGRATIONS_DIR } from '../../src/db/migrate.js';
import { readMigrations } from '../../src/db/migrations-folder.js';
import type { SqlRunner } from '../../src/db/sql-runner.js';
import { childEnv, run, tempDataDir } from '../support/processes.js';

let pglite: PGlite;
let sql: SqlRunner;
let folder: ReturnType<typeof tempDataDir>;

beforeEach(async () => {
  pglite = new PGlite();
  await pglite.waitReady;
  sql = {
    exec: async (text) => void (await pglite.exec(text)),
    query: async <Row>(text: string, params?: unknown[]) => (await pglite.query<Row>(text, params)).rows,
  };
  folder = tempDataDir('migrations');
  cpSync(MIGRATIONS_DIR, folder.dir, { recursive: true });
});
afterEach(async () => {
  await pglite.close();
  folder.remove();
});

function addMigration(name: string, text: string): void {
  mkdirSync(path.join(folder.dir, name));
  writeFileSync(path.join(folder.dir, name, 'migration.sql'), text);
}

async function appliedRows() {
  return sql.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
    'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name',
  );
}

async function tableExists(name: string): Promise<boolean> {
  const rows = await sql.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [`public."${name}"`]);
  return rows[0]!.exists;
}

describe('applyMigrations', () => {
  it('applies every committed migration once; a second run is a no-op', async () => {
    const committed = await readMigrations(folder.dir);
    expect(committed.length).toBeGreaterThan(0);
    const first = await applyMigrations(sql, folder.dir);
    expect(first).toEqual({ applied: committed.map((m) => m.name), alreadyApplied: 0 });
    expect(await tableExists('Account')).toBe(true);

    const second = await applyMigrations(sql, folder.dir);
    expect(second).toEqual({ applied: [], alreadyApplied: committed.length });
    expect(await appliedRows()).toHaveLength(committed.length);
  });

  it('records each migration with the sha256 of its migration.sql, as Prisma does', async () => {
    await applyMigrations(sql, folder.dir);
    const rows = await appliedRows();
    for (const row of rows) {
      const file = readFileSync(path.join(folder.dir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.checksum).toBe(createHash('sha256').update(file).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
    }
  });

  it('applies a migration added later, and only that one', async () => {
    await applyMigrations(sql, folder.dir);
    addMigration('29991231000000_add_note', 'ALTER TABLE "Account" ADD COLUMN "note" TEXT;');
    const report = await applyMigrations(sql, folder.dir);
    expect(report.applied).toEqual(['29991231000000_add_note']);
    const columns = await sql.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'Account' AND column_name = 'note'`,
    );
    expect(columns).toHaveLength(1);
  });

  it('refuses to start when an applied migration was edited, and applies nothing after it', async () => {
    await applyMigrations(sql, folder.dir);
    const committed = await readMigrations(folder.dir);
    const [first] = committed;
    const file = path.join(folder.dir, first!.name, 'migration.sql');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n-- edited after it was applied\n`);
    addMigration('29991231000000_later', 'CREATE TABLE "Later" (id INT);');

    await expect(applyMigrations(sql, folder.dir)).rejects.toBeInstanceOf(MigrationChecksumError);
    await expect(applyMigrations(sql, folder.dir)).rejects.toThrow(/was edited after it was applied/);
    expect(await tableExists('Later')).toBe(false);
    // Every committed migration stays applied as it was; the later one never ran.
    expect((await appliedRows()).map((r) => r.migration_name)).toEqual(committed.map((migration) => migration.name));
  });

  it('rolls a failing migration back completely, recording nothing', async () => {
    await applyMigrations(sql, folder.dir);
    addMigration('29991231000000_broken', 'CREATE TABLE "HalfDone" (id INT);\nSELECT * FROM "NoSuchTable";');
    await expect(applyMigrations(sql, folder.dir)).rejects.toThrow(/29991231000000_broken failed and was rolled back/);
    expect(await tableExists('HalfDone')).toBe(false);
    expect((await appliedRows()).map((r) => r.migration_name)).not.toContain('29991231000000_broken');
  });
});

describe('npm run migrate:check', () => {
  it('finds no difference between prisma/schema.prisma and the committed migrations', async () => {
    const result = await run('npx', ['tsx', 'scripts/migrate-create.ts', 'check'], childEnv(folder.dir), 120_000);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Migrations match prisma/schema.prisma.');
  }, 120_000);
});

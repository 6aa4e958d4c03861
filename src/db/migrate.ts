/**
 * Applies the committed migrations in prisma/migrations, in folder order, each in its own
 * transaction, and records them in Prisma's own `_prisma_migrations` table (same columns, same
 * sha256 checksum), so the stock `prisma migrate status` agrees wherever it can run.
 *
 * Why not Prisma's engine: `migrate deploy` needs a native engine download that these machines
 * cannot reach, and the WASM engine costs seconds per start. Applying SQL files in order is all
 * deploy does; we also refuse to start when an applied migration was edited afterwards.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMigrations } from './migrations-folder.js';
import type { SqlRunner } from './sql-runner.js';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prisma/migrations');

// Any constant works; it keeps two gateway replicas starting at once from migrating together.
const MIGRATION_ADVISORY_LOCK = 7_240_911;

export class MigrationChecksumError extends Error {}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

export async function applyMigrations(sql: SqlRunner, dir = MIGRATIONS_DIR): Promise<MigrationReport> {
  const migrations = await readMigrations(dir);
  await sql.exec(`
    CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
  await sql.query('SELECT pg_advisory_lock($1)', [MIGRATION_ADVISORY_LOCK]);
  try {
    const rows = await sql.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const done = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    const applied: string[] = [];
    for (const migration of migrations) {
      const checksum = done.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new MigrationChecksumError(
            `Migration ${migration.name} was edited after it was applied to this database. ` +
              `Restore the original file and put the change in a new migration.`,
          );
        }
        continue;
      }
      if (!/^[A-Za-z0-9_]+$/.test(migration.name)) {
        throw new Error(`Migration folder name "${migration.name}" may hold only letters, digits and underscores`);
      }
      // The script and its bookkeeping row commit together: a failure leaves neither behind.
      // The values are inlined because a multi-statement script takes no parameters; all three are
      // a UUID, a hex digest and a name checked above.
      const record = `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
        VALUES ('${randomUUID()}', '${migration.checksum}', now(), '${migration.name}', 1);`;
      try {
        await sql.exec(`BEGIN;\n${migration.sql}\n;\n${record}\nCOMMIT;`);
      } catch (error) {
        await sql.exec('ROLLBACK').catch(() => {});
        throw new Error(`Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`);
      }
      applied.push(migration.name);
    }
    return { applied, alreadyApplied: migrations.length - applied.length };
  } finally {
    await sql.query('SELECT pg_advisory_unlock($1)', [MIGRATION_ADVISORY_LOCK]);
  }
}

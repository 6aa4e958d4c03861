/**
 * `npm run migrate:create -- <name>`: writes prisma/migrations/<UTC stamp>_<name>/migration.sql
 * with the SQL that brings the committed migrations up to prisma/schema.prisma.
 * `npm run migrate:check`: exits 1 when the schema has changes no migration holds (run in CI).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { diffMigrationsToSchema, MIGRATIONS_DIR } from './schema-engine.js';

const [command, name] = process.argv.slice(2);
const sql = await diffMigrationsToSchema();

if (command === 'check') {
  if (sql.trim()) {
    console.error('prisma/schema.prisma has changes that no migration holds. Run `npm run migrate:create -- <name>`.\n');
    console.error(sql);
    process.exit(1);
  }
  console.log('Migrations match prisma/schema.prisma.');
  process.exit(0);
}

if (command !== 'create' || !name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run migrate:create -- <snake_case_name>');
  process.exit(2);
}
if (!sql.trim()) {
  console.log('No changes: prisma/schema.prisma matches the committed migrations.');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
await mkdir(dir, { recursive: true });
// Each migration runs in one transaction (see src/db/migrate.ts), so a failure leaves nothing half-applied.
await writeFile(path.join(dir, 'migration.sql'), sql);
await writeFile(path.join(MIGRATIONS_DIR, 'migration_lock.toml'), 'provider = "postgresql"\n');
console.log(`Wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
// The WASM engine leaves a timer running; a one-shot script exits explicitly.
process.exit(0);

/**
 * Prisma's official schema engine, compiled to WASM, driven against an in-memory PGlite.
 *
 * Why: the Prisma CLI downloads a native schema engine at `migrate dev`, and the machines this
 * project runs on reach only the npm registry (see ../shared/PRISMA-OFFLINE.md). The WASM build
 * of the same engine produces the same SQL, and an in-memory PGlite needs no server.
 * Dev-time only: the server applies migrations with src/db/migrate.ts, which needs no engine.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { readMigrations } from '../src/db/migrations-folder.js';

const require = createRequire(import.meta.url);

export const SCHEMA_PATH = path.resolve('prisma/schema.prisma');
export const MIGRATIONS_DIR = path.resolve('prisma/migrations');
const NO_FILTERS = { externalTables: [], externalEnums: [] };

interface WasmSchemaEngine {
  diff(params: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
}

async function openEngine(schemaText: string): Promise<{ engine: WasmSchemaEngine; close(): Promise<void> }> {
  // The package exports no package.json; resolve its main file and find the .wasm beside it.
  const pkgDir = path.dirname(require.resolve('@prisma/schema-engine-wasm'));
  const bg = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmModule = await WebAssembly.compile(await readFile(path.join(pkgDir, 'schema_engine_bg.wasm')));
  const instance = await WebAssembly.instantiate(wasmModule, { './schema_engine_bg.js': bg });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
  const pglite = new PGlite();
  const engine: WasmSchemaEngine = await bg.SchemaEngine.new(
    { datamodels: [[SCHEMA_PATH, schemaText]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(pglite)),
  );
  return {
    engine,
    async close() {
      engine.free();
      await pglite.close();
    },
  };
}

/** The SQL that takes the committed migrations to the current schema; empty when they agree. */
export async function diffMigrationsToSchema(): Promise<string> {
  const schemaText = await readFile(SCHEMA_PATH, 'utf8');
  const migrations = await readMigrations(MIGRATIONS_DIR);
  const { engine, close } = await openEngine(schemaText);
  try {
    const result = await engine.diff({
      from: {
        tag: 'migrations',
        baseDir: MIGRATIONS_DIR,
        lockfile: { path: 'migration_lock.toml', content: 'provider = "postgresql"\n' },
        shadowDbInitScript: '',
        migrationDirectories: migrations.map((m) => ({
          path: m.name,
          migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: m.sql } },
        })),
      },
      to: { tag: 'schemaDatamodel', files: [{ path: SCHEMA_PATH, content: schemaText }] },
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    });
    return result.exitCode === 2 ? (result.stdout ?? '') : '';
  } finally {
    await close();
  }
}

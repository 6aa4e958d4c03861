/**
 * Opens Allot's one database: the embedded PGlite (default, persisted under the data directory)
 * or a PostgreSQL server when DATABASE_URL is set. Same schema, same migrations, same SQL.
 */
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { applyMigrations, type MigrationReport } from './migrate.js';
import { listenForNotifications, type NotificationHandlers } from './notifications.js';
import type { SqlRunner } from './sql-runner.js';

export type Db = PrismaClient;

export interface Database {
  prisma: PrismaClient;
  kind: 'pglite' | 'postgres';
  migrations: MigrationReport;
  /** Answers whether the database takes queries now (for /ready). */
  ping(): Promise<boolean>;
  /**
   * PostgreSQL only: LISTEN on `channel` over a connection of its own (./notifications.ts); closed
   * with the database. The embedded database has no other process to hear from.
   */
  listen?(channel: string, handlers: NotificationHandlers): void;
  /** PostgreSQL only: the connection pool's state now (for metrics). */
  poolStats?(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… to use a server; otherwise the embedded database. */
  databaseUrl?: string;
  /** Embedded only: where to persist. Omit for an in-memory database (tests). */
  dataDir?: string;
  /** Who holds the embedded data directory, shown to anyone refused by its lock. */
  role?: string;
  /** Lets tests count SQL statements by wrapping the driver adapter. */
  wrapAdapter?: (factory: SqlDriverAdapterFactory) => SqlDriverAdapterFactory;
  /** PostgreSQL only: per-statement time limit in milliseconds. */
  statementTimeoutMs?: number;
  /** PostgreSQL only: the longest a statement waits for a lock, in milliseconds (below the statement limit). */
  lockTimeoutMs?: number;
  poolSize?: number;
}

function pgliteRunner(pglite: PGlite): SqlRunner {
  return {
    async exec(sql) {
      await pglite.exec(sql);
    },
    async query<Row>(sql: string, params?: unknown[]) {
      return (await pglite.query<Row>(sql, params)).rows;
    },
  };
}

function pgClientRunner(client: pg.Client): SqlRunner {
  return {
    async exec(sql) {
      await client.query(sql);
    },
    async query<Row>(sql: string, params?: unknown[]) {
      return (await client.query(sql, params)).rows as Row[];
    },
  };
}

export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  const wrap = options.wrapAdapter ?? ((factory) => factory);
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options, wrap);
  return openPglite(options, wrap);
}

async function openPglite(options: OpenOptions, wrap: NonNullable<OpenOptions['wrapAdapter']>): Promise<Database> {
  let lock: DataDirLock | undefined;
  if (options.dataDir) lock = lockDataDir(options.dataDir, options.role ?? 'another Allot process');
  try {
    const pglite = options.dataDir ? new PGlite(path.join(options.dataDir, 'postgres')) : new PGlite();
    await pglite.waitReady;
    const migrations = await applyMigrations(pgliteRunner(pglite));
    const prisma = new PrismaClient({ adapter: wrap(new PrismaPGlite(pglite)) });
    return {
      prisma,
      kind: 'pglite',
      migrations,
      async ping() {
        try {
          await pglite.query('SELECT 1');
          return true;
        } catch {
          return false;
        }
      },
      async close() {
        await prisma.$disconnect();
        await pglite.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

async function openPostgres(
  url: string,
  options: OpenOptions,
  wrap: NonNullable<OpenOptions['wrapAdapter']>,
): Promise<Database> {
  // Migrate on one dedicated connection: the advisory lock is per session.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let migrations: MigrationReport;
  try {
    migrations = await applyMigrations(pgClientRunner(client));
  } finally {
    await client.end();
  }
  const poolConfig: pg.PoolConfig = { connectionString: url, max: options.poolSize ?? 10 };
  // A lock wait gets its own limit, below the statement's, so a write waiting its turn on a hot
  // row fails as contention and is retried whole (src/services/core/contention.ts) instead of
  // being answered STATEMENT_TIMEOUT.
  const settings = [
    ...(options.statementTimeoutMs ? [`-c statement_timeout=${options.statementTimeoutMs}`] : []),
    ...(options.lockTimeoutMs ? [`-c lock_timeout=${options.lockTimeoutMs}`] : []),
  ];
  if (settings.length > 0) poolConfig.options = settings.join(' ');
  // Our own pool (ended by the adapter on disconnect) so its state can be exported as metrics.
  const pool = new pg.Pool(poolConfig);
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const prisma = new PrismaClient({ adapter: wrap(adapter) });
  const listeners: Array<() => Promise<void>> = [];
  return {
    prisma,
    kind: 'postgres',
    migrations,
    listen(channel, handlers) {
      listeners.push(listenForNotifications(url, channel, handlers));
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async ping() {
      try {
        await prisma.$queryRaw`SELECT 1`;
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await Promise.all(listeners.splice(0).map((stop) => stop()));
      await prisma.$disconnect();
    },
  };
}

/**
 * A fresh, migrated database per test file: in-memory PGlite by default, or a new database on the
 * PostgreSQL server named by TEST_DATABASE_URL (dropped again on close). Never mocks.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/open.js';
import { StatementCounter } from '../../src/db/statement-counter.js';

export interface TestDatabase extends Database {
  statements: StatementCounter;
}

export const usingPostgres = Boolean(process.env.TEST_DATABASE_URL);

export async function openTestDatabase(): Promise<TestDatabase> {
  const statements = new StatementCounter();
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const database = await openDatabase({ wrapAdapter: statements.wrap });
    return Object.assign(database, { statements });
  }
  const name = `allot_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), wrapAdapter: statements.wrap, poolSize: 20 });
  const closeConnections = database.close;
  return Object.assign(database, {
    statements,
    async close() {
      await closeConnections();
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  });
}

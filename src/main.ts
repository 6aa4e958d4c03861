/**
 * `npm start`: opens the database (embedded PGlite unless DATABASE_URL is set), applies
 * migrations, seeds the demo organization on an empty database, and serves GraphQL.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from './config.js';
import { DataDirInUseError } from './db/data-dir-lock.js';
import { openDatabase, type Database } from './db/open.js';
import { createHttpServer } from './http/server.js';
import { seedDemoOrganization } from './services/demo.js';

const config = loadConfig();
const demoKeyFile = path.join(config.dataDir, 'demo-api-key');

let database: Database;
try {
  database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, role: 'the Allot server' });
} catch (error) {
  if (error instanceof DataDirInUseError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
const db = database.prisma;
console.log(
  `Database: ${database.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)'}; ` +
    `migrations applied now: ${database.migrations.applied.length}, before: ${database.migrations.alreadyApplied}`,
);

let graphiqlApiKey: string | undefined;
if (config.seedDemo && (await db.organization.count()) === 0) {
  const demo = await seedDemoOrganization(db);
  console.log(`\nCreated the demo organization ${demo.organizationId}. Its API key (shown once):\n\n  ${demo.apiKey}\n`);
  if (config.environment === 'development') {
    // Development convenience only: lets GraphiQL open with the header filled in after a restart.
    await writeFile(demoKeyFile, demo.apiKey, { mode: 0o600 });
  }
  graphiqlApiKey = demo.apiKey;
} else if (config.environment === 'development') {
  graphiqlApiKey = await readFile(demoKeyFile, 'utf8').catch(() => undefined);
}

const server = createHttpServer({
  database,
  maxBodyBytes: config.maxBodyBytes,
  graphiql: config.environment !== 'production',
  graphiqlApiKey: config.environment === 'development' ? graphiqlApiKey : undefined,
});
server.listen(config.port, config.host, () => {
  console.log(`Allot is serving GraphQL at http://localhost:${config.port}/graphql`);
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: finishing in-flight requests, then closing the database`);
  server.close(async () => {
    await database.close();
    process.exit(0);
  });
  server.closeIdleConnections();
  // Requests still running after 10 s (the request time limit) are cut off.
  setTimeout(() => {
    server.closeAllConnections();
  }, 10_000).unref();
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

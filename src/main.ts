/**
 * `npm start`: opens the database (embedded PGlite unless DATABASE_URL is set), applies
 * migrations, seeds the demo organization on an empty database, serves GraphQL, and (embedded)
 * the admin socket the CLI uses meanwhile. A banner on standard error says where to go next.
 * Every defence is configured from the environment (src/config.ts, docs/hardening.md).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from './config.js';
import { DataDirInUseError } from './db/data-dir-lock.js';
import { openDatabase, type Database } from './db/open.js';
import { createLogger, createTelemetry, loadTracer } from './http/observability.js';
import { startAdminSocket } from './http/admin-socket.js';
import { createHttpServer } from './http/server.js';
import { SharedCostRateLimiter } from './http/shared-rate-limit.js';
import { configuredAttachmentStorage } from './http/yoga.js';
import { sweepOrphanedAttachmentFiles } from './services/attachments/orphan-sweep.js';
import { SubscriptionRegistry } from './http/subscription-limits.js';
import { startBanner } from './http/start-banner.js';
import { seedDemoOrganization } from './services/demo.js';
import { purgeIdempotencyRecords } from './services/core/idempotency.js';
import { WebhookDispatcher } from './webhooks/dispatcher.js';
import { purgeWebhookHistory } from './webhooks/retention.js';

const config = loadConfig();
const logger = createLogger({ level: config.observability.logLevel });
const demoKeyFile = path.join(config.dataDir, 'demo-api-key');

let database: Database;
try {
  database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    role: 'the Allot server',
    statementTimeoutMs: config.statementTimeoutMs,
    lockTimeoutMs: config.lockTimeoutMs,
  });
} catch (error) {
  if (error instanceof DataDirInUseError) {
    logger.fatal(error.message);
    process.exit(1);
  }
  throw error;
}
const db = database.prisma;
logger.info(
  { database: database.kind, applied: database.migrations.applied.length, alreadyApplied: database.migrations.alreadyApplied },
  `Database: ${database.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)'}`,
);

/**
 * Writes the demo key where only this user can read it, whole or not at all (temporary name, then
 * rename), so a crash never leaves a truncated key file that a later start would trust.
 */
async function storeDemoKey(apiKey: string): Promise<void> {
  const temporary = `${demoKeyFile}.${process.pid}.partial`;
  await writeFile(temporary, apiKey, { mode: 0o600 });
  await rename(temporary, demoKeyFile);
}

let graphiqlApiKey: string | undefined;
/** The demo key, only on the start that created it (printed once, in the banner). */
let createdKey: string | undefined;
if (config.seedDemo && (await db.organization.count()) === 0) {
  // Before the demo organization commits: on PostgreSQL nothing else creates the data directory
  // (PGlite's lock does), and a key file that cannot be written after the commit would leave a
  // demo organization whose key nobody has (the next start sees a non-empty database).
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const demo = await seedDemoOrganization(db);
  if (config.environment === 'production') {
    // Standard output is shipped to log stores in production: the key goes to a private file.
    await storeDemoKey(demo.apiKey);
    logger.warn({ organizationId: demo.organizationId, keyFile: demoKeyFile }, 'created the demo organization; its API key is in the key file');
  } else {
    // Shown to the developer in the banner (standard error), never logged.
    createdKey = demo.apiKey;
    logger.info({ organizationId: demo.organizationId }, 'created the demo organization');
    // Development convenience only: lets GraphiQL open with the header filled in after a restart.
    if (config.environment === 'development') await storeDemoKey(demo.apiKey);
  }
  graphiqlApiKey = demo.apiKey;
} else if (config.environment === 'development') {
  graphiqlApiKey = await readFile(demoKeyFile, 'utf8').then((key) => key.trim(), () => undefined);
}
const development = config.environment === 'development';
const keyFileShown = development && graphiqlApiKey ? demoKeyFile : undefined;

const subscriptions = new SubscriptionRegistry(config.subscriptions);

// Embedded mode: operator commands reach this process over a unix socket in the data directory.
// After each one the open subscriptions' keys are checked, so `allot key revoke` ends a key's
// subscriptions at once (on PostgreSQL the CLI writes directly: the periodic and per-event checks).
const adminSocket =
  database.kind === 'pglite' ? await startAdminSocket({
    dataDir: config.dataDir,
    database,
    logger,
    afterCommand: () => void subscriptions.checkKeys().catch((error: unknown) => logger.warn({ err: error }, 'subscription key check failed')),
  }).catch((error) => {
    logger.warn({ err: error }, 'could not open the admin socket; the CLI cannot run while the server does');
    return undefined;
  }) : undefined;

const telemetry = createTelemetry({
  logger,
  tracer: config.observability.tracing ? await loadTracer() : undefined,
  databaseUp: () => database.ping(),
  poolStats: database.poolStats,
});

// Uploads go to the directory (embedded default) or the database (default on PostgreSQL).
const attachments = configuredAttachmentStorage();

// Shared buckets (PostgreSQL) are created here so that stopping returns the points this replica
// holds in leases; in-memory buckets are yoga's own.
const sharedRateLimiter =
  config.rateLimit.enabled && config.rateLimit.store === 'postgres'
    ? new SharedCostRateLimiter(db, config.rateLimit, { onError: (error, message) => logger.warn({ err: error }, message) })
    : undefined;

let stopping = false;
const server = createHttpServer({
  database,
  attachments,
  rateLimiter: sharedRateLimiter,
  draining: () => stopping,
  telemetry,
  subscriptions,
  maxBodyBytes: config.maxBodyBytes,
  receiveTimeoutMs: config.requestTimeoutMs,
  apiKeyCacheTtlMs: config.apiKeyCacheTtlMs,
  metrics: config.observability.metrics ? { token: config.observability.metricsToken } : undefined,
  graphiql: config.access.graphiql,
  graphiqlApiKey: development ? graphiqlApiKey : undefined,
  demoKeyFile: keyFileShown,
  webhookTargets: config.webhooks.targets,
  hardening: {
    limits: config.limits,
    rateLimit: config.rateLimit,
    access: config.access,
    requestTimeoutMs: config.requestTimeoutMs,
  },
});
server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port }, `Allot is serving GraphQL at http://localhost:${port}/graphql`);
  if (config.environment !== 'production') {
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    process.stderr.write(
      startBanner({
        origin: `http://${host}:${port}`,
        graphiql: config.access.graphiql,
        createdKey,
        keyFile: keyFileShown,
        adminSocket: adminSocket?.path,
      }),
    );
  }
});

// Webhooks: every replica may dispatch; claims keep them from sending the same attempt twice.
const webhooks = new WebhookDispatcher(db, config.webhooks, (level, fields, message) => logger[level](fields, message));
if (config.webhooks.dispatch) webhooks.start();

// Idempotency keys are kept at least the retention; older ones are forgotten hourly, with old
// webhook history and orphaned attachment files.
async function purgeOldIdempotencyKeys(): Promise<void> {
  const purged = await purgeIdempotencyRecords(db, config.idempotencyRetentionHours).catch((error: unknown) => {
    logger.warn({ err: error }, 'idempotency key purge failed; will retry');
    return 0;
  });
  if (purged > 0) logger.info({ purged }, 'forgot old idempotency keys');
  const webhookHistory = await purgeWebhookHistory(db, config.webhooks.retentionDays).catch((error: unknown) => {
    logger.warn({ err: error }, 'webhook history purge failed; will retry');
    return { deliveries: 0, events: 0 };
  });
  if (webhookHistory.deliveries + webhookHistory.events > 0) logger.info(webhookHistory, 'forgot old webhook deliveries');
  // Files of uploads whose row never committed (the process died in between).
  const orphans = await sweepOrphanedAttachmentFiles(db, attachments).catch((error: unknown) => {
    logger.warn({ err: error }, 'attachment orphan sweep failed; will retry');
    return [];
  });
  if (orphans.length > 0) logger.info({ removed: orphans.length }, 'removed attachment files no attachment names');
}
void purgeOldIdempotencyKeys();
const purgeTimer = setInterval(() => void purgeOldIdempotencyKeys(), 3_600_000);
purgeTimer.unref();

/**
 * Graceful stop: /ready fails at once so load balancers stop routing here; for a grace period the
 * server keeps accepting (a request already on the wire, accepted by the kernel but not yet read
 * while the event loop was busy, is served rather than reset); then the listener closes,
 * in-flight requests finish, idle keep-alive connections are closed as they free up, and the
 * database is closed cleanly. Requests still running after the request time limit are cut off.
 */
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(purgeTimer);
  subscriptions.close();
  logger.info({ signal, graceMs: config.shutdownGraceMs }, 'finishing in-flight requests, then closing the database');
  await new Promise((resolve) => setTimeout(resolve, config.shutdownGraceMs));
  server.close(async () => {
    clearInterval(idleSweeper);
    await webhooks.stop();
    await sharedRateLimiter?.close();
    await adminSocket?.close();
    await database.close();
    logger.info('database closed; exiting');
    process.exit(0);
  });
  const idleSweeper = setInterval(() => server.closeIdleConnections(), 50);
  setTimeout(() => server.closeAllConnections(), config.requestTimeoutMs).unref();
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

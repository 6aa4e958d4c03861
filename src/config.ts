import path from 'node:path';
import { DEFAULT_WEBHOOK_SETTINGS, type WebhookDeliverySettings } from './webhooks/settings.js';

/** Everything Allot reads from the environment, parsed once, with its default. See README "Configuration". */
export interface Config {
  /** Embedded PGlite data lives here (under `postgres/`), beside uploaded files (`attachments/`). */
  dataDir: string;
  /** When set, Allot uses this PostgreSQL server instead of the embedded database. */
  databaseUrl: string | undefined;
  port: number;
  host: string;
  /** `production` hides GraphiQL, introspection for anonymous callers and field suggestions. */
  environment: 'development' | 'production' | 'test';
  /** Largest accepted request body for ordinary GraphQL requests, in bytes. */
  maxBodyBytes: number;
  /** Where uploaded attachment bytes are stored; `<dataDir>/attachments` unless ALLOT_ATTACHMENTS_DIR is set. */
  attachmentsDir: string;
  /** Largest accepted attachment upload, in bytes (multipart requests may be this big, plus a little). */
  maxUploadBytes: number;
  /**
   * Where new uploads' bytes go: `directory` (attachmentsDir, this machine only) or `database`
   * (chunks in PostgreSQL, seen by every replica). `database` unless DATABASE_URL is unset.
   */
  attachmentStore: 'directory' | 'database';
  /** Seed a demo organization on first start with an empty database. */
  seedDemo: boolean;
  /** PostgreSQL only: the longest one SQL statement may run. */
  statementTimeoutMs: number;
  /** How long a server trusts an API key it looked up before asking the database again (revocations evict at once). */
  apiKeyCacheTtlMs: number;
  /** PostgreSQL only: the longest a statement waits for a row lock; then its unit of work is retried. */
  lockTimeoutMs: number;
  /** The whole GraphQL execution of one request; past it the work is aborted. */
  requestTimeoutMs: number;
  /** On SIGTERM, how long to keep accepting (with /ready failing) before closing the listener. */
  shutdownGraceMs: number;
  limits: QueryLimits;
  rateLimit: RateLimitConfig;
  access: AccessConfig;
  /** How long an idempotency key is remembered (at least this long; older ones are purged). */
  idempotencyRetentionHours: number;
  observability: ObservabilityConfig;
  /** Open subscriptions per API key and per process, and how often their keys are re-checked. */
  subscriptions: { maxPerKey: number; maxPerProcess: number; keyCheckIntervalMs: number };
  /** Webhook delivery: retries, timeouts, the SSRF guard (README "Webhooks"). */
  webhooks: WebhookDeliverySettings;
}

/** Static limits on the shape of a GraphQL document, checked before anything runs. */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  /** Total cost, where a list's selection is multiplied by its `first` (see src/http/query-cost.ts). */
  maxCost: number;
  /** Total number of field selections in the operation. */
  maxBreadth: number;
  /** The most list items one response may hold, counted while it is built (src/http/response-size.ts). */
  maxResponseItems: number;
}

/** Per-API-key leaky bucket of query cost (Shopify style). `enabled: false` turns throttling off. */
export interface RateLimitConfig {
  enabled: boolean;
  /** The most cost a key can spend at once (the bucket). */
  bucketSize: number;
  /** Cost restored per second. */
  restoreRate: number;
  /**
   * Where the buckets live: `memory` (this process; with N replicas a key gets N× the budget) or
   * `postgres` (one bucket per key shared by every replica, src/http/shared-rate-limit.ts).
   * Absent means memory.
   */
  store?: 'memory' | 'postgres';
}

export interface AccessConfig {
  graphiql: boolean;
  /** `public`: anyone may introspect; `authenticated`: only callers with a valid key; `off`: nobody. */
  introspection: 'public' | 'authenticated' | 'off';
  /** Hide "Did you mean …?" hints, which let an anonymous caller map the schema. */
  hideFieldSuggestions: boolean;
  /** Path to a JSON manifest {sha256: document}; when set only those operations run. */
  persistedOperationsPath: string | undefined;
}

export interface ObservabilityConfig {
  logLevel: string;
  /** Serve Prometheus metrics at /metrics. */
  metrics: boolean;
  /** When set, /metrics needs `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** Wrap each request in an OpenTelemetry span (needs an SDK registered by the operator). */
  tracing: boolean;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function boolFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'on', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'off', 'no'].includes(raw.toLowerCase())) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new Error(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

export const DEFAULT_LIMITS: QueryLimits = {
  maxDepth: 10,
  maxAliases: 15,
  maxTokens: 1000,
  maxDirectives: 50,
  maxCost: 500,
  maxBreadth: 50,
  maxResponseItems: 5000,
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const environment = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const dataDir = path.resolve(env.ALLOT_DATA_DIR || './.allot-data');
  const production = environment === 'production';
  const limits: QueryLimits = {
    maxDepth: intFromEnv(env, 'ALLOT_MAX_DEPTH', DEFAULT_LIMITS.maxDepth),
    maxAliases: intFromEnv(env, 'ALLOT_MAX_ALIASES', DEFAULT_LIMITS.maxAliases),
    maxTokens: intFromEnv(env, 'ALLOT_MAX_TOKENS', DEFAULT_LIMITS.maxTokens),
    maxDirectives: intFromEnv(env, 'ALLOT_MAX_DIRECTIVES', DEFAULT_LIMITS.maxDirectives),
    maxCost: intFromEnv(env, 'ALLOT_MAX_COST', DEFAULT_LIMITS.maxCost),
    maxBreadth: intFromEnv(env, 'ALLOT_MAX_BREADTH', DEFAULT_LIMITS.maxBreadth),
    maxResponseItems: intFromEnv(env, 'ALLOT_MAX_RESPONSE_ITEMS', DEFAULT_LIMITS.maxResponseItems),
  };
  const databaseUrl = env.DATABASE_URL || undefined;
  const rateLimit: RateLimitConfig = {
    enabled: boolFromEnv(env, 'ALLOT_RATE_LIMIT', true),
    bucketSize: intFromEnv(env, 'ALLOT_RATE_LIMIT_BUCKET', 1000),
    restoreRate: intFromEnv(env, 'ALLOT_RATE_LIMIT_RESTORE_PER_SECOND', 50),
    // On PostgreSQL replicas are the point, so they share their buckets unless told otherwise.
    store: oneOf<'memory' | 'postgres'>(env, 'ALLOT_RATE_LIMIT_STORE', ['memory', 'postgres'], databaseUrl ? 'postgres' : 'memory'),
  };
  if (rateLimit.store === 'postgres' && !databaseUrl) {
    throw new Error('ALLOT_RATE_LIMIT_STORE=postgres needs DATABASE_URL: the embedded database belongs to one process, whose memory is the store');
  }
  if (rateLimit.enabled && rateLimit.bucketSize < limits.maxCost) {
    throw new Error('ALLOT_RATE_LIMIT_BUCKET must be at least ALLOT_MAX_COST, or the largest allowed query could never run');
  }
  const statementTimeoutMs = intFromEnv(env, 'ALLOT_STATEMENT_TIMEOUT_MS', 3_000);
  const lockTimeoutMs = intFromEnv(env, 'ALLOT_LOCK_TIMEOUT_MS', 1_000);
  if (statementTimeoutMs > 0 && (lockTimeoutMs === 0 || lockTimeoutMs >= statementTimeoutMs)) {
    throw new Error('ALLOT_LOCK_TIMEOUT_MS must be positive and below ALLOT_STATEMENT_TIMEOUT_MS, or lock waits fail as STATEMENT_TIMEOUT');
  }
  if (rateLimit.enabled && rateLimit.restoreRate === 0) throw new Error('ALLOT_RATE_LIMIT_RESTORE_PER_SECOND must be positive');
  return {
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    port: intFromEnv(env, 'PORT', 4000),
    // Development serves GraphiQL with the demo key filled in: keep it on this machine unless told otherwise.
    host: env.HOST || (production ? '0.0.0.0' : '127.0.0.1'),
    environment,
    maxBodyBytes: intFromEnv(env, 'ALLOT_MAX_BODY_BYTES', 100 * 1024),
    attachmentsDir: path.resolve(env.ALLOT_ATTACHMENTS_DIR || path.join(dataDir, 'attachments')),
    maxUploadBytes: intFromEnv(env, 'ALLOT_MAX_UPLOAD_BYTES', 10 * 1024 * 1024),
    // Replicas on PostgreSQL must all serve every upload: the database is the one store they share.
    attachmentStore: oneOf<'directory' | 'database'>(env, 'ALLOT_ATTACHMENT_STORE', ['directory', 'database'], databaseUrl ? 'database' : 'directory'),
    seedDemo: env.ALLOT_SEED_DEMO !== 'false',
    statementTimeoutMs,
    lockTimeoutMs,
    apiKeyCacheTtlMs: intFromEnv(env, 'ALLOT_API_KEY_CACHE_TTL_MS', 30_000),
    requestTimeoutMs: intFromEnv(env, 'ALLOT_REQUEST_TIMEOUT_MS', 10_000),
    shutdownGraceMs: intFromEnv(env, 'ALLOT_SHUTDOWN_GRACE_MS', 2_000),
    limits,
    rateLimit,
    access: {
      graphiql: boolFromEnv(env, 'ALLOT_GRAPHIQL', !production),
      introspection: oneOf(env, 'ALLOT_INTROSPECTION', ['public', 'authenticated', 'off'], production ? 'authenticated' : 'public'),
      hideFieldSuggestions: boolFromEnv(env, 'ALLOT_HIDE_FIELD_SUGGESTIONS', production),
      persistedOperationsPath: env.ALLOT_PERSISTED_OPERATIONS || undefined,
    },
    idempotencyRetentionHours: Math.max(24, intFromEnv(env, 'ALLOT_IDEMPOTENCY_RETENTION_HOURS', 24)),
    subscriptions: {
      maxPerKey: intFromEnv(env, 'ALLOT_MAX_SUBSCRIPTIONS_PER_KEY', 20),
      maxPerProcess: intFromEnv(env, 'ALLOT_MAX_SUBSCRIPTIONS', 1000),
      keyCheckIntervalMs: Math.max(1000, intFromEnv(env, 'ALLOT_SUBSCRIPTION_KEY_CHECK_MS', 15_000)),
    },
    observability: {
      logLevel: env.ALLOT_LOG_LEVEL || env.LOG_LEVEL || 'info',
      metrics: boolFromEnv(env, 'ALLOT_METRICS', true),
      metricsToken: env.ALLOT_METRICS_TOKEN || undefined,
      tracing: boolFromEnv(env, 'ALLOT_OTEL_TRACING', false),
    },
    webhooks: webhookSettings(env, production),
  };
}

function webhookSettings(env: NodeJS.ProcessEnv, production: boolean): WebhookDeliverySettings {
  const d = DEFAULT_WEBHOOK_SETTINGS;
  const timeoutMs = Math.max(1, intFromEnv(env, 'ALLOT_WEBHOOK_TIMEOUT_MS', d.timeoutMs));
  return {
    dispatch: boolFromEnv(env, 'ALLOT_WEBHOOK_DISPATCH', d.dispatch),
    pollIntervalMs: Math.max(10, intFromEnv(env, 'ALLOT_WEBHOOK_POLL_MS', d.pollIntervalMs)),
    batchSize: Math.max(1, intFromEnv(env, 'ALLOT_WEBHOOK_BATCH_SIZE', d.batchSize)),
    timeoutMs,
    maxResponseBytes: intFromEnv(env, 'ALLOT_WEBHOOK_MAX_RESPONSE_BYTES', d.maxResponseBytes),
    // A claim must outlive the attempt it covers, or a second replica could start the same attempt.
    leaseMs: Math.max(timeoutMs + 1_000, intFromEnv(env, 'ALLOT_WEBHOOK_LEASE_MS', timeoutMs + 30_000)),
    retryBaseMs: Math.max(1, intFromEnv(env, 'ALLOT_WEBHOOK_RETRY_BASE_MS', d.retryBaseMs)),
    retryMaxDelayMs: Math.max(1, intFromEnv(env, 'ALLOT_WEBHOOK_RETRY_MAX_DELAY_MS', d.retryMaxDelayMs)),
    retryForMs: intFromEnv(env, 'ALLOT_WEBHOOK_RETRY_FOR_MS', d.retryForMs),
    disableAfterFailures: Math.max(1, intFromEnv(env, 'ALLOT_WEBHOOK_DISABLE_AFTER_FAILURES', d.disableAfterFailures)),
    retentionDays: Math.max(1, intFromEnv(env, 'ALLOT_WEBHOOK_RETENTION_DAYS', d.retentionDays)),
    targets: {
      blockPrivateAddresses: boolFromEnv(env, 'ALLOT_WEBHOOK_BLOCK_PRIVATE_ADDRESSES', production),
      allowedHosts: (env.ALLOT_WEBHOOK_ALLOWED_HOSTS ?? '')
        .split(',')
        .map((host) => host.trim().toLowerCase())
        .filter((host) => host.length > 0),
    },
  };
}

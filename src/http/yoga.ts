/**
 * The GraphQL endpoint: authentication, the hardening plugins, error masking, GraphiQL. Everything
 * here is protocol; the rules live in src/services. The defences and their defaults are listed in
 * docs/hardening.md.
 *
 * Plugin order matters: observability first (it times everything and sees every outcome), the
 * error shape (codes on every error, suggestions hidden), then who-may-run-what (CSRF, trusted
 * documents, anonymous access), then the document limits, then the response size bound, then
 * cost (needs the authenticated context for the key's bucket), then the time limit around
 * execution itself.
 */
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { DEFAULT_LIMITS, type AccessConfig, type QueryLimits, type RateLimitConfig } from '../config.js';
import type { Db } from '../db/open.js';
import type { Context } from '../graphql/context.js';
import { createLoaders } from '../graphql/loaders/index.js';
import { createAlertPubSub, type AlertPubSub } from './alert-pubsub.js';
import { schema } from '../graphql/schema.js';
import { loadConfig } from '../config.js';
import { AttachmentStorage } from '../services/attachments/attachment-storage.js';
import { ApiKeyCache, DEFAULT_API_KEY_CACHE_TTL_MS } from './api-key-cache.js';
import type { WebhookTargetPolicy } from '../services/webhooks/target-policy.js';
import { accessPlugin, csrfPlugin, loadPersistedManifest, persistedOperationsPlugin, unauthenticated } from './access.js';
import { errorShapePlugin } from './error-shape.js';
import { demoExampleIds, graphiqlOptions, renderGraphiQL } from './graphiql.js';
import { maskError } from './errors.js';
import { documentLimitPlugins, requestTimeoutPlugin } from './limits.js';
import { createLogger, createTelemetry, type Telemetry } from './observability.js';
import { loadCategoryCostHints } from './category-cost-hints.js';
import { nodesLimitPlugin } from './nodes-limit.js';
import { queryCostPlugin } from './query-cost.js';
import { responseSizePlugin } from './response-size.js';
import { SubscriptionRegistry, subscriptionLimitsPlugin } from './subscription-limits.js';
import { CostRateLimiter, type RateLimiter } from './rate-limit.js';
import { SharedCostRateLimiter } from './shared-rate-limit.js';

export interface HardeningOptions {
  limits: QueryLimits;
  /** Off when absent or disabled. */
  rateLimit?: RateLimitConfig;
  access: Omit<AccessConfig, 'graphiql'>;
  requestTimeoutMs: number;
}

/** What an in-process yoga gets when the caller names nothing: every limit on, no throttling
 * (tests and tools send bursts), introspection for authenticated callers only. */
export const DEFAULT_HARDENING: HardeningOptions = {
  limits: DEFAULT_LIMITS,
  access: { introspection: 'authenticated', hideFieldSuggestions: false, persistedOperationsPath: undefined },
  requestTimeoutMs: 10_000,
};

export interface YogaOptions {
  db: Db;
  /**
   * Attachment bytes (uploads through the GraphQL multipart request) and their size limit.
   * Default: the configured store, directory and limit (ALLOT_ATTACHMENT_STORE / ALLOT_ATTACHMENTS_DIR /
   * ALLOT_MAX_UPLOAD_BYTES).
   */
  attachments?: AttachmentStorage;
  /** GraphiQL on /graphql (GET from a browser). Off in production. */
  graphiql: boolean;
  /** A key to prefill in GraphiQL's headers (the demo organization's, in development). */
  graphiqlApiKey?: string;
  logError?: (error: unknown) => void;
  hardening?: Partial<HardeningOptions>;
  telemetry?: Telemetry;
  /** Delivers committed events to subscribers. Default: a new in-process pub/sub for this gateway. */
  alerts?: AlertPubSub;
  /**
   * Where presented keys are looked up. Default: a cache that hears of revocations in this process
   * only; a server sharing its database with other processes wires theirs (src/http/server.ts).
   */
  apiKeys?: ApiKeyCache;
  /** Bounds open subscriptions and ends a revoked key's. Default: one with the default limits. */
  subscriptions?: SubscriptionRegistry;
  /** Where rate-limit buckets live. Default: as `hardening.rateLimit` says (store, size, rate). */
  rateLimiter?: RateLimiter;
  /** Which webhook URLs may be registered. Default: the configured policy (ALLOT_WEBHOOK_*). */
  webhookTargets?: WebhookTargetPolicy;
}

/** The context of a request without an API key. Only introspection may run with it (see
 * access.ts); anything reaching for the viewer is a bug and fails loudly, never silently. */
function anonymousContext(db: Db): Context {
  const refuse = (): never => {
    throw unauthenticated('Missing API key: send "Authorization: Bearer <api key>"');
  };
  return Object.defineProperties({ db, apiKeyId: null } as unknown as Context, {
    viewer: { get: refuse },
    loaders: { get: refuse },
  });
}

/** The storage the configuration names; its directory is only created on the first upload. */
export function configuredAttachmentStorage(): AttachmentStorage {
  const config = loadConfig();
  return new AttachmentStorage({ directory: config.attachmentsDir, maxBytes: config.maxUploadBytes, store: config.attachmentStore });
}

/** Off unless enabled; in this process's memory, or shared through the database (`store: 'postgres'`). */
function configuredRateLimiter(db: Db, config: RateLimitConfig | undefined, telemetry: Telemetry): RateLimiter | undefined {
  if (!config?.enabled) return undefined;
  if (config.store === 'postgres') {
    return new SharedCostRateLimiter(db, config, { onError: (error, message) => telemetry.logger.warn({ err: error }, message) });
  }
  return new CostRateLimiter(config);
}

export function createAllotYoga(options: YogaOptions): YogaServerInstance<Record<string, unknown>, Context> {
  const hardening: HardeningOptions = { ...DEFAULT_HARDENING, ...options.hardening };
  const telemetry = options.telemetry ?? createTelemetry({ logger: createLogger({ level: 'silent' }) });
  const logError = options.logError ?? ((error) => telemetry.logger.error({ err: error }, 'masked error'));
  const attachments = options.attachments ?? configuredAttachmentStorage();
  const alerts = options.alerts ?? createAlertPubSub();
  const webhookTargets = options.webhookTargets ?? loadConfig().webhooks.targets;
  const apiKeys = options.apiKeys ?? new ApiKeyCache(options.db, { ttlMs: DEFAULT_API_KEY_CACHE_TTL_MS });
  const limiter = options.rateLimiter ?? configuredRateLimiter(options.db, hardening.rateLimit, telemetry);
  const manifestPath = hardening.access.persistedOperationsPath;
  const subscriptions = options.subscriptions ?? new SubscriptionRegistry();

  const plugins: Plugin[] = [
    telemetry.plugin,
    errorShapePlugin({ hideSuggestions: hardening.access.hideFieldSuggestions }),
    csrfPlugin(),
    ...(manifestPath ? [persistedOperationsPlugin(loadPersistedManifest(manifestPath))] : []),
    accessPlugin(hardening.access, (context) => (context as Context).apiKeyId === null),
    subscriptionLimitsPlugin(subscriptions),
    ...documentLimitPlugins(hardening.limits, { hideFieldSuggestions: hardening.access.hideFieldSuggestions }),
    nodesLimitPlugin(),
    // Before the cost plugin, so a refused response is refunded as the nothing it returns.
    responseSizePlugin(hardening.limits.maxResponseItems ?? DEFAULT_LIMITS.maxResponseItems),
    queryCostPlugin({
      prepare: loadCategoryCostHints,
      limits: hardening.limits,
      limiter,
      bucketKey: (context) => (context as Context).apiKeyId ?? undefined,
      onCost: telemetry.noteCost,
    }),
    requestTimeoutPlugin(hardening.requestTimeoutMs),
  ];

  return createYoga<Record<string, unknown>, Context>({
    schema,
    plugins,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    batching: false,
    healthCheckEndpoint: '/health',
    // Self-hosted (no CDN), with example tabs; in development the demo key and ids (graphiql.ts).
    graphiql: options.graphiql
      ? async () => {
          const apiKey = options.graphiqlApiKey;
          const ids = apiKey ? await demoExampleIds(options.db, apiKey).catch(() => ({})) : {};
          return graphiqlOptions({ apiKey, ids });
        }
      : false,
    renderGraphiQL,
    maskedErrors: { maskError: (error) => maskError(error, logError) },
    logging: telemetry.logger,
    context: async ({ request }): Promise<Context> => {
      const header = request.headers.get('authorization');
      if (!header) return anonymousContext(options.db);
      const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
      const viewer = match?.[1] ? await apiKeys.authenticate(match[1]) : null;
      if (!viewer) throw unauthenticated('Invalid or revoked API key');
      return {
        db: options.db,
        viewer: { organizationId: viewer.organizationId, userId: viewer.userId },
        apiKeyId: viewer.apiKeyId,
        loaders: createLoaders(options.db, viewer),
        attachments,
        events: alerts,
        budgetAlerts: alerts,
        webhookTargets,
      };
    },
  });
}

/**
 * Logs, metrics and traces for every request:
 * - a request id taken from `X-Request-Id` (when it is a sane token) or generated, echoed in the
 *   response header, and on every log line of the request;
 * - one structured JSON line per request (pino): operation name, root fields, HTTP status,
 *   outcome (`ok` or the first top-level error code), duration, query cost. Never headers, never
 *   variables: they carry API keys and business data. As a second fence, anything shaped like an
 *   Allot key or a Bearer token is scrubbed from every line before it is written;
 * - Prometheus metrics (prom-client) for /metrics: requests and their duration by operation and
 *   outcome, requests in flight, query cost, database reachability, the PostgreSQL pool, and the
 *   process's own metrics;
 * - optionally an OpenTelemetry span per request (see `loadTracer`).
 */
import { randomUUID } from 'node:crypto';
import type { Tracer } from '@opentelemetry/api';
import { getOperationAST, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import pino, { type DestinationStream, type Logger } from 'pino';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { QueryCost } from './query-cost.js';

const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/allot_[A-Za-z0-9_-]{8,}/g, 'allot_[redacted]'],
  [/(Bearer\s+)[^\s"'\\]+/gi, '$1[redacted]'],
];

export function scrubSecrets(line: string): string {
  return SECRET_PATTERNS.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), line);
}

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'allot' },
      // Headers are never logged on purpose; these paths guard against someone adding them.
      redact: { paths: ['authorization', 'headers.authorization', 'req.headers.authorization', 'apiKey', '*.apiKey'], censor: '[redacted]' },
      hooks: { streamWrite: scrubSecrets },
    },
    options.destination,
  );
}

/** Loads OpenTelemetry only when tracing is on, so the default install pays nothing for it. The
 * API is a no-op until the operator registers an SDK (e.g. `node --import
 * @opentelemetry/auto-instrumentations-node/register`, see docs/hardening.md). */
export async function loadTracer(): Promise<Tracer> {
  const { trace } = await import('@opentelemetry/api');
  return trace.getTracer('allot');
}

export interface Telemetry {
  logger: Logger;
  registry: Registry;
  /** Records cost reported by the query-cost plugin against the request it belongs to. */
  noteCost(context: unknown, cost: QueryCost): void;
  plugin: Plugin;
}

interface RequestState {
  id: string;
  startedAt: bigint;
  operationName?: string;
  operation?: string;
  outcome: string;
  cost?: QueryCost;
  span?: ReturnType<Tracer['startSpan']>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** `mutation createAccount`: bounded by the schema, unlike client-chosen operation names. */
function operationLabel(document: DocumentNode, operationName: string | null | undefined): string | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined;
  const fields = [
    ...new Set(operation.selectionSet.selections.map((selection) => (selection.kind === 'Field' ? selection.name.value : '…'))),
  ].sort();
  const shown = fields.length > 3 ? [...fields.slice(0, 3), `+${fields.length - 3}`] : fields;
  return `${operation.operation} ${shown.join(',')}`;
}

export function createTelemetry(options: {
  logger: Logger;
  tracer?: Tracer;
  /** Answers whether the database takes queries, for the `allot_database_up` gauge. */
  databaseUp?: () => Promise<boolean>;
  /** The PostgreSQL pool's connections, for `allot_db_pool_connections`. */
  poolStats?: () => { total: number; idle: number; waiting: number };
}): Telemetry {
  const { logger, tracer } = options;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['operation', 'outcome'] as const;
  const requests = new Counter({ name: 'allot_graphql_requests_total', help: 'GraphQL requests by operation and outcome', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'allot_graphql_request_duration_seconds',
    help: 'GraphQL request duration by operation and outcome',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const inFlight = new Gauge({ name: 'allot_graphql_requests_in_flight', help: 'GraphQL requests being served now', registers: [registry] });
  const cost = new Histogram({
    name: 'allot_graphql_query_cost',
    help: 'Actual query cost per executed request',
    buckets: [1, 5, 10, 25, 50, 100, 250, 500],
    registers: [registry],
  });
  if (options.databaseUp) {
    const databaseUp = options.databaseUp;
    new Gauge({
      name: 'allot_database_up',
      help: '1 when the database answers a query, 0 when it does not',
      registers: [registry],
      async collect() {
        this.set((await databaseUp()) ? 1 : 0);
      },
    });
  }

  if (options.poolStats) {
    const poolStats = options.poolStats;
    new Gauge({
      name: 'allot_db_pool_connections',
      help: 'PostgreSQL pool connections: total open, idle, and requests waiting for one',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const stats = poolStats();
        this.set({ state: 'total' }, stats.total);
        this.set({ state: 'idle' }, stats.idle);
        this.set({ state: 'waiting' }, stats.waiting);
      },
    });
  }

  const states = new WeakMap<Request, RequestState>();
  const contexts = new WeakMap<object, RequestState>();

  const plugin: Plugin = {
    onRequest({ request }) {
      const presented = request.headers.get('x-request-id');
      const state: RequestState = {
        id: presented && REQUEST_ID.test(presented) ? presented : randomUUID(),
        startedAt: process.hrtime.bigint(),
        outcome: 'ok',
      };
      state.span = tracer?.startSpan('graphql.request', { attributes: { 'allot.request_id': state.id } });
      states.set(request, state);
      inFlight.inc();
    },
    onParams({ params, request }) {
      const state = states.get(request);
      if (state && typeof params.operationName === 'string') state.operationName = params.operationName.slice(0, 100);
    },
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const state = request ? states.get(request) : undefined;
      if (!state) return;
      contexts.set(args.contextValue as object, state);
      state.operation = operationLabel(args.document, args.operationName);
      state.operationName ??= getOperationAST(args.document, args.operationName)?.name?.value;
    },
    onResultProcess({ request, result }) {
      const state = states.get(request);
      if (!state) return;
      const errors = (Array.isArray(result) ? result : [result]).flatMap((one) => (one as { errors?: unknown[] })?.errors ?? []);
      if (errors.length > 0) {
        const code = (errors[0] as { extensions?: { code?: unknown } }).extensions?.code;
        state.outcome = typeof code === 'string' ? code : 'GRAPHQL_ERROR';
      }
    },
    onResponse({ request, response }) {
      const state = states.get(request);
      if (!state) return;
      states.delete(request);
      inFlight.dec();
      response.headers.set('x-request-id', state.id);
      const seconds = Number(process.hrtime.bigint() - state.startedAt) / 1e9;
      const url = new URL(request.url);
      const operation = state.operation ?? (url.pathname === '/graphql' ? 'none' : url.pathname);
      const outcome = response.status >= 500 && state.outcome === 'ok' ? 'HTTP_' + response.status : state.outcome;
      requests.inc({ operation, outcome });
      duration.observe({ operation, outcome }, seconds);
      if (state.cost) cost.observe(state.cost.actualQueryCost);
      if (state.span) {
        state.span.setAttributes({
          'graphql.operation.name': state.operationName ?? '',
          'graphql.operation.fields': operation,
          'http.response.status_code': response.status,
          'allot.outcome': outcome,
        });
        state.span.end();
      }
      logger.info(
        {
          requestId: state.id,
          method: request.method,
          path: url.pathname,
          operationName: state.operationName,
          operation,
          status: response.status,
          outcome,
          durationMs: Math.round(seconds * 1000 * 10) / 10,
          cost: state.cost ? { requested: state.cost.requestedQueryCost, actual: state.cost.actualQueryCost } : undefined,
        },
        'request',
      );
    },
  };

  return {
    logger,
    registry,
    noteCost(context, reported) {
      const state = context && typeof context === 'object' ? contexts.get(context) : undefined;
      if (state) state.cost = reported;
    },
    plugin,
  };
}


/**
 * Prices each operation before it runs and reports it after, as Shopify's API does:
 * - requested cost = Pothos' cost of the selected operation (src/graphql/field-cost.ts: a list
 *   costs its selection times its `first`), refused over `maxCost` (QUERY_TOO_COMPLEX) and over
 *   `maxBreadth` fields (QUERY_TOO_BROAD), both HTTP 400;
 * - the requested cost is taken from the API key's bucket (./rate-limit.ts); a key without enough
 *   left gets THROTTLED, HTTP 429 with Retry-After;
 * - actual cost = the objects the response really holds (a page of 3 where 100 were asked costs 3
 *   rows, not 100); the difference is refunded;
 * - every response carries `extensions.cost { requestedQueryCost, actualQueryCost, throttleStatus }`.
 */
import { complexityFromQuery, type ComplexityResult } from '@pothos/plugin-complexity';
import { getOperationAST, Kind, type DocumentNode, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { QueryLimits } from '../config.js';
import type { RateLimiter, ThrottleStatus } from './rate-limit.js';
import { refusal } from './refusal.js';

export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number;
  throttleStatus?: ThrottleStatus;
}

/** The cost of the operation that will run (not merely the document's first one), or undefined
 * when its variables are invalid: execution reports that itself, with a better message. */
export function operationCost(
  document: DocumentNode,
  operationName: string | null | undefined,
  options: { schema: Parameters<typeof complexityFromQuery>[1]['schema']; ctx: object; variables?: Record<string, unknown> | null },
): ComplexityResult | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined;
  const single: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [operation, ...document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION)],
  };
  try {
    return complexityFromQuery(single, { schema: options.schema, ctx: options.ctx, variables: options.variables ?? {} });
  } catch {
    return undefined;
  }
}

/** An edge ({ node, cursor }) only wraps its node, which is counted itself, as in fieldCost. */
function isEdge(value: object): boolean {
  return Object.keys(value).every((key) => key === 'node' || key === 'cursor');
}

function countObjects(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + countObjects(item), 0);
  if (value === null || typeof value !== 'object') return 0;
  const own = isEdge(value) ? 0 : 1;
  return own + Object.values(value).reduce((sum: number, child) => sum + countObjects(child), 0);
}

/**
 * One point per object present in the response's `data` (scalars are free, as in fieldCost):
 * what the request actually made the server do. A page of 3 where 100 were asked costs 3.
 */
export function countResolvedObjects(data: unknown): number {
  if (data === null || typeof data !== 'object') return 0;
  return Object.values(data).reduce((sum: number, field) => sum + countObjects(field), 0);
}

export interface QueryCostOptions {
  limits: Pick<QueryLimits, 'maxCost' | 'maxBreadth'>;
  /** Absent: no throttling, but cost is still measured, limited and reported. */
  limiter?: RateLimiter;
  /** Whose bucket a request spends: the API key's id; undefined for anonymous requests. */
  bucketKey(context: unknown): string | undefined;
  /** Told the cost of each executed request (for metrics and logs). */
  onCost?(context: unknown, cost: QueryCost): void;
  /** Runs before pricing, e.g. to put what the data bounds on the context (./category-cost-hints.ts). */
  prepare?(document: DocumentNode, context: unknown): Promise<void> | void;
}

function withCost(result: ExecutionResult, cost: QueryCost): ExecutionResult {
  return { ...result, extensions: { ...result.extensions, cost } };
}

export function queryCostPlugin(options: QueryCostOptions): Plugin {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      await options.prepare?.(args.document, args.contextValue);
      const measured = operationCost(args.document, args.operationName, {
        schema: args.schema,
        ctx: args.contextValue as object,
        variables: args.variableValues as Record<string, unknown> | undefined,
      });
      if (!measured) return;
      const requested = measured.complexity;
      const refuse = (error: ReturnType<typeof refusal>, throttleStatus?: ThrottleStatus) => {
        const cost: QueryCost = { requestedQueryCost: requested, actualQueryCost: 0, ...(throttleStatus ? { throttleStatus } : {}) };
        options.onCost?.(args.contextValue, cost);
        setResultAndStopExecution(withCost({ errors: [error] }, cost));
      };
      if (requested > options.limits.maxCost) {
        return refuse(
          refusal('QUERY_TOO_COMPLEX', `Query cost ${requested} is over the limit of ${options.limits.maxCost}; ask for smaller pages (first) or fewer fields`, 400, {
            extensions: { cost: requested, maxCost: options.limits.maxCost },
          }),
        );
      }
      if (measured.breadth > options.limits.maxBreadth) {
        return refuse(
          refusal('QUERY_TOO_BROAD', `The query selects ${measured.breadth} fields; the limit is ${options.limits.maxBreadth}`, 400, {
            extensions: { breadth: measured.breadth, maxBreadth: options.limits.maxBreadth },
          }),
        );
      }
      const key = options.limiter ? options.bucketKey(args.contextValue) : undefined;
      let throttleStatus: ThrottleStatus | undefined;
      let charged = false;
      if (options.limiter && key) {
        const taken = await options.limiter.take(key, requested);
        if (!taken.allowed) {
          return refuse(
            refusal('THROTTLED', `Throttled: this query costs ${requested} and ${taken.status.currentlyAvailable} is available; retry in ${taken.retryAfterSeconds} s`, 429, {
              headers: { 'Retry-After': String(taken.retryAfterSeconds) },
              extensions: { retryAfterSeconds: taken.retryAfterSeconds },
            }),
            taken.status,
          );
        }
        throttleStatus = taken.status;
        charged = !taken.uncharged;
      }
      return {
        onExecuteDone({ result, setResult }) {
          if (!('data' in result) && !('errors' in result)) return; // a stream: not used by Allot
          const single = result as ExecutionResult;
          const actual = Math.min(requested, countResolvedObjects(single.data));
          if (options.limiter && key && charged) throttleStatus = options.limiter.refund(key, requested - actual);
          const cost: QueryCost = { requestedQueryCost: requested, actualQueryCost: actual, ...(throttleStatus ? { throttleStatus } : {}) };
          options.onCost?.(args.contextValue, cost);
          setResult(withCost(single, cost));
        },
      };
    },
  };
}

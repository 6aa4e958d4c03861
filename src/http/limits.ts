/**
 * Limits on the shape of a document, applied while it is parsed and validated, before any
 * resolver runs: depth (fragments flattened, so a fragment is no free extra level nor a way to
 * hide one), aliases, tokens, directives, and field suggestions hidden where configured. Each
 * refusal is a top-level error with its own code and HTTP 400. Cost and breadth need the
 * variables, so they are checked just before execution (./query-cost.ts); the time limit on the
 * whole execution is `requestTimeoutPlugin` below.
 */
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import type { GraphQLError, ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { QueryLimits } from '../config.js';
import { refusal } from './refusal.js';

/** Armor reports "Syntax Error: …" without a code; this re-issues its refusal with ours. */
function rejectWith(code: string) {
  return (context: ValidationContext | null, error: GraphQLError): void => {
    const coded = refusal(code, error.message.replace(/^Syntax Error: /, ''), 400);
    // During validation the error is reported and validation goes on; the token limit runs inside
    // the parser, where there is no validation context, so it throws.
    if (context) context.reportError(coded);
    else throw coded;
  };
}

export function documentLimitPlugins(limits: QueryLimits, options: { hideFieldSuggestions: boolean }): Plugin[] {
  const reject = (code: string) => ({ propagateOnRejection: false, onReject: [rejectWith(code)] });
  const armor = new EnvelopArmor({
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...reject('QUERY_TOO_DEEP') },
    maxAliases: { n: limits.maxAliases, ...reject('TOO_MANY_ALIASES') },
    maxTokens: { n: limits.maxTokens, ...reject('TOO_MANY_TOKENS') },
    maxDirectives: { n: limits.maxDirectives, ...reject('TOO_MANY_DIRECTIVES') },
    blockFieldSuggestion: { enabled: options.hideFieldSuggestions },
    // Cost is Pothos' (it reads `first`); see src/graphql/field-cost.ts.
    costLimit: { enabled: false },
  });
  return armor.protect().plugins as Plugin[];
}

/**
 * Aborts the execution of a request that runs longer than `timeoutMs` and answers a top-level
 * REQUEST_TIMEOUT (HTTP 503). Resolvers not yet started never start; a database statement already
 * running ends at PostgreSQL's statement_timeout, and its transaction rolls back.
 */
export function requestTimeoutPlugin(timeoutMs: number): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (args) => {
        const controller = new AbortController();
        const outer = (args as { signal?: AbortSignal }).signal;
        outer?.addEventListener('abort', () => controller.abort(outer.reason), { once: true });
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            const error = refusal('REQUEST_TIMEOUT', `The request ran longer than ${timeoutMs} ms and was stopped`, 503);
            controller.abort(error);
            reject(error);
          }, timeoutMs);
        });
        try {
          return await Promise.race([executeFn({ ...args, signal: controller.signal } as typeof args), timedOut]);
        } finally {
          clearTimeout(timer);
        }
      });
    },
  };
}

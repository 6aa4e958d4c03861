/**
 * Who may run what, decided before any resolver runs:
 * - anonymous callers (no Authorization header) may only introspect, and only when introspection
 *   is `public` (development); everything else is UNAUTHENTICATED (401);
 * - introspection `off` refuses it even with a key (INTROSPECTION_DISABLED, 403);
 * - trusted documents: with a manifest, only its operations run, sent by hash
 *   (`extensions.persistedQuery.sha256Hash`, Apollo's format);
 * - CSRF: a POST a browser would send without a CORS preflight (form, multipart or text bodies)
 *   must carry the `X-Allot-CSRF` header (any value), so another site cannot make a browser
 *   write. JSON POSTs are preflighted by browsers and need nothing; GET needs nothing either: it
 *   runs queries only (yoga answers a mutation over GET with 405) and the API has no ambient
 *   credentials (docs/hardening.md, "CSRF", has the reasoning).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { AccessConfig } from '../config.js';
import { refusal } from './refusal.js';

export const CSRF_HEADER = 'x-allot-csrf';

export function unauthenticated(message: string) {
  return refusal('UNAUTHENTICATED', message, 401, { headers: { 'WWW-Authenticate': 'Bearer' } });
}

function rootFields(selectionSet: SelectionSetNode): string[] | undefined {
  const names: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) names.push(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const inner = rootFields(selection.selectionSet);
      if (!inner) return undefined;
      names.push(...inner);
    } else return undefined; // a named fragment at the root: judged conservatively as not introspection
  }
  return names;
}

/** True when every root field is __schema, __type or __typename. */
export function isIntrospectionOnly(operation: OperationDefinitionNode): boolean {
  const names = rootFields(operation.selectionSet);
  return operation.operation === 'query' && names !== undefined && names.every((name) => name.startsWith('__'));
}

function asksForIntrospection(operation: OperationDefinitionNode): boolean {
  const names = rootFields(operation.selectionSet) ?? [];
  return names.includes('__schema') || names.includes('__type');
}

/**
 * @param isAnonymous tells whether the request came without an API key (its context has no viewer)
 */
export function accessPlugin(config: Pick<AccessConfig, 'introspection'>, isAnonymous: (context: unknown) => boolean): Plugin {
  const check = (args: { document: unknown; operationName?: string | null; contextValue: unknown }) => {
    const operation = getOperationAST(args.document as DocumentNode, args.operationName);
    if (!operation) return;
    if (isAnonymous(args.contextValue)) {
      if (config.introspection === 'public' && isIntrospectionOnly(operation)) return;
      throw unauthenticated('Missing API key: send "Authorization: Bearer <api key>"');
    }
    if (config.introspection === 'off' && asksForIntrospection(operation)) {
      throw refusal('INTROSPECTION_DISABLED', 'Introspection is disabled on this server', 403);
    }
  };
  return {
    onExecute: ({ args }) => check(args),
    // Subscriptions never pass through onExecute: without this hook an anonymous subscription
    // would reach its resolver with no viewer.
    onSubscribe: ({ args }) => check(args),
  };
}

/**
 * Re-issues the CSRF plugin's refusal with a code clients can branch on. GET passes: it cannot
 * write (queries only), and a cross-site GET carries no API key, because keys are bearer headers
 * that only a page's own script sets (which makes its request a preflighted CORS request). So
 * urql's and Apollo's GET queries work with their defaults.
 */
export function csrfPlugin(): Plugin {
  const inner = useCSRFPrevention({ requestHeaders: [CSRF_HEADER] });
  return {
    onRequestParse(payload) {
      if (payload.request.method === 'GET' || payload.request.method === 'HEAD') return;
      try {
        return inner.onRequestParse?.(payload);
      } catch {
        throw refusal(
          'CSRF_HEADER_MISSING',
          `Requests that are not application/json (GET, forms, multipart) must send the "${CSRF_HEADER}" header`,
          403,
        );
      }
    },
  };
}

export type PersistedManifest = Map<string, string>;

/** Reads {sha256: document} and checks each hash, so a stale manifest fails at start, not per request. */
export function loadPersistedManifest(path: string): PersistedManifest {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${path}: expected a JSON object {sha256: document}`);
  const manifest: PersistedManifest = new Map();
  for (const [hash, document] of Object.entries(parsed)) {
    if (typeof document !== 'string') throw new Error(`${path}: the document for ${hash} is not a string`);
    const actual = createHash('sha256').update(document).digest('hex');
    if (actual !== hash.toLowerCase()) throw new Error(`${path}: ${hash} is not the sha256 of its document (${actual})`);
    manifest.set(actual, document);
  }
  return manifest;
}

export function persistedOperationsPlugin(manifest: PersistedManifest): Plugin {
  const required = { message: 'This server runs only its trusted documents: send extensions.persistedQuery.sha256Hash, not a query', extensions: { code: 'PERSISTED_OPERATION_REQUIRED', http: { status: 403 } } };
  return usePersistedOperations({
    allowArbitraryOperations: false,
    getPersistedOperation: (hash) => manifest.get(hash.toLowerCase()) ?? null,
    customErrors: {
      persistedQueryOnly: required,
      keyNotFound: required,
      notFound: { message: 'No trusted document has this hash', extensions: { code: 'PERSISTED_OPERATION_NOT_FOUND', http: { status: 400 } } },
    },
  }) as Plugin;
}

/**
 * The last touch on every response's errors:
 * - every top-level error carries an `extensions.code`: graphql-js reports bad variables and an
 *   unknown operation name without one; those are the caller's mistakes, so BAD_USER_INPUT;
 * - where configured (production), "Did you mean …?" hints are removed from every message, not
 *   only field suggestions (armor's plugin): enum values and input fields leak the schema too.
 */
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

function reshape(error: GraphQLError, hideSuggestions: boolean): GraphQLError {
  const code = error.extensions?.code;
  const message = hideSuggestions ? error.message.replace(SUGGESTION, '') : error.message;
  if (code !== undefined && message === error.message) return error;
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code: code ?? 'BAD_USER_INPUT' },
  });
}

export function errorShapePlugin(options: { hideSuggestions: boolean }): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !result || typeof result !== 'object' || !('errors' in result)) return;
      const single = result as ExecutionResult;
      if (!single.errors?.length) return;
      setResult({ ...single, errors: single.errors.map((error) => reshape(error, options.hideSuggestions)) });
    },
  };
}

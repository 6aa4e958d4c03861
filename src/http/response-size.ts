/**
 * The bound on the size of any response (ALLOT_MAX_RESPONSE_ITEMS list items, default 5000). Each
 * execution gets a fresh ResponseBudget on its context (src/graphql/response-budget.ts counts the
 * lists against it while they resolve); when it is spent, a query or a subscription event is
 * answered with one top-level RESPONSE_TOO_LARGE (HTTP 400) and none of the partial data. A
 * mutation keeps its partial result beside the error: its writes may have committed, and the
 * caller must still see which.
 */
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ResponseBudget, type WithResponseBudget } from '../graphql/response-budget.js';

export function responseSizePlugin(maxItems: number): Plugin {
  const attach = (context: unknown): ResponseBudget => {
    const budget = new ResponseBudget(maxItems);
    (context as WithResponseBudget).responseBudget = budget;
    return budget;
  };
  return {
    onExecute({ args }) {
      const budget = attach(args.contextValue);
      const mutation = getOperationAST(args.document, args.operationName)?.operation === 'mutation';
      return {
        onExecuteDone({ result, setResult }) {
          if (!budget.exceeded || !('data' in result || 'errors' in result)) return;
          if (mutation) return;
          setResult({ errors: [budget.exceeded] });
        },
      };
    },
    onSubscribe({ args }) {
      attach(args.contextValue);
    },
  };
}

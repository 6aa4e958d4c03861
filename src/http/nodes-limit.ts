/**
 * `nodes(ids:)` takes at most MAX_PAGE_SIZE (100) ids, like a page of any list; more is refused
 * before anything runs with a top-level TOO_MANY_IDS (HTTP 400), naming the limit. Before, 1500
 * ids cost 1 and twenty such requests stalled a replica; they are also priced per id now
 * (src/graphql/field-cost.ts), so several `nodes` fields in one document add up against the cost
 * limit. Checked on the root selection (where `nodes` lives), through fragments, with the
 * request's variables.
 */
import { getOperationAST, Kind, type DocumentNode, type FieldNode, type SelectionSetNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { MAX_PAGE_SIZE } from '../graphql/paging.js';
import { refusal } from './refusal.js';

export const MAX_NODES_IDS = MAX_PAGE_SIZE;

function rootFields(document: DocumentNode, selectionSet: SelectionSetNode, seen = new Set<string>()): FieldNode[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFields(document, selection.selectionSet, seen);
    const name = selection.name.value;
    if (seen.has(name)) return [];
    seen.add(name);
    const fragment = document.definitions.find((definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === name);
    return fragment && fragment.kind === Kind.FRAGMENT_DEFINITION ? rootFields(document, fragment.selectionSet, seen) : [];
  });
}

/** How many ids a `nodes` field asks for: a list literal, or a variable's value. */
function idCount(field: FieldNode, variables: Record<string, unknown> | undefined): number {
  const value = field.arguments?.find((argument) => argument.name.value === 'ids')?.value;
  if (!value) return 0;
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind === Kind.VARIABLE) {
    const given = variables?.[value.name.value];
    return Array.isArray(given) ? given.length : 0;
  }
  return 1;
}

export function nodesLimitPlugin(maxIds = MAX_NODES_IDS): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation || operation.operation !== 'query') return;
      for (const field of rootFields(args.document, operation.selectionSet)) {
        if (field.name.value !== 'nodes') continue;
        const count = idCount(field, args.variableValues as Record<string, unknown> | undefined);
        if (count > maxIds) {
          setResultAndStopExecution({
            errors: [
              refusal('TOO_MANY_IDS', `nodes takes at most ${maxIds} ids; ${count} were sent: ask in batches of ${maxIds}`, 400, {
                extensions: { maxIds, ids: count },
              }),
            ],
          });
          return;
        }
      }
    },
  };
}

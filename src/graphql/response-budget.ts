/**
 * The bound on the size of one response, enforced while it is being built. Every list a resolver
 * returns is counted against the request's budget of list items before graphql-js completes its
 * items; once the budget is spent, every further list field throws RESPONSE_TOO_LARGE at once, so
 * the response stops growing instead of filling the heap. (A 1000-deep category chain made
 * `path { path { path { id } } }` grow the heap to 4 GB, at a requested cost of 4: the cost is an
 * estimate made before anything runs, this is the net under it.)
 *
 * Lists are what multiply a response: an object outside a list is bounded by the document itself
 * (its breadth and depth limits), so counting list items bounds the number of objects.
 *
 * A Pothos plugin so that only list fields are wrapped (object and scalar fields, the hot path,
 * keep their resolvers untouched).
 */
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { GraphQLError, type GraphQLFieldResolver } from 'graphql';

export class ResponseBudget {
  private spent = 0;
  /** The refusal, once the budget is spent: the HTTP layer answers it instead of the partial data. */
  exceeded: GraphQLError | undefined;

  constructor(readonly maxItems: number) {}

  /** Counts a resolved list's items; throws once the response would hold more than `maxItems`. */
  count<T>(value: T): T {
    if (!Array.isArray(value)) return value;
    this.spent += value.length;
    if (this.spent > this.maxItems) {
      this.exceeded ??= new GraphQLError(
        `The response would hold more than ${this.maxItems} list items; ask for less (smaller pages, fewer nested lists)`,
        { extensions: { code: 'RESPONSE_TOO_LARGE', maxItems: this.maxItems, http: { status: 400 } } },
      );
      throw this.exceeded;
    }
    return value;
  }

  /** A subscription executes each event with the same context: each event is its own response. */
  reset(): void {
    this.spent = 0;
    this.exceeded = undefined;
  }
}

/** Where a request's budget lives on its context (set per execution by src/http/response-size.ts). */
export interface WithResponseBudget {
  responseBudget?: ResponseBudget;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

export class ResponseBudgetPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (fieldConfig.type.kind !== 'List') return resolver;
    return (parent, args, context, info) => {
      const budget = (context as WithResponseBudget).responseBudget;
      if (!budget) return resolver(parent, args, context, info);
      if (budget.exceeded) throw budget.exceeded;
      const result = resolver(parent, args, context, info);
      return isThenable(result) ? Promise.resolve(result).then((value) => budget.count(value)) : budget.count(result);
    };
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Pothos' plugin registry is this namespace
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      responseBudget: ResponseBudgetPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin('responseBudget', ResponseBudgetPlugin);

const pluginName = 'responseBudget' as const;
export default pluginName;

/**
 * The one mutation pipeline. A mutation declares what it is — its name, its input fields, the
 * input fields that hold global ids, the service operation it runs (whose exported error list
 * becomes its result union), whether it takes an idempotency key, and what its success payload
 * keeps — and this file does the rest, the same way for every mutation:
 *
 *   decode ids → open a unit of work → (idempotency key) → service → commit → after-commit effects
 *   (events) → fresh request loaders → success payload, or the typed error as a union member.
 *
 * No type file opens transactions, applies idempotency, publishes events or clears loaders.
 * A service that throws a DomainError its mutation does not declare is a bug: it is reported to
 * `undeclaredErrors` (tests fail on it) and answered as a masked internal error, as before.
 */
import type { InputFieldMap, InputShapeFromFields, ObjectRef } from '@pothos/core';
import type { GraphQLResolveInfo } from 'graphql';
import { DomainError, InvalidIdError, InvalidInputError } from '../domain/errors.js';
import type { Prisma } from '../generated/prisma/client.js';
import { withIdempotency, type Outcome } from '../services/core/idempotency.js';
import type { ErrorClass, Service } from '../services/core/service.js';
import { runUnitOfWork } from '../services/core/unit-of-work.js';
import { builder } from './builder.js';
import type { Context } from './context.js';
import { decodeIdOf } from './global-id.js';
import { IDEMPOTENCY_ERRORS, idempotencyKeyField, withCanonicalDecimals } from './idempotency.js';
import { undeclaredErrors } from './undeclared-errors.js';
import { createLoaders } from './loaders/index.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
export type InputFieldBuilder = PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- payloads are any JSON object
type Json = Prisma.InputJsonValue & Record<string, any>;

export interface MutationSpec<Fields extends InputFieldMap, ServiceInput, Result, Payload extends Json> {
  /** The mutation field; its input type is `<Name>Input`, its union `<Name>Result`, its success `<Name>Success`. */
  name: string;
  description?: string;
  inputDescription?: string;
  input: (t: InputFieldBuilder) => Fields;
  /**
   * Input fields holding global ids, with the type each must name. The pipeline decodes them to
   * uuids before the service runs (INVALID_ID when malformed or of another type); an omitted or
   * null field stays omitted or null.
   */
  ids?: Partial<Record<keyof Fields & string, string>>;
  /** Adds `idempotencyKey` to the input; a retry with the same key and input replays the first outcome. */
  idempotent?: boolean;
  service: Service<ServiceInput, Result>;
  /** Turns the decoded GraphQL input into the service's input (default: the input as it is). */
  serviceInput?: (input: InputShapeFromFields<Fields>, ctx: Context) => ServiceInput;
  /** Errors `serviceInput` can throw beyond INVALID_ID (e.g. INVALID_INPUT for a contradictory input). */
  inputErrors?: readonly ErrorClass[];
  /**
   * Union members the service cannot actually return, kept so the published schema (which
   * clients generate code from) does not change. New mutations leave this out.
   */
  alsoDeclares?: readonly ErrorClass[];
  /**
   * A batch mutation's number of rows: the mutation is priced per row (its selection times the
   * rows, as a list by its `first`), so a batch of 100 costs what 100 single mutations would.
   */
  batchSize?: (input: InputShapeFromFields<Fields>) => number;
  /** What identifies the request for its idempotency key, when the input itself cannot (a file). */
  fingerprint?: (input: InputShapeFromFields<Fields>) => Promise<Record<string, unknown>>;
  /** The success payload: what of the result it keeps (JSON, since an idempotent replay returns it). */
  payload: (result: Result, input: InputShapeFromFields<Fields>) => Payload;
  /**
   * Builds the success type under the name it is given (see ./payloads.ts); `succeeded` is the
   * generic first sentence of its description ("createAccount succeeded.").
   */
  success: (name: string, succeeded?: string) => ObjectRef<Types, Payload>;
}

/** Every mutation defined through the pipeline, with what its union declares (the error-contract test reads it). */
export const definedMutations = new Map<string, { declared: readonly ErrorClass[]; serviceErrors: readonly ErrorClass[] }>();

const capitalize = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * What the client gets for an error the service threw: a declared DomainError goes into the
 * result union as it is; an undeclared one is a bug, recorded in `undeclaredErrors` and turned into
 * an internal error (masked, as every unexpected error).
 */
export function declaredOrMasked(mutation: string, declared: readonly ErrorClass[], error: unknown): unknown {
  if (!(error instanceof DomainError) || declared.some((cls) => error instanceof cls)) return error;
  undeclaredErrors.push({ mutation, error: error.name });
  return new Error(`${mutation} threw ${error.name}, which its result union does not declare: ${error.message}`);
}

/** Decodes the declared id fields in place of their global ids. */
function decodeIds<Input extends Record<string, unknown>>(input: Input, ids: Partial<Record<string, string>>): Input {
  const decoded: Record<string, unknown> = { ...input };
  for (const [field, typename] of Object.entries(ids)) {
    const value = decoded[field];
    if (typeof value === 'string') decoded[field] = decodeIdOf(typename!, value, field);
  }
  return decoded as Input;
}

export function defineMutation<Fields extends InputFieldMap, ServiceInput, Result, Payload extends Json>(
  spec: MutationSpec<Fields, ServiceInput, Result, Payload>,
): void {
  const typeName = capitalize(spec.name);
  const declared: ErrorClass[] = [
    ...new Set([
      ...(spec.ids ? [InvalidIdError] : []),
      ...(spec.inputErrors ?? []),
      ...spec.service.errors,
      ...(spec.idempotent ? [InvalidInputError, ...IDEMPOTENCY_ERRORS] : []),
      ...(spec.alsoDeclares ?? []),
    ]),
  ];
  definedMutations.set(spec.name, { declared, serviceErrors: spec.service.errors });
  const InputType = builder.inputType(`${typeName}Input`, {
    description: spec.inputDescription ?? `Input of ${spec.name}.`,
    fields: (t) => ({ ...spec.input(t), ...(spec.idempotent ? { idempotencyKey: idempotencyKeyField(t) } : {}) }) as Fields,
  });
  const Success = spec.success(`${typeName}Success`, `${spec.name} succeeded.`);

  // Pothos cannot infer this generic field's types through the errors plugin; the field is typed
  // loosely here, and MutationSpec's own types check each mutation's parts against each other.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const errorTypes = declared as unknown as Array<new (...args: any[]) => Error>;
  builder.mutationField(spec.name, (t) =>
    t.field({
      type: Success,
      description: spec.description,
      ...(spec.batchSize
        ? { complexity: (args: { input: InputShapeFromFields<Fields> }) => ({ field: 1, multiplier: Math.max(1, spec.batchSize!(args.input)) }) }
        : {}),
      args: { input: t.arg({ type: InputType, required: true, description: `What ${spec.name} is asked to do.` }) },
      errors: {
        types: errorTypes,
        union: { description: `What ${spec.name} answers: its success or one of its typed errors.` },
      },
      resolve: async (_root: unknown, args: { input: unknown }, ctx: Context, info: GraphQLResolveInfo) => {
        const input = args.input as InputShapeFromFields<Fields> & { idempotencyKey?: string | null };
        try {
          const decoded = spec.ids ? decodeIds(input, spec.ids) : input;
          const serviceInput = spec.serviceInput ? spec.serviceInput(decoded, ctx) : (decoded as unknown as ServiceInput);
          // What the idempotency key is checked against: the input with its amounts in one spelling.
          const inputType = info.parentType.getFields()[info.fieldName]!.args.find((arg) => arg.name === 'input')!.type;
          const canonical = withCanonicalDecimals(input, inputType) as typeof input;
          const identity = spec.fingerprint && input.idempotencyKey != null ? await spec.fingerprint(canonical) : canonical;
          const outcome: Outcome<Payload> = await runUnitOfWork({ db: ctx.db, viewer: ctx.viewer, events: ctx.events }, (uow) =>
            withIdempotency(uow, spec.name, identity, async (scope) => spec.payload(await spec.service(scope, serviceInput), input)),
          );
          if ('error' in outcome) throw outcome.error;
          return outcome.ok;
        } catch (error) {
          throw declaredOrMasked(spec.name, declared, error);
        } finally {
          // The write may have changed anything cached for this request; later fields and later
          // mutations of the same request read afresh.
          ctx.loaders = createLoaders(ctx.db, ctx.viewer);
        }
      },
    } as never),
  );
}

/**
 * Success payloads of mutations (see ./mutation.ts). A payload keeps only ids, so an idempotent
 * replay (which stores the payload as JSON) answers exactly like the first call; its fields re-read
 * the object after commit with the client's selection.
 */
import type { ObjectRef } from '@pothos/core';
import type PrismaTypes from '../generated/pothos-types.js';
import { builder } from './builder.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
type ModelName = keyof PrismaTypes & string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one lookup for every model's delegate
const delegateOf = (db: any, model: ModelName) => db[model.charAt(0).toLowerCase() + model.slice(1)];

/**
 * `{ <field>: <Model> }`, re-read by id. `key` names the id in the stored payload; it stays as it
 * was first published (`accountId`, `entryId` …) so replays of stored outcomes keep working.
 */
export function recordPayload<Key extends string>(field: string, model: ModelName, key: Key, description?: string) {
  return (name: string, succeeded?: string): ObjectRef<Types, Record<Key, string>> =>
    builder.objectRef<Record<Key, string>>(name).implement({
      description: description ?? `${succeeded ?? 'The mutation succeeded.'} Carries the ${model} as it is after the change.`,
      fields: (t) => ({
        [field]: t.prismaField({
          type: model,
          description: `The ${model}, read after the change was committed, with the client's selection.`,
          resolve: (query, payload, _args, ctx) => delegateOf(ctx.db, model).findUniqueOrThrow({ ...query, where: { id: payload[key] } }),
        }),
      }),
    });
}

/** `{ deletedId }`: the global id of what was deleted, as the client sent it. */
export function deletedPayload(description?: string) {
  return (name: string, succeeded?: string): ObjectRef<Types, { deletedId: string }> =>
    builder.objectRef<{ deletedId: string }>(name).implement({
      description: `${succeeded ?? 'The mutation succeeded.'} Carries the global id of what was deleted.`,
      fields: (t) => ({
        deletedId: t.exposeID('deletedId', { description: description ?? 'The global id of what was deleted, as the client sent it.' }),
      }),
    });
}

const COMMITTED_ROW = Symbol('the row as the write committed it');

/**
 * Keeps the row a write committed beside its payload, so a selection of the row's own columns is
 * answered without reading it again. A symbol is not JSON: a payload replayed from its
 * idempotency record has no row and re-reads, as before.
 */
export function withCommittedRow<Payload extends object>(payload: Payload, row: object): Payload {
  Object.defineProperty(payload, COMMITTED_ROW, { value: row, enumerable: false });
  return payload;
}

/**
 * The committed row when the client's selection needs nothing beyond its columns (Pothos' `query`
 * names no relation to include), otherwise `read()` with that selection.
 */
export function committedRowOr<Row>(query: object, payload: object, read: () => Promise<Row>): Promise<Row> {
  const row = (payload as { [COMMITTED_ROW]?: Row })[COMMITTED_ROW];
  return row && Object.keys(query).length === 0 ? Promise.resolve(row) : read();
}

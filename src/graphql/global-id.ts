/**
 * Opaque Relay ids: base64url("Type:uuid"). Decoding checks the shape and, where a type is
 * expected, the type, so a malformed id becomes INVALID_ID and never reaches PostgreSQL's uuid
 * parser, and an id of another type cannot be smuggled into a field.
 */
import { GraphQLError } from 'graphql';
import { InvalidIdError } from '../domain/errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeGlobalId(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${id}`).toString('base64url');
}

function parse(globalId: string): { typename: string; id: string } | undefined {
  if (typeof globalId !== 'string' || globalId.length > 200) return undefined;
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator <= 0) return undefined;
  const typename = decoded.slice(0, separator);
  const id = decoded.slice(separator + 1);
  if (!/^[A-Za-z]+$/.test(typename) || !UUID.test(id)) return undefined;
  return { typename, id: id.toLowerCase() };
}

let nodeTypes: ReadonlySet<string> | undefined;

/**
 * Told once the schema is built (schema.ts) which object types implement Node. Without it, an id
 * naming another type reached Pothos's node loader, which answered "Organization does not support
 * loading by id" (leaking a type name) or, for a type that does not exist, crashed into a masked
 * "Unexpected error.". We never issue such ids, so they are malformed.
 */
export function setNodeTypes(names: Iterable<string>): void {
  nodeTypes = new Set(names);
}

/** Used by `node`/`nodes`: a malformed id is the caller's mistake, reported as BAD_USER_INPUT. */
export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  const parsed = parse(globalId);
  if (!parsed || (nodeTypes && !nodeTypes.has(parsed.typename))) throw new GraphQLError(`"${String(globalId).slice(0, 100)}" is not a valid id`, { extensions: { code: 'BAD_USER_INPUT' } });
  return parsed;
}

/** Used by mutation inputs: returns the uuid of an id of `typename`, or throws InvalidIdError. */
export function decodeIdOf(typename: string, globalId: string, field = 'id'): string {
  const parsed = parse(globalId);
  if (!parsed || parsed.typename !== typename) throw new InvalidIdError(typename, field);
  return parsed.id;
}

export function decodeOptionalIdOf(typename: string, globalId: string | null | undefined, field: string): string | null | undefined {
  if (globalId === undefined || globalId === null) return globalId;
  return decodeIdOf(typename, globalId, field);
}

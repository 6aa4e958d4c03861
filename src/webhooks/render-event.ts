/**
 * An event's `data`: the object as the API shows it (global ids, decimal strings, enums as the
 * schema spells them), obtained by running `node(id:)` on the GraphQL schema itself with a
 * selection built from the type: every scalar and enum field, `{ id }` of each related node, and
 * small nested objects (a Period). Lists and connections are left out: a webhook names what
 * changed; the receiver queries for more. A deleted object is a tombstone `{ __typename, id }`.
 */
import { execute, getNamedType, getNullableType, isInterfaceType, isLeafType, isListType, isObjectType, parse, type DocumentNode, type GraphQLObjectType } from 'graphql';
import type { Db } from '../db/open.js';
import type { Context } from '../graphql/context.js';
import { encodeGlobalId } from '../graphql/global-id.js';
import { createLoaders } from '../graphql/loaders/index.js';
import { schema } from '../graphql/schema.js';
import type { Prisma, WebhookEvent } from '../generated/prisma/client.js';

function implementsNode(type: GraphQLObjectType): boolean {
  return type.getInterfaces().some((iface) => iface.name === 'Node');
}

function selectionOf(type: GraphQLObjectType, nested: boolean): string {
  const parts: string[] = ['__typename'];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((arg) => arg.type.toString().endsWith('!') && arg.defaultValue === undefined)) continue;
    const nullable = getNullableType(field.type);
    if (isListType(nullable)) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) parts.push(field.name);
    else if (nested) continue;
    else if (isObjectType(named) && implementsNode(named)) parts.push(`${field.name} { id }`);
    else if (isInterfaceType(named) && named.name === 'Node') parts.push(`${field.name} { id }`);
    else if (isObjectType(named) && !named.name.endsWith('Connection')) parts.push(`${field.name} { ${selectionOf(named, true)} }`);
  }
  return parts.join(' ');
}

const documents = new Map<string, DocumentNode>();

function documentFor(typename: string): DocumentNode {
  let document = documents.get(typename);
  if (!document) {
    const type = schema.getType(typename);
    if (!isObjectType(type)) throw new Error(`Webhook events cannot render ${typename}: not an object type`);
    document = parse(`query WebhookEventData($id: ID!) { node(id: $id) { ... on ${typename} { ${selectionOf(type, false)} } } }`);
    documents.set(typename, document);
  }
  return document;
}

function tombstone(event: WebhookEvent): Prisma.InputJsonObject {
  return { __typename: event.entityType, id: encodeGlobalId(event.entityType, event.entityId) };
}

/** `data` of the event: the object now (read as its organization), or its tombstone, with the event's details. */
export async function renderEventData(db: Db, event: WebhookEvent): Promise<Prisma.InputJsonObject> {
  const details = (event.details ?? {}) as Prisma.InputJsonObject;
  if (event.type.endsWith('.deleted')) return { ...tombstone(event), ...details };
  const viewer = { organizationId: event.organizationId, userId: null };
  // Only reads run here: nothing publishes, uploads or subscribes.
  const context = {
    db,
    viewer,
    apiKeyId: null,
    loaders: createLoaders(db, viewer),
    events: { publish() {} },
  } as unknown as Context;
  const result = await execute({
    schema,
    document: documentFor(event.entityType),
    contextValue: context,
    variableValues: { id: encodeGlobalId(event.entityType, event.entityId) },
  });
  if (result.errors?.length) throw new Error(`rendering ${event.type} failed: ${result.errors[0]!.message}`);
  const node = (result.data as { node: Prisma.InputJsonObject | null } | undefined)?.node;
  return { ...(node ?? tombstone(event)), ...details };
}

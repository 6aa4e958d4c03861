/**
 * `changes(after, types, first)`: the organization's change feed (services/core/change-feed.ts
 * explains the order and why a stored cursor never misses a change).
 */
import { CHANGE_FEED_TYPES, DEFAULT_CHANGES_PAGE, MAX_CHANGES_PAGE, readChanges, type Change, type ChangePage } from '../../services/core/change-feed.js';
import { builder } from '../builder.js';
import { encodeGlobalId } from '../global-id.js';
import { describedValues } from './enums.js';

const ChangeOperationEnum = builder.enumType('ChangeOperation', {
  description: 'What a change did to its object.',
  values: describedValues(['CREATED', 'UPDATED', 'DELETED'] as const, {
    CREATED: 'The object was created.',
    UPDATED: 'The object was changed (edited, posted, unposted, cancelled, closed, moved, or a file attached).',
    DELETED: 'The object was deleted; `node` is null (a tombstone).',
  }),
});

const ChangeType = builder.objectRef<Change>('Change').implement({
  description: 'One created, updated or deleted object, in the order the feed hands changes out.',
  fields: (t) => ({
    type: t.exposeString('type', { description: `The GraphQL type of the object: one of ${CHANGE_FEED_TYPES.join(', ')}.` }),
    id: t.id({ description: 'The object\'s global id (as `node(id:)` takes it), also for a deleted object.', resolve: (change) => encodeGlobalId(change.type, change.entityId) }),
    operation: t.field({ type: ChangeOperationEnum, description: 'Whether the object was created, updated or deleted.', resolve: (change) => change.operation }),
    at: t.expose('at', { type: 'DateTime', description: 'When the change was written (inside its transaction; the feed\'s order is commit-safe, not this time).' }),
    node: t.node({
      description: 'The object as it is now; null for DELETED, and for an object deleted since (its DELETED change follows).',
      id: (change) => (change.operation === 'DELETED' ? null : encodeGlobalId(change.type, change.entityId)),
    }),
  }),
});

const ChangePageType = builder.objectRef<ChangePage>('ChangePage').implement({
  description: 'A page of the change feed. Store `cursor` and pass it as `after` next time: every later change comes after it.',
  fields: (t) => ({
    nodes: t.field({ type: [ChangeType], description: 'The changes, oldest first, one per object and transaction within the page (what one transaction did to an object is one change; docs/sync.md says how a transaction straddling pages shows); empty when nothing new is ready.', resolve: (page) => page.changes }),
    cursor: t.exposeString('cursor', { description: 'Opaque: where the next read resumes (after the last change of this page, or where `after` was when the page is empty).' }),
    hasMore: t.exposeBoolean('hasMore', { description: 'More changes are ready now: read again with `cursor` at once. False: poll later.' }),
  }),
});

builder.queryField('changes', (t) =>
  t.field({
    type: ChangePageType,
    description:
      'Every object of the organization that was created, updated or deleted, oldest first, in an order in which a later commit never lands ' +
      'before a cursor already handed out: a client that stores `cursor` and replays from it ends with exactly the current state. ' +
      'Refusals (top-level errors with `extensions.field`): INVALID_INPUT for a malformed `after` or `first`, UNKNOWN_VALUE for an unknown type name.',
    args: {
      after: t.arg.string({ description: 'A `cursor` this feed answered; omitted: from the beginning.' }),
      types: t.arg.stringList({ description: `Only changes of these GraphQL types, e.g. ["Budget", "Expense"]; any of ${CHANGE_FEED_TYPES.join(', ')}.` }),
      first: t.arg.int({ defaultValue: DEFAULT_CHANGES_PAGE, description: `How many changes at most, 1 to ${MAX_CHANGES_PAGE} (default ${DEFAULT_CHANGES_PAGE}).` }),
    },
    resolve: (_root, args, ctx) => readChanges(ctx.db, ctx.viewer, args),
  }),
);

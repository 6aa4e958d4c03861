/**
 * History of a record or transfer (CRM `changelog`): who, when, what, from → to. Loaded through
 * the request's changelog DataLoader, so any number of records in one response cost one query.
 */
import type { ChangeAction } from '../../generated/prisma/client.js';
import { builder } from '../builder.js';
import { encodeGlobalId } from '../global-id.js';
import type { ChangelogEventWithUser } from '../loaders/index.js';
import { describedValues } from './enums.js';
import { UserType } from './user.js';

export const ChangeActionEnum = builder.enumType('ChangeAction', {
  description: 'What a changelog event did to its object.',
  values: describedValues(['NEW', 'UPDATED', 'POSTED', 'UNPOSTED', 'DELETED', 'CANCELLED', 'CLOSED', 'MOVED'] as const satisfies readonly ChangeAction[], {
    NEW: 'The object was created; `comment` sums it up (e.g. the amount), `changes` is empty.',
    UPDATED: 'Fields were changed; `changes` lists each with its old and new value.',
    POSTED: 'An expense or income was posted, or a transfer\'s money moved.',
    UNPOSTED: 'An expense or income was unposted: the reversal of its posting.',
    DELETED: 'The object was deleted; its history stays.',
    CANCELLED: 'A transfer was cancelled (CRM "unmove"); a posted one moved its money back.',
    CLOSED: 'An account was closed.',
    MOVED: 'A category was moved under another parent (or to the root); `changes` holds parentId.',
  }),
});

/** Stored changes name other objects by uuid; the API shows the same global ids clients use. */
const ID_FIELDS: Record<string, string> = {
  accountId: 'Account',
  fromAccountId: 'Account',
  toAccountId: 'Account',
  categoryId: 'Category',
  parentId: 'Category',
  counterpartyId: 'Counterparty',
  budgetId: 'Budget',
};

interface FieldChange {
  field: string;
  from: string | null;
  to: string | null;
}

function present(field: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const typename = ID_FIELDS[field];
  if (typename && typeof value === 'string') return encodeGlobalId(typename, value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function fieldChanges(event: ChangelogEventWithUser): FieldChange[] {
  const changes = (event.changes ?? {}) as Record<string, { from?: unknown; to?: unknown }>;
  // jsonb keeps no key order; sort so the same event always reads the same.
  return Object.entries(changes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([field, change]) => ({
    field,
    from: present(field, change?.from),
    to: present(field, change?.to),
  }));
}

const FieldChangeType = builder.objectRef<FieldChange>('FieldChange').implement({
  description: 'One field changed by an event. Money is a decimal string, dates YYYY-MM-DD, references global ids.',
  fields: (t) => ({
    field: t.exposeString('field', { description: 'The name of the changed field, e.g. "amount", "plannedDate", "accountId".' }),
    from: t.exposeString('from', { nullable: true, description: 'The value before the change; null when the field was empty.' }),
    to: t.exposeString('to', { nullable: true, description: 'The value after the change; null when the change cleared the field.' }),
  }),
});

export const ChangelogEventType = builder.objectRef<ChangelogEventWithUser>('ChangelogEvent').implement({
  description: 'One change to a record, in the same transaction as the change itself.',
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime', description: 'When the change was committed.' }),
    action: t.expose('action', { type: ChangeActionEnum, description: 'What the change did.' }),
    user: t.field({
      type: UserType,
      nullable: true,
      description: 'Who made the change; null for system actions (demo seeding, CLI imports).',
      resolve: (event) => event.user,
    }),
    comment: t.exposeString('comment', {
      nullable: true,
      description: 'A summary for a person to read, e.g. "Posted expense of 12665.00 RUB" (CRM changelog "comment"); null when the event has none.',
    }),
    changes: t.field({ type: [FieldChangeType], description: 'The fields the change set, by field name; empty when it set none (e.g. NEW, POSTED).', resolve: fieldChanges }),
  }),
});

/**
 * History of a record or transfer (CRM `changelog`): who, when, what, from → to. Loaded through
 * the request's changelog DataLoader, so any number of records in one response cost one query.
 */
import type { ChangeAction } from '../../generated/prisma/client.js';
import { builder } from '../builder.js';
import { encodeGlobalId } from '../global-id.js';
import type { ChangelogEventWithUser } from '../loaders/index.js';
import { UserType } from './user.js';

export const ChangeActionEnum = builder.enumType('ChangeAction', {
  values: ['NEW', 'UPDATED', 'POSTED', 'UNPOSTED', 'DELETED', 'CANCELLED', 'CLOSED', 'MOVED'] as const satisfies readonly ChangeAction[],
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
    field: t.exposeString('field'),
    from: t.exposeString('from', { nullable: true }),
    to: t.exposeString('to', { nullable: true }),
  }),
});

export const ChangelogEventType = builder.objectRef<ChangelogEventWithUser>('ChangelogEvent').implement({
  description: 'One change to a record, in the same transaction as the change itself.',
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime' }),
    action: t.expose('action', { type: ChangeActionEnum }),
    user: t.field({ type: UserType, nullable: true, resolve: (event) => event.user }),
    comment: t.exposeString('comment', { nullable: true }),
    changes: t.field({ type: [FieldChangeType], resolve: fieldChanges }),
  }),
});

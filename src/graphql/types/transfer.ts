/**
 * Transfers between accounts (CRM "move" / "unmove"): transferFunds, postTransfer, cancelTransfer
 * and the `transfers` connection.
 */
import { formatMoney } from '../../domain/money.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { cancelTransfer, postTransfer, transferFunds } from '../../services/ledger/transfers.js';
import { builder, PAGING } from '../builder.js';
import type { Context } from '../context.js';
import { decodeIdOf } from '../global-id.js';
import { defineMutation } from '../mutation.js';
import { recordPayload } from '../payloads.js';
import { ChangelogEventType } from './changelog-event.js';

export const TransferType = builder.prismaNode('Transfer', {
  id: { field: 'id' },
  description: 'Money moved between two accounts of one currency (CRM "перемещение").',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    title: t.exposeString('title', { description: 'A short name for the transfer, e.g. "Cash to bank".' }),
    description: t.exposeString('description', { nullable: true, description: 'Free text about the transfer; null when none was given.' }),
    amount: t.field({
      type: 'Decimal',
      description: 'How much moves, greater than zero, in `currency` with its decimals, e.g. "250.00".',
      select: { amountMinor: true, currency: true },
      resolve: (transfer) => formatMoney(transfer.amountMinor, transfer.currency),
    }),
    currency: t.exposeString('currency', { description: 'ISO 4217 code shared by both accounts, e.g. "EUR".' }),
    fromAccount: t.relation('fromAccount', { description: 'The source account: the money leaves it when the transfer is posted.' }),
    toAccount: t.relation('toAccount', { description: 'The target account: the money arrives on it when the transfer is posted.' }),
    posted: t.exposeBoolean('posted', { description: 'The money has moved (and the transfer is not cancelled).' }),
    postedAt: t.expose('postedAt', { type: 'DateTime', nullable: true, description: 'When the money moved; null while planned and after cancelling.' }),
    cancelled: t.boolean({
      description: 'Whether cancelTransfer cancelled it (CRM "unmove"); a cancelled transfer stays in the history, unposted.',
      select: { cancelledAt: true }, resolve: (transfer) => transfer.cancelledAt !== null }),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true, description: 'When it was cancelled; null unless cancelled.' }),
    author: t.relation('author', { nullable: true, description: 'Who recorded the transfer; null for system actions (demo seeding, CLI imports).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the transfer was recorded.' }),
    changelog: t.field({
      type: [ChangelogEventType],
      description: 'Every change to this transfer, oldest first.',
      resolve: (transfer, _args, ctx) => ctx.loaders.changelog.load(transfer.id),
    }),
  }),
});

const TransferFilterInput = builder.inputType('TransferFilter', {
  description: 'Which transfers to list. The given fields combine with AND; an omitted field does not filter.',
  fields: (t) => ({
    accountId: t.id({ description: 'Transfers from or to this account.' }),
    posted: t.boolean({ description: 'true: only transfers whose money has moved; false: only planned or cancelled ones.' }),
    cancelled: t.boolean({ description: 'true: only cancelled transfers; false: only transfers not cancelled.' }),
  }),
});

function transferWhere(ctx: Context, filter: typeof TransferFilterInput.$inferInput | null | undefined): Prisma.TransferWhereInput {
  const where: Prisma.TransferWhereInput = { organizationId: ctx.viewer.organizationId };
  if (filter?.accountId != null) {
    const accountId = decodeIdOf('Account', filter.accountId, 'filter.accountId');
    where.OR = [{ fromAccountId: accountId }, { toAccountId: accountId }];
  }
  if (filter?.posted != null) where.posted = filter.posted;
  if (filter?.cancelled != null) where.cancelledAt = filter.cancelled ? { not: null } : null;
  return where;
}

builder.queryField('transfers', (t) =>
  t.prismaConnection({
    type: 'Transfer',
    cursor: 'id',
    ...PAGING,
    description: 'Transfers, newest first.',
    args: { filter: t.arg({ type: TransferFilterInput, description: 'Only transfers matching this; all when omitted.' }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.transfer.findMany({ ...query, where: transferWhere(ctx, args.filter), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    totalCount: (_root, args, ctx) => ctx.db.transfer.count({ where: transferWhere(ctx, args.filter) }),
  }),
);

builder.prismaObjectFields('Account', (t) => ({
  outgoingTransfers: t.relatedConnection('transfersOut', {
    description: 'Transfers taking money from this account (planned, posted and cancelled), newest first.',
    cursor: 'id',
    ...PAGING,
    query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
    totalCount: true,
  }),
  incomingTransfers: t.relatedConnection('transfersIn', {
    description: 'Transfers bringing money to this account (planned, posted and cancelled), newest first.',
    cursor: 'id',
    ...PAGING,
    query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
    totalCount: true,
  }),
}));

const transferPayload = recordPayload('transfer', 'Transfer', 'transferId');

defineMutation({
  name: 'transferFunds',
  description: 'CRM "move".',
  input: (t) => ({
    fromAccountId: t.id({ required: true, description: 'The open account the money leaves (global id).' }),
    toAccountId: t.id({ required: true, description: 'The open account the money goes to (global id): another account, in the same currency.' }),
    amount: t.field({ type: 'Decimal', required: true, description: 'In the accounts\' currency, greater than zero.' }),
    title: t.string({ required: true, description: 'A short name for the transfer; trimmed, 1–500 characters.' }),
    description: t.string({ description: 'Free text, at most 10 000 characters.' }),
    post: t.boolean({ description: 'Move the money now (CRM do: "on"); refused with INSUFFICIENT_FUNDS if the source lacks it.' }),
  }),
  ids: { fromAccountId: 'Account', toAccountId: 'Account' },
  idempotent: true,
  service: transferFunds,
  payload: (transfer) => ({ transferId: transfer.id }),
  success: transferPayload,
});

defineMutation({
  name: 'postTransfer',
  description: 'Moves the money of a transfer recorded without `post`.',
  input: (t) => ({ id: t.id({ required: true, description: 'The global id of the planned transfer to post.' }) }),
  ids: { id: 'Transfer' },
  idempotent: true,
  service: postTransfer,
  payload: (transfer) => ({ transferId: transfer.id }),
  success: transferPayload,
});

defineMutation({
  name: 'cancelTransfer',
  description: 'CRM "unmove": refused with INSUFFICIENT_FUNDS when the target no longer holds the money.',
  input: (t) => ({ id: t.id({ required: true, description: 'The global id of the transfer to cancel; a posted one moves its money back to the source.' }) }),
  ids: { id: 'Transfer' },
  service: cancelTransfer,
  payload: (transfer) => ({ transferId: transfer.id }),
  success: transferPayload,
});

/**
 * Transfers between accounts (CRM "move" / "unmove"): transferFunds, postTransfer, cancelTransfer
 * and the `transfers` connection.
 */
import {
  AccountClosedError,
  AlreadyPostedError,
  CurrencyMismatchError,
  InsufficientFundsError,
  InvalidAmountError,
  InvalidIdError,
  NotFoundError,
  SameAccountError,
  TransferCancelledError,
} from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { withIdempotency } from '../../services/idempotency.js';
import { cancelTransfer, postTransfer, transferFunds } from '../../services/transfers.js';
import { builder, PAGING } from '../builder.js';
import type { Context } from '../context.js';
import { decodeIdOf } from '../global-id.js';
import { IDEMPOTENCY_ERRORS, idempotencyKeyField } from '../idempotency.js';
import { ChangelogEventType } from './changelog-event.js';
import { COMMON_ERRORS } from './errors.js';

export const TransferType = builder.prismaNode('Transfer', {
  id: { field: 'id' },
  description: 'Money moved between two accounts of one currency (CRM "перемещение").',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    title: t.exposeString('title'),
    description: t.exposeString('description', { nullable: true }),
    amount: t.field({
      type: 'Decimal',
      select: { amountMinor: true, currency: true },
      resolve: (transfer) => formatMoney(transfer.amountMinor, transfer.currency),
    }),
    currency: t.exposeString('currency'),
    fromAccount: t.relation('fromAccount'),
    toAccount: t.relation('toAccount'),
    posted: t.exposeBoolean('posted', { description: 'The money has moved (and the transfer is not cancelled).' }),
    postedAt: t.expose('postedAt', { type: 'DateTime', nullable: true }),
    cancelled: t.boolean({ select: { cancelledAt: true }, resolve: (transfer) => transfer.cancelledAt !== null }),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true }),
    author: t.relation('author', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    changelog: t.field({
      type: [ChangelogEventType],
      description: 'Every change to this transfer, oldest first.',
      resolve: (transfer, _args, ctx) => ctx.loaders.changelog.load(transfer.id),
    }),
  }),
});

const TransferFilterInput = builder.inputType('TransferFilter', {
  fields: (t) => ({
    accountId: t.id({ description: 'Transfers from or to this account.' }),
    posted: t.boolean(),
    cancelled: t.boolean(),
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
    args: { filter: t.arg({ type: TransferFilterInput }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.transfer.findMany({ ...query, where: transferWhere(ctx, args.filter), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    totalCount: (_root, args, ctx) => ctx.db.transfer.count({ where: transferWhere(ctx, args.filter) }),
  }),
);

builder.prismaObjectFields('Account', (t) => ({
  outgoingTransfers: t.relatedConnection('transfersOut', {
    cursor: 'id',
    ...PAGING,
    query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
    totalCount: true,
  }),
  incomingTransfers: t.relatedConnection('transfersIn', {
    cursor: 'id',
    ...PAGING,
    query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
    totalCount: true,
  }),
}));

function transferPayload(name: string) {
  return builder.objectRef<{ transferId: string }>(name).implement({
    fields: (t) => ({
      transfer: t.prismaField({
        type: 'Transfer',
        resolve: (query, payload, _args, ctx) => ctx.db.transfer.findUniqueOrThrow({ ...query, where: { id: payload.transferId } }),
      }),
    }),
  });
}

const TransferFundsInput = builder.inputType('TransferFundsInput', {
  fields: (t) => ({
    fromAccountId: t.id({ required: true }),
    toAccountId: t.id({ required: true }),
    amount: t.field({ type: 'Decimal', required: true, description: 'In the accounts\' currency, greater than zero.' }),
    title: t.string({ required: true }),
    description: t.string(),
    post: t.boolean({ description: 'Move the money now (CRM do: "on"); refused with INSUFFICIENT_FUNDS if the source lacks it.' }),
    idempotencyKey: idempotencyKeyField(t),
  }),
});

builder.mutationField('transferFunds', (t) =>
  t.field({
    type: transferPayload('TransferFundsSuccess'),
    description: 'CRM "move".',
    args: { input: t.arg({ type: TransferFundsInput, required: true }) },
    errors: {
      types: [
        ...COMMON_ERRORS,
        InvalidAmountError,
        SameAccountError,
        CurrencyMismatchError,
        AccountClosedError,
        InsufficientFundsError,
        ...IDEMPOTENCY_ERRORS,
      ],
    },
    resolve: (_root, { input }, ctx) =>
      withIdempotency(ctx, 'transferFunds', input, async (db) => {
        const transfer = await transferFunds(db, ctx.viewer, {
          ...input,
          fromAccountId: decodeIdOf('Account', input.fromAccountId, 'fromAccountId'),
          toAccountId: decodeIdOf('Account', input.toAccountId, 'toAccountId'),
        });
        return { transferId: transfer.id };
      }),
  }),
);

const TransferIdInput = (name: string) => builder.inputType(name, { fields: (t) => ({ id: t.id({ required: true }) }) });

const PostTransferInput = builder.inputType('PostTransferInput', {
  fields: (t) => ({ id: t.id({ required: true }), idempotencyKey: idempotencyKeyField(t) }),
});

builder.mutationField('postTransfer', (t) =>
  t.field({
    type: transferPayload('PostTransferSuccess'),
    description: 'Moves the money of a transfer recorded without `post`.',
    args: { input: t.arg({ type: PostTransferInput, required: true }) },
    errors: {
      types: [
        ...COMMON_ERRORS,
        AlreadyPostedError,
        TransferCancelledError,
        AccountClosedError,
        InsufficientFundsError,
        ...IDEMPOTENCY_ERRORS,
      ],
    },
    resolve: (_root, { input }, ctx) =>
      withIdempotency(ctx, 'postTransfer', input, async (db) => {
        const transfer = await postTransfer(db, ctx.viewer, { id: decodeIdOf('Transfer', input.id, 'id') });
        return { transferId: transfer.id };
      }),
  }),
);

builder.mutationField('cancelTransfer', (t) =>
  t.field({
    type: transferPayload('CancelTransferSuccess'),
    description: 'CRM "unmove": refused with INSUFFICIENT_FUNDS when the target no longer holds the money.',
    args: { input: t.arg({ type: TransferIdInput('CancelTransferInput'), required: true }) },
    errors: { types: [InvalidIdError, NotFoundError, TransferCancelledError, AccountClosedError, InsufficientFundsError] },
    resolve: async (_root, { input }, ctx) => {
      const transfer = await cancelTransfer(ctx.db, ctx.viewer, { id: decodeIdOf('Transfer', input.id, 'id') });
      return { transferId: transfer.id };
    },
  }),
);

import { AccountClosedError, AccountNotEmptyError, InvalidAmountError, UnknownCurrencyError } from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import { closeAccount, createAccount, updateAccount } from '../../services/accounts.js';
import { withIdempotency } from '../../services/idempotency.js';
import { builder, PAGING } from '../builder.js';
import { decodeIdOf } from '../global-id.js';
import { IDEMPOTENCY_ERRORS, idempotencyKeyField } from '../idempotency.js';
import { COMMON_ERRORS } from './errors.js';

export const AccountType = builder.prismaNode('Account', {
  id: { field: 'id' },
  description: 'A bank account or cash box (CRM "р/сч") holding money in one currency.',
  // A foreign organization's id resolves exactly like a missing one.
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    name: t.exposeString('name'),
    bank: t.exposeString('bank', { nullable: true }),
    currency: t.exposeString('currency', { description: 'ISO 4217 code; every amount on this account is in it.' }),
    openingBalance: t.field({
      type: 'Decimal',
      select: { openingBalanceMinor: true, currency: true },
      resolve: (account) => formatMoney(account.openingBalanceMinor, account.currency),
    }),
    balance: t.field({
      type: 'Decimal',
      description: 'Opening balance + posted incomes − posted expenses ± posted transfers.',
      select: { balanceMinor: true, currency: true },
      resolve: (account) => formatMoney(account.balanceMinor, account.currency),
    }),
    closed: t.boolean({ select: { closedAt: true }, resolve: (account) => account.closedAt !== null }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('accounts', (t) =>
  t.prismaConnection({
    type: 'Account',
    cursor: 'id',
    ...PAGING,
    args: { includeClosed: t.arg.boolean({ defaultValue: false, description: 'Also list closed accounts.' }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.account.findMany({
        ...query,
        where: { organizationId: ctx.viewer.organizationId, ...(args.includeClosed ? {} : { closedAt: null }) },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
    totalCount: (_root, args, ctx) =>
      ctx.db.account.count({
        where: { organizationId: ctx.viewer.organizationId, ...(args.includeClosed ? {} : { closedAt: null }) },
      }),
  }),
);

/** Mutation payloads carry the id and re-read the account with the client's selection. */
function accountPayload(name: string) {
  return builder.objectRef<{ accountId: string }>(name).implement({
    fields: (t) => ({
      account: t.prismaField({
        type: 'Account',
        resolve: (query, payload, _args, ctx) => ctx.db.account.findUniqueOrThrow({ ...query, where: { id: payload.accountId } }),
      }),
    }),
  });
}

const CreateAccountInput = builder.inputType('CreateAccountInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    bank: t.string(),
    currency: t.string({ required: true, description: 'ISO 4217, e.g. "EUR", "RUB".' }),
    openingBalance: t.field({ type: 'Decimal', description: 'Defaults to "0".' }),
    idempotencyKey: idempotencyKeyField(t),
  }),
});

builder.mutationField('createAccount', (t) =>
  t.field({
    type: accountPayload('CreateAccountSuccess'),
    args: { input: t.arg({ type: CreateAccountInput, required: true }) },
    errors: { types: [...COMMON_ERRORS, UnknownCurrencyError, InvalidAmountError, ...IDEMPOTENCY_ERRORS] },
    resolve: (_root, { input }, ctx) =>
      withIdempotency(ctx, 'createAccount', input, async (db) => ({ accountId: (await createAccount(db, ctx.viewer, input)).id })),
  }),
);

const UpdateAccountInput = builder.inputType('UpdateAccountInput', {
  description: 'Partial: an omitted field is kept; bank: null clears it. Currency and opening balance never change.',
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string(),
    bank: t.string(),
  }),
});

builder.mutationField('updateAccount', (t) =>
  t.field({
    type: accountPayload('UpdateAccountSuccess'),
    args: { input: t.arg({ type: UpdateAccountInput, required: true }) },
    errors: { types: [...COMMON_ERRORS] },
    resolve: async (_root, { input }, ctx) => {
      const account = await updateAccount(ctx.db, ctx.viewer, { ...input, id: decodeIdOf('Account', input.id, 'id') });
      return { accountId: account.id };
    },
  }),
);

const CloseAccountInput = builder.inputType('CloseAccountInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

builder.mutationField('closeAccount', (t) =>
  t.field({
    type: accountPayload('CloseAccountSuccess'),
    args: { input: t.arg({ type: CloseAccountInput, required: true }) },
    errors: { types: [...COMMON_ERRORS, AccountClosedError, AccountNotEmptyError] },
    resolve: async (_root, { input }, ctx) => {
      const account = await closeAccount(ctx.db, ctx.viewer, { id: decodeIdOf('Account', input.id, 'id') });
      return { accountId: account.id };
    },
  }),
);

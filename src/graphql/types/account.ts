import { InvalidIdError, InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import { closeAccount, createAccount, updateAccount } from '../../services/ledger/accounts.js';
import { builder, PAGING } from '../builder.js';
import { defineMutation } from '../mutation.js';
import { recordPayload } from '../payloads.js';

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
    description: 'The organization\'s accounts, oldest first; closed ones only with includeClosed.',
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

const accountPayload = recordPayload('account', 'Account', 'accountId');

defineMutation({
  name: 'createAccount',
  input: (t) => ({
    name: t.string({ required: true }),
    bank: t.string(),
    currency: t.string({ required: true, description: 'ISO 4217, e.g. "EUR", "RUB".' }),
    openingBalance: t.field({ type: 'Decimal', description: 'Defaults to "0".' }),
  }),
  idempotent: true,
  service: createAccount,
  alsoDeclares: [InvalidIdError, NotFoundError],
  payload: (account) => ({ accountId: account.id }),
  success: accountPayload,
});

defineMutation({
  name: 'updateAccount',
  inputDescription: 'Partial: an omitted field is kept; bank: null clears it. Currency and opening balance never change.',
  input: (t) => ({ id: t.id({ required: true }), name: t.string(), bank: t.string() }),
  ids: { id: 'Account' },
  service: updateAccount,
  payload: (account) => ({ accountId: account.id }),
  success: accountPayload,
});

defineMutation({
  name: 'closeAccount',
  input: (t) => ({ id: t.id({ required: true }) }),
  ids: { id: 'Account' },
  service: closeAccount,
  alsoDeclares: [InvalidInputError],
  payload: (account) => ({ accountId: account.id }),
  success: accountPayload,
});

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
    name: t.exposeString('name', { description: 'The account\'s name as people know it, e.g. "Main bank account" or "Cash box".' }),
    bank: t.exposeString('bank', { nullable: true, description: 'The bank that holds the account, as free text; null for a cash box or when not given.' }),
    currency: t.exposeString('currency', { description: 'ISO 4217 code; every amount on this account is in it.' }),
    openingBalance: t.field({
      type: 'Decimal',
      description: 'What the account held when it was opened in Allot, e.g. "1500.00", with the currency\'s decimals; fixed at creation.',
      select: { openingBalanceMinor: true, currency: true },
      resolve: (account) => formatMoney(account.openingBalanceMinor, account.currency),
    }),
    balance: t.field({
      type: 'Decimal',
      description: 'Opening balance + posted incomes − posted expenses ± posted transfers.',
      select: { balanceMinor: true, currency: true },
      resolve: (account) => formatMoney(account.balanceMinor, account.currency),
    }),
    closed: t.boolean({
      description: 'Whether the account is closed: it then takes no new records, transfers or postings.',
      select: { closedAt: true }, resolve: (account) => account.closedAt !== null }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true, description: 'When closeAccount closed it; null while open.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the account was opened in Allot.' }),
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
  description: 'Opens an account in one currency, with an optional opening balance. The currency and opening balance cannot change later.',
  input: (t) => ({
    name: t.string({ required: true, description: 'The account\'s name; trimmed, 1–500 characters.' }),
    bank: t.string({ description: 'The bank that holds it, as free text, at most 500 characters; omit for a cash box.' }),
    currency: t.string({ required: true, description: 'ISO 4217, e.g. "EUR", "RUB".' }),
    openingBalance: t.field({
      type: 'Decimal',
      description: 'What the account holds at the start, in its currency with at most the currency\'s decimals ("1500.00" for EUR, "1500" for JPY); zero or more. Defaults to "0".',
    }),
  }),
  idempotent: true,
  service: createAccount,
  alsoDeclares: [InvalidIdError, NotFoundError],
  payload: (account) => ({ accountId: account.id }),
  success: accountPayload,
});

defineMutation({
  name: 'updateAccount',
  description: 'Renames an account or changes its bank; the change is written to the changelog.',
  inputDescription: 'Partial: an omitted field is kept; bank: null clears it. Currency and opening balance never change.',
  input: (t) => ({
    id: t.id({ required: true, description: 'The global id of the account to change.' }),
    name: t.string({ description: 'The new name; trimmed, 1–500 characters. Omitted or null: kept.' }),
    bank: t.string({ description: 'The new bank, at most 500 characters. Omitted: kept; null or blank: cleared.' }),
  }),
  ids: { id: 'Account' },
  service: updateAccount,
  payload: (account) => ({ accountId: account.id }),
  success: accountPayload,
});

defineMutation({
  name: 'closeAccount',
  description:
    'Closes an account for good. Refused with ACCOUNT_NOT_EMPTY while its balance is not zero (move the money out first) and with ACCOUNT_IN_USE while unposted records or transfers name it (post or delete the records, post or cancel the transfers).',
  input: (t) => ({ id: t.id({ required: true, description: 'The global id of the account to close.' }) }),
  ids: { id: 'Account' },
  service: closeAccount,
  alsoDeclares: [InvalidInputError],
  payload: (account) => ({ accountId: account.id }),
  success: accountPayload,
});

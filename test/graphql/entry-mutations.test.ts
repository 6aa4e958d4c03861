/**
 * Every error code each ledger mutation can return, through yoga.fetch with a real API key, plus
 * the success shapes clients rely on (decimal strings, notPostedReason, the contract names).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/graphql/global-id.js';
import { closeAccount, createAccount } from '../../src/services/ledger/accounts.js';
import { createBudget } from '../../src/services/budgets/budgets.js';
import { createEntry } from '../../src/services/ledger/entries.js';
import { transferFunds } from '../../src/services/ledger/transfers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { ledgerScenario, ledgerSnapshot, type LedgerScenario } from '../support/ledger-fixtures.js';
import { runService } from '../../src/services/core/service.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const gid = encodeGlobalId;
const MISSING = '00000000-0000-4000-8000-000000000000';
const db = () => app.database.prisma;
const viewer = () => app.orgA.viewer;
const scenario = () => ledgerScenario(db(), viewer());

async function expense(s: LedgerScenario, amount = '100', extra: Record<string, unknown> = {}) {
  return (await runService(db(), viewer(), createEntry, { kind: 'EXPENSE', title: 'E', amount, accountId: s.cash.id, ...extra })).entry;
}
async function income(s: LedgerScenario, amount = '100', extra: Record<string, unknown> = {}) {
  return (await runService(db(), viewer(), createEntry, { kind: 'INCOME', title: 'I', amount, accountId: s.bank.id, ...extra })).entry;
}
async function budget(currency: string, limit: string, config: ('AUTO_FREEZE' | 'SPEND_ALERTS')[] = []) {
  return runService(db(), viewer(), createBudget, {
    name: 'B', type: 'GLOBAL', granularity: 'YEAR', dateFrom: new Date('2024-01-01T00:00:00Z'), dateTo: new Date('2024-12-31T00:00:00Z'), limit, currency, config,
  });
}
/** An account that held money, spent it all on a posted expense, and was closed. */
async function closedAfterSpending(s: LedgerScenario) {
  const spent = await expense(s, '1000', { post: true });
  await runService(db(), viewer(), closeAccount, { id: s.cash.id });
  return spent;
}

/**
 * An account closed while an unposted record or transfer names it. closeAccount refuses that
 * (ACCOUNT_IN_USE, also under races); data from before the rule can still hold one, and posting
 * it must then be refused.
 */
async function closedUnderUnposted(accountId: string) {
  await db().account.update({ where: { id: accountId }, data: { closedAt: new Date() } });
}

async function run(mutation: string, input: Record<string, unknown>) {
  const inputType = `${mutation.charAt(0).toUpperCase()}${mutation.slice(1)}Input`;
  const res = await app.gql(
    `mutation($input: ${inputType}!) { ${mutation}(input: $input) { __typename ... on Error { code message field } } }`,
    { input },
  );
  expect(res.errors).toBeUndefined();
  return res.data![mutation] as { __typename: string; code?: string; field?: string };
}

type Case = [mutation: string, code: string, setup: (s: LedgerScenario) => Promise<Record<string, unknown>>];

const expenseInput = (s: LedgerScenario, extra: Record<string, unknown> = {}) => ({
  title: 'Заправка принтера', amount: '10.00', accountId: gid('Account', s.cash.id), categoryId: gid('Category', s.rent.id), ...extra,
});
const incomeInput = (s: LedgerScenario, extra: Record<string, unknown> = {}) => ({
  title: 'Оплата', amount: '10.00', accountId: gid('Account', s.bank.id), categoryId: gid('Category', s.salesIncome.id), ...extra,
});
const transferInput = (s: LedgerScenario, extra: Record<string, unknown> = {}) => ({
  fromAccountId: gid('Account', s.cash.id), toAccountId: gid('Account', s.bank.id), amount: '10.00', title: 'Move', post: true, ...extra,
});

const cases: Case[] = [
  // createExpense
  ['createExpense', 'INVALID_ID', async (s) => expenseInput(s, { accountId: 'not-an-id' })],
  ['createExpense', 'INVALID_INPUT', async (s) => expenseInput(s, { title: '' })],
  ['createExpense', 'NOT_FOUND', async (s) => expenseInput(s, { categoryId: gid('Category', MISSING) })],
  ['createExpense', 'INVALID_AMOUNT', async (s) => expenseInput(s, { amount: '0' })],
  ['createExpense', 'ACCOUNT_CLOSED', async (s) => (await closedAfterSpending(s), expenseInput(s))],
  ['createExpense', 'CATEGORY_KIND_MISMATCH', async (s) => expenseInput(s, { categoryId: gid('Category', s.salesIncome.id) })],
  ['createExpense', 'CURRENCY_MISMATCH', async (s) => expenseInput(s, { budgetId: gid('Budget', (await budget('EUR', '1')).id) })],
  ['createExpense', 'BUDGET_FROZEN', async (s) =>
    expenseInput(s, { budgetId: gid('Budget', (await budget('RUB', '5', ['AUTO_FREEZE'])).id), plannedDate: '2024-03-01', post: true })],
  // createIncome
  ['createIncome', 'INVALID_ID', async (s) => incomeInput(s, { categoryId: gid('Account', s.cash.id) })],
  ['createIncome', 'INVALID_INPUT', async (s) => incomeInput(s, { budgetId: gid('Budget', (await budget('RUB', '1')).id) })],
  ['createIncome', 'NOT_FOUND', async (s) => incomeInput(s, { accountId: gid('Account', MISSING) })],
  ['createIncome', 'INVALID_AMOUNT', async (s) => incomeInput(s, { amount: '-1.00' })],
  ['createIncome', 'ACCOUNT_CLOSED', async (s) => (await runService(db(), viewer(), closeAccount, { id: s.bank.id }), incomeInput(s))],
  ['createIncome', 'CATEGORY_KIND_MISMATCH', async (s) => incomeInput(s, { categoryId: gid('Category', s.rent.id) })],
  // updateExpense
  ['updateExpense', 'INVALID_ID', async () => ({ id: 'bad' })],
  ['updateExpense', 'INVALID_INPUT', async (s) => ({ id: gid('Expense', (await expense(s)).id), title: null })],
  ['updateExpense', 'NOT_FOUND', async () => ({ id: gid('Expense', MISSING), title: 'x' })],
  ['updateExpense', 'INVALID_AMOUNT', async (s) => ({ id: gid('Expense', (await expense(s)).id), amount: '1.005' })],
  ['updateExpense', 'ACCOUNT_CLOSED', async (s) => {
    const empty = await runService(db(), viewer(), createAccount, { name: 'Empty', currency: 'RUB' });
    await runService(db(), viewer(), closeAccount, { id: empty.id });
    return { id: gid('Expense', (await expense(s)).id), accountId: gid('Account', empty.id) };
  }],
  ['updateExpense', 'CATEGORY_KIND_MISMATCH', async (s) => ({ id: gid('Expense', (await expense(s)).id), categoryId: gid('Category', s.salesIncome.id) })],
  ['updateExpense', 'CURRENCY_MISMATCH', async (s) => ({ id: gid('Expense', (await expense(s)).id), accountId: gid('Account', s.euro.id) })],
  ['updateExpense', 'INSUFFICIENT_FUNDS', async (s) => ({ id: gid('Expense', (await expense(s, '10', { post: true })).id), amount: '1000.01' })],
  ['updateExpense', 'BUDGET_FROZEN', async (s) => {
    const b = await budget('RUB', '10', ['AUTO_FREEZE']);
    const e = await expense(s, '10', { budgetId: b.id, plannedDate: new Date('2024-03-01T00:00:00Z'), post: true });
    return { id: gid('Expense', e.id), amount: '10.01' };
  }],
  // updateIncome
  ['updateIncome', 'INVALID_ID', async (s) => ({ id: gid('Expense', (await expense(s)).id) })],
  ['updateIncome', 'INVALID_INPUT', async (s) => ({ id: gid('Income', (await income(s)).id), accountId: null })],
  ['updateIncome', 'NOT_FOUND', async (s) => ({ id: gid('Income', (await expense(s)).id), title: 'expense id disguised as income' })],
  ['updateIncome', 'INVALID_AMOUNT', async (s) => ({ id: gid('Income', (await income(s)).id), amount: null })],
  ['updateIncome', 'ACCOUNT_CLOSED', async (s) => {
    const empty = await runService(db(), viewer(), createAccount, { name: 'Empty', currency: 'RUB' });
    await runService(db(), viewer(), closeAccount, { id: empty.id });
    return { id: gid('Income', (await income(s)).id), accountId: gid('Account', empty.id) };
  }],
  ['updateIncome', 'CATEGORY_KIND_MISMATCH', async (s) => ({ id: gid('Income', (await income(s)).id), categoryId: gid('Category', s.phone.id) })],
  ['updateIncome', 'CURRENCY_MISMATCH', async (s) => ({ id: gid('Income', (await income(s)).id), accountId: gid('Account', s.euro.id) })],
  ['updateIncome', 'INSUFFICIENT_FUNDS', async (s) => {
    const i = await income(s, '100', { post: true });
    await runService(db(), viewer(), createEntry, { kind: 'EXPENSE', title: 'spend', amount: '100', accountId: s.bank.id, post: true });
    return { id: gid('Income', i.id), amount: '50' };
  }],
  // postExpense
  ['postExpense', 'INVALID_ID', async () => ({ id: '' })],
  ['postExpense', 'NOT_FOUND', async () => ({ id: gid('Expense', MISSING) })],
  ['postExpense', 'ALREADY_POSTED', async (s) => ({ id: gid('Expense', (await expense(s, '1', { post: true })).id) })],
  ['postExpense', 'ACCOUNT_CLOSED', async (s) => {
    const planned = await expense(s, '1');
    await closedUnderUnposted(s.cash.id);
    return { id: gid('Expense', planned.id) };
  }],
  ['postExpense', 'INSUFFICIENT_FUNDS', async (s) => ({ id: gid('Expense', (await expense(s, '1000.01')).id) })],
  ['postExpense', 'CURRENCY_MISMATCH', async (s) => {
    const b = await budget('RUB', '100');
    const e = await expense(s, '1', { budgetId: b.id });
    // The budget's currency changed after the link (as a budget edit could do): posting re-checks it.
    await db().budget.update({ where: { id: b.id }, data: { currency: 'EUR' } });
    return { id: gid('Expense', e.id) };
  }],
  ['postExpense', 'BUDGET_FROZEN', async (s) => {
    const b = await budget('RUB', '1', ['AUTO_FREEZE']);
    return { id: gid('Expense', (await expense(s, '2', { budgetId: b.id, plannedDate: new Date('2024-06-01T00:00:00Z') })).id) };
  }],
  // postIncome
  ['postIncome', 'INVALID_ID', async () => ({ id: gid('Income', 'nope') })],
  ['postIncome', 'NOT_FOUND', async () => ({ id: gid('Income', MISSING) })],
  ['postIncome', 'ALREADY_POSTED', async (s) => ({ id: gid('Income', (await income(s, '1', { post: true })).id) })],
  ['postIncome', 'ACCOUNT_CLOSED', async (s) => {
    const i = await income(s);
    await closedUnderUnposted(s.bank.id);
    return { id: gid('Income', i.id) };
  }],
  // unpostExpense
  ['unpostExpense', 'INVALID_ID', async () => ({ id: 'x' })],
  ['unpostExpense', 'NOT_FOUND', async () => ({ id: gid('Expense', MISSING) })],
  ['unpostExpense', 'NOT_POSTED', async (s) => ({ id: gid('Expense', (await expense(s)).id) })],
  ['unpostExpense', 'ACCOUNT_CLOSED', async (s) => ({ id: gid('Expense', (await closedAfterSpending(s)).id) })],
  // unpostIncome
  ['unpostIncome', 'INVALID_ID', async () => ({ id: 'x' })],
  ['unpostIncome', 'NOT_FOUND', async () => ({ id: gid('Income', MISSING) })],
  ['unpostIncome', 'NOT_POSTED', async (s) => ({ id: gid('Income', (await income(s)).id) })],
  ['unpostIncome', 'ACCOUNT_CLOSED', async (s) => {
    const i = await income(s, '5', { post: true });
    await runService(db(), viewer(), createEntry, { kind: 'EXPENSE', title: 'spend', amount: '5', accountId: s.bank.id, post: true });
    await runService(db(), viewer(), closeAccount, { id: s.bank.id });
    return { id: gid('Income', i.id) };
  }],
  ['unpostIncome', 'INSUFFICIENT_FUNDS', async (s) => {
    const i = await income(s, '5', { post: true });
    await runService(db(), viewer(), createEntry, { kind: 'EXPENSE', title: 'spend', amount: '1', accountId: s.bank.id, post: true });
    return { id: gid('Income', i.id) };
  }],
  // deleteExpense / deleteIncome
  ['deleteExpense', 'INVALID_ID', async () => ({ id: 'x' })],
  ['deleteExpense', 'NOT_FOUND', async () => ({ id: gid('Expense', MISSING) })],
  ['deleteExpense', 'ENTRY_POSTED', async (s) => ({ id: gid('Expense', (await expense(s, '1', { post: true })).id) })],
  ['deleteIncome', 'INVALID_ID', async () => ({ id: 'x' })],
  ['deleteIncome', 'NOT_FOUND', async () => ({ id: gid('Income', MISSING) })],
  ['deleteIncome', 'ENTRY_POSTED', async (s) => ({ id: gid('Income', (await income(s, '1', { post: true })).id) })],
  // transferFunds
  ['transferFunds', 'INVALID_ID', async (s) => transferInput(s, { toAccountId: gid('Category', s.rent.id) })],
  ['transferFunds', 'INVALID_INPUT', async (s) => transferInput(s, { title: ' ' })],
  ['transferFunds', 'NOT_FOUND', async (s) => transferInput(s, { toAccountId: gid('Account', MISSING) })],
  ['transferFunds', 'INVALID_AMOUNT', async (s) => transferInput(s, { amount: '0.00' })],
  ['transferFunds', 'SAME_ACCOUNT', async (s) => transferInput(s, { toAccountId: gid('Account', s.cash.id) })],
  ['transferFunds', 'CURRENCY_MISMATCH', async (s) => transferInput(s, { toAccountId: gid('Account', s.euro.id) })],
  ['transferFunds', 'ACCOUNT_CLOSED', async (s) => (await runService(db(), viewer(), closeAccount, { id: s.bank.id }), transferInput(s))],
  ['transferFunds', 'INSUFFICIENT_FUNDS', async (s) => transferInput(s, { amount: '1000.01' })],
  // postTransfer
  ['postTransfer', 'INVALID_ID', async () => ({ id: 'x' })],
  ['postTransfer', 'NOT_FOUND', async () => ({ id: gid('Transfer', MISSING) })],
  ['postTransfer', 'ALREADY_POSTED', async (s) =>
    ({ id: gid('Transfer', (await runService(db(), viewer(), transferFunds, { fromAccountId: s.cash.id, toAccountId: s.bank.id, amount: '1', title: 't', post: true })).id) })],
  ['postTransfer', 'TRANSFER_CANCELLED', async (s) => {
    const t = await runService(db(), viewer(), transferFunds, { fromAccountId: s.cash.id, toAccountId: s.bank.id, amount: '1', title: 't' });
    await app.gql(`mutation($id: ID!) { cancelTransfer(input: { id: $id }) { __typename } }`, { id: gid('Transfer', t.id) });
    return { id: gid('Transfer', t.id) };
  }],
  ['postTransfer', 'ACCOUNT_CLOSED', async (s) => {
    const t = await runService(db(), viewer(), transferFunds, { fromAccountId: s.bank.id, toAccountId: s.cash.id, amount: '1', title: 't' });
    await closedUnderUnposted(s.bank.id);
    return { id: gid('Transfer', t.id) };
  }],
  ['postTransfer', 'INSUFFICIENT_FUNDS', async (s) =>
    ({ id: gid('Transfer', (await runService(db(), viewer(), transferFunds, { fromAccountId: s.bank.id, toAccountId: s.cash.id, amount: '1', title: 't' })).id) })],
  // cancelTransfer
  ['cancelTransfer', 'INVALID_ID', async () => ({ id: 'x' })],
  ['cancelTransfer', 'NOT_FOUND', async () => ({ id: gid('Transfer', MISSING) })],
  ['cancelTransfer', 'TRANSFER_CANCELLED', async (s) => {
    const t = await runService(db(), viewer(), transferFunds, { fromAccountId: s.cash.id, toAccountId: s.bank.id, amount: '1', title: 't', post: true });
    await run('cancelTransfer', { id: gid('Transfer', t.id) });
    return { id: gid('Transfer', t.id) };
  }],
  ['cancelTransfer', 'ACCOUNT_CLOSED', async (s) => {
    const t = await runService(db(), viewer(), transferFunds, { fromAccountId: s.cash.id, toAccountId: s.bank.id, amount: '150', title: 't', post: true });
    await expense(s, '850', { post: true });
    await runService(db(), viewer(), closeAccount, { id: s.cash.id });
    return { id: gid('Transfer', t.id) };
  }],
  ['cancelTransfer', 'INSUFFICIENT_FUNDS', async (s) => {
    const t = await runService(db(), viewer(), transferFunds, { fromAccountId: s.cash.id, toAccountId: s.bank.id, amount: '150', title: 't', post: true });
    await runService(db(), viewer(), createEntry, { kind: 'EXPENSE', title: 'spend', amount: '1', accountId: s.bank.id, post: true });
    return { id: gid('Transfer', t.id) };
  }],
  // createCounterparty
  ['createCounterparty', 'INVALID_INPUT', async () => ({ kind: 'SUPPLIER', name: '' })],
];

describe('every error code of every ledger mutation, through yoga.fetch', () => {
  it.each(cases)('%s answers %s, and nothing changes', async (mutation, code, setup) => {
    const input = await setup(await scenario());
    const before = await ledgerSnapshot(db(), app.orgA.organizationId);
    const result = await run(mutation, input);
    expect(result).toMatchObject({ code });
    expect(await ledgerSnapshot(db(), app.orgA.organizationId)).toEqual(before);
  });
});

describe('success payloads', () => {
  it('createExpense with post and short funds succeeds with notPostedReason, the record saved unposted', async () => {
    const s = await scenario();
    const res = await app.gql(
      `mutation($input: CreateExpenseInput!) { createExpense(input: $input) { __typename
         ... on CreateExpenseSuccess { notPostedReason { code available required message } expense { amount posted account { balance } } } } }`,
      { input: expenseInput(s, { amount: '12665.00', post: true }) },
    );
    expect(res.data!.createExpense).toEqual({
      __typename: 'CreateExpenseSuccess',
      notPostedReason: expect.objectContaining({ code: 'INSUFFICIENT_FUNDS', available: '1000.00', required: '12665.00' }),
      expense: { amount: '12665.00', posted: false, account: { balance: '1000.00' } },
    });
  });

  it('the whole CRM cycle: add, doit, undoit, update, delete; move, unmove', async () => {
    const s = await scenario();
    const created = await app.gql(
      `mutation($input: CreateIncomeInput!) { createIncome(input: $input) { ... on CreateIncomeSuccess { notPostedReason { code } income { id posted amount } } } }`,
      { input: incomeInput(s, { amount: '500.50', post: true }) },
    );
    const incomeId = created.data!.createIncome.income.id;
    expect(created.data!.createIncome).toMatchObject({ notPostedReason: null, income: { posted: true, amount: '500.50' } });
    const unposted = await app.gql(`mutation($id: ID!) { unpostIncome(input: { id: $id }) { ... on UnpostIncomeSuccess { income { posted account { balance } } } } }`, { id: incomeId });
    expect(unposted.data!.unpostIncome.income).toEqual({ posted: false, account: { balance: '0.00' } });
    const updated = await app.gql(
      `mutation($input: UpdateIncomeInput!) { updateIncome(input: $input) { ... on UpdateIncomeSuccess { income { title description amount } } } }`,
      { input: { id: incomeId, title: 'Renamed', description: null, amount: '1.10' } },
    );
    expect(updated.data!.updateIncome.income).toEqual({ title: 'Renamed', description: null, amount: '1.10' });
    const deleted = await app.gql(`mutation($id: ID!) { deleteIncome(input: { id: $id }) { ... on DeleteIncomeSuccess { deletedId } } }`, { id: incomeId });
    expect(deleted.data!.deleteIncome.deletedId).toBe(incomeId);

    const moved = await app.gql(
      `mutation($input: TransferFundsInput!) { transferFunds(input: $input) { ... on TransferFundsSuccess { transfer { id amount posted fromAccount { balance } toAccount { balance } } } } }`,
      { input: transferInput(s, { amount: '150.00' }) },
    );
    const transfer = moved.data!.transferFunds.transfer;
    expect(transfer).toMatchObject({ amount: '150.00', posted: true, fromAccount: { balance: '850.00' }, toAccount: { balance: '150.00' } });
    const cancelled = await app.gql(
      `mutation($id: ID!) { cancelTransfer(input: { id: $id }) { ... on CancelTransferSuccess { transfer { cancelled posted fromAccount { balance } } } } }`,
      { id: transfer.id },
    );
    expect(cancelled.data!.cancelTransfer.transfer).toEqual({ cancelled: true, posted: false, fromAccount: { balance: '1000.00' } });
  });

  it('a non-string amount is a protocol error (BAD_USER_INPUT), never a float', async () => {
    const s = await scenario();
    const res = await app.gql(`mutation($input: CreateExpenseInput!) { createExpense(input: $input) { __typename } }`, {
      input: { ...expenseInput(s), amount: 10.5 },
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

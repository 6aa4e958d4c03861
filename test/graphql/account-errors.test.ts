/**
 * Every result the account mutations can give, through `yoga.fetch` with a real API key:
 * each error's `__typename` and `code`, and that a refused call wrote nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { CLOSE_ACCOUNT, CREATE_ACCOUNT, UPDATE_ACCOUNT, accountId, missingId } from '../support/documents.js';
import { bigintJson, expectRefusedOverApi, snapshot } from '../support/service-fixture.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const expectRefused = (document: string, field: string, input: Record<string, unknown>, typename: string, code: string) =>
  expectRefusedOverApi(app, document, field, input, typename, code);

/** Top-level BAD_USER_INPUT (the variables do not fit the schema) and nothing written. */
async function expectBadUserInput(document: string, input: Record<string, unknown>) {
  const before = JSON.stringify(await snapshot(app.database.prisma), bigintJson);
  const response = await app.gql(document, { input });
  expect(response.data).toBeUndefined();
  expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(response.errors?.[0]?.message).not.toBe('Unexpected error.');
  expect(JSON.stringify(await snapshot(app.database.prisma), bigintJson)).toBe(before);
}

async function newAccount(openingBalance = '0'): Promise<string> {
  const response = await app.gql(CREATE_ACCOUNT, { input: { name: 'Fixture', currency: 'EUR', openingBalance } });
  return response.data!.createAccount.account.id;
}

describe('createAccount', () => {
  it('succeeds with exact amounts as decimal strings', async () => {
    const response = await app.gql(CREATE_ACCOUNT, {
      input: { name: 'Operating', bank: 'Bank', currency: 'KWD', openingBalance: '1234.567' },
    });
    expect(response.data?.createAccount).toMatchObject({
      __typename: 'CreateAccountSuccess',
      account: { name: 'Operating', bank: 'Bank', currency: 'KWD', openingBalance: '1234.567', balance: '1234.567', closed: false },
    });
  });

  it.each([
    ['an empty name', { name: '' }, 'InvalidInputError', 'INVALID_INPUT'],
    ['a blank name', { name: '   ' }, 'InvalidInputError', 'INVALID_INPUT'],
    ['a 501-character name', { name: 'x'.repeat(501) }, 'InvalidInputError', 'INVALID_INPUT'],
    ['an unknown currency', { currency: 'ABC' }, 'UnknownCurrencyError', 'UNKNOWN_CURRENCY'],
    ['an over-precise amount', { openingBalance: '10.001' }, 'InvalidAmountError', 'INVALID_AMOUNT'],
    ['a JPY amount with decimals', { currency: 'JPY', openingBalance: '10.5' }, 'InvalidAmountError', 'INVALID_AMOUNT'],
    ['a negative amount', { openingBalance: '-5.00' }, 'InvalidAmountError', 'INVALID_AMOUNT'],
    ['a non-numeric amount', { openingBalance: 'lots' }, 'InvalidAmountError', 'INVALID_AMOUNT'],
    ['an exponent amount', { openingBalance: '1e5' }, 'InvalidAmountError', 'INVALID_AMOUNT'],
  ])('refuses %s', async (_label, override, typename, code) => {
    const error = await expectRefused(CREATE_ACCOUNT, 'createAccount', { name: 'A', currency: 'EUR', ...override }, typename, code);
    expect(error.field).toBeTruthy();
  });

  it('names the field of an amount error', async () => {
    const error = await expectRefused(
      CREATE_ACCOUNT,
      'createAccount',
      { name: 'A', currency: 'EUR', openingBalance: '1.234' },
      'InvalidAmountError',
      'INVALID_AMOUNT',
    );
    expect(error.field).toBe('openingBalance');
  });

  it('refuses a JSON number as an amount with BAD_USER_INPUT', async () => {
    await expectBadUserInput(CREATE_ACCOUNT, { name: 'A', currency: 'EUR', openingBalance: 12.5 });
  });

  it('refuses a numeric literal as an amount with a top-level BAD_USER_INPUT', async () => {
    const response = await app.gql(`mutation { createAccount(input: {name: "A", currency: "EUR", openingBalance: 12.5}) { __typename } }`);
    expect(response.data).toBeUndefined();
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('updateAccount', () => {
  it('keeps omitted fields and clears bank with null', async () => {
    const id = await newAccount();
    await app.gql(UPDATE_ACCOUNT, { input: { id, bank: 'First bank' } });
    const renamed = await app.gql(UPDATE_ACCOUNT, { input: { id, name: 'Renamed' } });
    expect(renamed.data?.updateAccount.account).toEqual({ id, name: 'Renamed', bank: 'First bank' });
    const cleared = await app.gql(UPDATE_ACCOUNT, { input: { id, bank: null } });
    expect(cleared.data?.updateAccount.account).toEqual({ id, name: 'Renamed', bank: null });
  });

  it('refuses a malformed id with INVALID_ID', async () => {
    const error = await expectRefused(UPDATE_ACCOUNT, 'updateAccount', { id: 'not-an-id', name: 'X' }, 'InvalidIdError', 'INVALID_ID');
    expect(error.field).toBe('id');
  });

  it('refuses a Category id passed as an Account id with INVALID_ID', async () => {
    const category = await app.gql(`mutation { createCategory(input: {title: "C", kind: EXPENSE}) { ... on CreateCategorySuccess { category { id } } } }`);
    const id = category.data!.createCategory.category.id;
    expect(Buffer.from(id, 'base64url').toString()).toMatch(/^Category:/);
    await expectRefused(UPDATE_ACCOUNT, 'updateAccount', { id, name: 'X' }, 'InvalidIdError', 'INVALID_ID');
  });

  it('refuses an unknown account with NOT_FOUND', async () => {
    await expectRefused(UPDATE_ACCOUNT, 'updateAccount', { id: missingId('Account'), name: 'X' }, 'NotFoundError', 'NOT_FOUND');
  });

  it('refuses an empty name and a 501-character name with INVALID_INPUT', async () => {
    const id = await newAccount();
    await expectRefused(UPDATE_ACCOUNT, 'updateAccount', { id, name: ' ' }, 'InvalidInputError', 'INVALID_INPUT');
    await expectRefused(UPDATE_ACCOUNT, 'updateAccount', { id, name: 'y'.repeat(501) }, 'InvalidInputError', 'INVALID_INPUT');
  });
});

describe('closeAccount', () => {
  it('closes an empty account', async () => {
    const id = await newAccount('0.00');
    const response = await app.gql(CLOSE_ACCOUNT, { input: { id } });
    expect(response.data?.closeAccount).toEqual({ __typename: 'CloseAccountSuccess', account: { id, closed: true } });
  });

  it('refuses an account holding money with ACCOUNT_NOT_EMPTY', async () => {
    const id = await newAccount('0.01');
    const error = await expectRefused(CLOSE_ACCOUNT, 'closeAccount', { id }, 'AccountNotEmptyError', 'ACCOUNT_NOT_EMPTY');
    expect(error.message).toContain('0.01 EUR');
  });

  it('refuses an account with an unposted record or transfer with ACCOUNT_IN_USE, and closes it once they are gone', async () => {
    const id = await newAccount();
    const other = await newAccount();
    const mutate = async (query: string, input: Record<string, unknown>) => (await app.gql(query, { input })).data!;
    const expense = await mutate(
      'mutation($input: CreateExpenseInput!) { createExpense(input: $input) { ... on CreateExpenseSuccess { expense { id posted } } } }',
      { title: 'Planned', amount: '5.00', accountId: id },
    );
    expect(expense.createExpense.expense.posted).toBe(false);
    const record = await expectRefused(CLOSE_ACCOUNT, 'closeAccount', { id }, 'AccountInUseError', 'ACCOUNT_IN_USE');
    expect(record.message).toContain('1 unposted record(s) and 0 unposted transfer(s)');
    await mutate('mutation($input: DeleteExpenseInput!) { deleteExpense(input: $input) { __typename } }', { id: expense.createExpense.expense.id });

    const transfer = await mutate(
      'mutation($input: TransferFundsInput!) { transferFunds(input: $input) { ... on TransferFundsSuccess { transfer { id posted } } } }',
      { fromAccountId: other, toAccountId: id, amount: '1.00', title: 'Planned move' },
    );
    expect(transfer.transferFunds.transfer.posted).toBe(false);
    await expectRefused(CLOSE_ACCOUNT, 'closeAccount', { id }, 'AccountInUseError', 'ACCOUNT_IN_USE');
    await mutate('mutation($input: CancelTransferInput!) { cancelTransfer(input: $input) { __typename } }', { id: transfer.transferFunds.transfer.id });

    const closed = await app.gql(CLOSE_ACCOUNT, { input: { id } });
    expect(closed.data?.closeAccount).toEqual({ __typename: 'CloseAccountSuccess', account: { id, closed: true } });
  });

  it('refuses a closed account with ACCOUNT_CLOSED', async () => {
    const id = await newAccount();
    await app.gql(CLOSE_ACCOUNT, { input: { id } });
    await expectRefused(CLOSE_ACCOUNT, 'closeAccount', { id }, 'AccountClosedError', 'ACCOUNT_CLOSED');
  });

  it('refuses malformed, wrongly typed and unknown ids', async () => {
    await expectRefused(CLOSE_ACCOUNT, 'closeAccount', { id: '%%%' }, 'InvalidIdError', 'INVALID_ID');
    await expectRefused(CLOSE_ACCOUNT, 'closeAccount', { id: missingId('Category') }, 'InvalidIdError', 'INVALID_ID');
    await expectRefused(CLOSE_ACCOUNT, 'closeAccount', { id: missingId('Account') }, 'NotFoundError', 'NOT_FOUND');
    // A well-formed base64 of a non-uuid never reaches PostgreSQL's uuid parser.
    await expectRefused(CLOSE_ACCOUNT, 'closeAccount', { id: accountId('12345') }, 'InvalidIdError', 'INVALID_ID');
  });
});

describe('balances past the largest total', () => {
  it('createIncome with post: TOTAL_OUT_OF_RANGE once the balance would pass bigint, nothing written', async () => {
    const max = '999999999999999.999';
    const created = await app.gql(CREATE_ACCOUNT, { input: { name: 'Full', currency: 'BHD', openingBalance: max } });
    const id = created.data!.createAccount.account.id;
    const CREATE_INCOME = `mutation($input: CreateIncomeInput!) { createIncome(input: $input) { __typename ... on Error { code message field } } }`;
    for (let i = 0; i < 8; i++) {
      const income = await app.gql(CREATE_INCOME, { input: { title: 'Max', amount: max, accountId: id, post: true } });
      expect(income.data!.createIncome.__typename).toBe('CreateIncomeSuccess');
    }
    await expectRefused(CREATE_INCOME, 'createIncome', { title: 'Max', amount: max, accountId: id, post: true }, 'TotalOutOfRangeError', 'TOTAL_OUT_OF_RANGE');
  });

  it('INVALID_AMOUNT past the largest amount of a currency (CLF: 4 decimals)', async () => {
    await expectRefused(CREATE_ACCOUNT, 'createAccount', { name: 'Big', currency: 'CLF', openingBalance: '999999999999999.9999' }, 'InvalidAmountError', 'INVALID_AMOUNT');
  });
});

/**
 * Every error code the budgets mutations return, through yoga.fetch with a real API key, asserting
 * the `code` in the result union (never a masked top-level error).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const ERROR = '... on Error { code message field }';

async function create(mutation: string, input: Record<string, unknown>, selection: string, as = app.orgA) {
  const response = await app.gql(`mutation($input: ${inputTypeOf(mutation)}!) { ${mutation}(input: $input) { __typename ${selection} ${ERROR} } }`, { input }, as);
  expect(response.errors).toBeUndefined();
  return response.data![mutation];
}

function inputTypeOf(mutation: string): string {
  return `${mutation.charAt(0).toUpperCase()}${mutation.slice(1)}Input`;
}

const budgetInput = {
  name: 'Travel',
  type: 'GLOBAL',
  granularity: 'QUARTER',
  dateFrom: '2024-01-01',
  dateTo: '2024-12-31',
  limit: '100.00',
  currency: 'EUR',
};

async function budget(overrides: Record<string, unknown> = {}, as = app.orgA): Promise<string> {
  const result = await create('createBudget', { ...budgetInput, ...overrides }, '... on CreateBudgetSuccess { budget { id } }', as);
  return result.budget.id;
}

let counter = 0;
async function transaction(overrides: Record<string, unknown> = {}): Promise<string> {
  const input = { externalId: `t-${++counter}`, date: '2024-02-01', amount: '100.00', currency: 'EUR', direction: 'DEBIT', ...overrides };
  const result = await create('createTransaction', input, '... on CreateTransactionSuccess { transaction { id } }');
  return result.transaction.id;
}

describe('createBudget / updateBudget / deleteBudget', () => {
  it('INVALID_DATE_RANGE', async () => {
    const result = await create('createBudget', { ...budgetInput, dateFrom: '2024-12-31', dateTo: '2024-01-01' }, '');
    expect(result).toMatchObject({ __typename: 'InvalidDateRangeError', code: 'INVALID_DATE_RANGE', field: 'dateFrom' });
  });

  it('UNKNOWN_VALUE for a granularity and for an option, listing the accepted values', async () => {
    const granularity = await app.gql(
      `mutation($input: CreateBudgetInput!) { createBudget(input: $input) { ... on UnknownValueError { code field allowed } } }`,
      { input: { ...budgetInput, granularity: 'FORTNIGHT' } },
    );
    expect(granularity.data!.createBudget).toEqual({ code: 'UNKNOWN_VALUE', field: 'granularity', allowed: ['MONTH', 'QUARTER', 'YEAR'] });
    const option = await create('createBudget', { ...budgetInput, config: ['spend_alerts', 'overdraft'] }, '');
    expect(option).toMatchObject({ code: 'UNKNOWN_VALUE', field: 'config' });
  });

  it('INVALID_AMOUNT for a negative limit', async () => {
    expect(await create('createBudget', { ...budgetInput, limit: '-10.00' }, '')).toMatchObject({ code: 'INVALID_AMOUNT', field: 'limit' });
    const id = await budget();
    expect(await create('updateBudget', { id, limit: '-1' }, '')).toMatchObject({ code: 'INVALID_AMOUNT' });
  });

  it('UNKNOWN_CURRENCY', async () => {
    expect(await create('createBudget', { ...budgetInput, currency: 'EURO' }, '')).toMatchObject({ code: 'UNKNOWN_CURRENCY' });
  });

  it("NOT_FOUND for another organization's budget, which node(id:) does not show either", async () => {
    const theirs = await budget({}, app.orgB);
    expect(await create('updateBudget', { id: theirs, name: 'x' }, '')).toMatchObject({ code: 'NOT_FOUND' });
    expect(await create('deleteBudget', { id: theirs }, '')).toMatchObject({ code: 'NOT_FOUND' });
    const node = await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: theirs });
    expect(node.data!.node).toBeNull();
  });

  it('INVALID_ID for an id of another type', async () => {
    const group = await create('createBudgetGroup', { name: 'G' }, '... on CreateBudgetGroupSuccess { budgetGroup { id } }');
    expect(await create('deleteBudget', { id: group.budgetGroup.id }, '')).toMatchObject({ code: 'INVALID_ID', field: 'id' });
  });

  it('INVALID_INPUT for an empty name', async () => {
    expect(await create('createBudgetGroup', { name: '   ' }, '')).toMatchObject({ code: 'INVALID_INPUT', field: 'name' });
    expect(await create('createBudget', { ...budgetInput, name: '' }, '')).toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('allocations', () => {
  it('DUPLICATE for the same employee twice', async () => {
    const budgetId = await budget();
    const employee = await create('createEmployee', { name: 'Grace' }, '... on CreateEmployeeSuccess { employee { id } }');
    const input = { budgetId, employeeId: employee.employee.id, limit: '10.00' };
    expect(await create('createBudgetEmployee', input, '... on CreateBudgetEmployeeSuccess { budgetEmployee { limit employee { name } } }')).toMatchObject({
      __typename: 'CreateBudgetEmployeeSuccess',
      budgetEmployee: { limit: '10.00', employee: { name: 'Grace' } },
    });
    expect(await create('createBudgetEmployee', input, '')).toMatchObject({ code: 'DUPLICATE' });
  });
});

describe('transactions and budget transactions', () => {
  it('DUPLICATE externalId on createTransaction', async () => {
    await transaction({ externalId: 'dup-1' });
    const input = { externalId: 'dup-1', date: '2024-02-01', amount: '1.00', currency: 'EUR', direction: 'DEBIT' };
    expect(await create('createTransaction', input, '')).toMatchObject({ code: 'DUPLICATE', field: 'externalId' });
  });

  it('CURRENCY_MISMATCH when the budget is in another currency', async () => {
    const budgetId = await budget({ currency: 'USD' });
    const transactionId = await transaction();
    expect(await create('createBudgetTransaction', { budgetId, transactionId, amount: '10.00' }, '')).toMatchObject({ code: 'CURRENCY_MISMATCH' });
  });

  it('ALLOCATION_EXCEEDED when the parts would pass the transaction', async () => {
    const transactionId = await transaction({ amount: '100.00' });
    const [a, b] = [await budget(), await budget()];
    await create('createBudgetTransaction', { budgetId: a, transactionId, amount: '70.00' }, '');
    expect(await create('createBudgetTransaction', { budgetId: b, transactionId, amount: '30.01' }, '')).toMatchObject({
      code: 'ALLOCATION_EXCEEDED',
      field: 'amount',
    });
  });

  it('BUDGET_FROZEN past an AUTO_FREEZE limit, and the budget reads FROZEN at its limit', async () => {
    const budgetId = await budget({ limit: '50.00', config: ['AUTO_FREEZE'] });
    const transactionId = await transaction({ amount: '100.00' });
    expect(await create('createBudgetTransaction', { budgetId, transactionId, amount: '50.01' }, '')).toMatchObject({ code: 'BUDGET_FROZEN' });
    await create('createBudgetTransaction', { budgetId, transactionId, amount: '50.00' }, '');
    const read = await app.gql(`query($id: ID!) { node(id: $id) { ... on Budget { spent remaining utilization status } } }`, { id: budgetId });
    expect(read.data!.node).toEqual({ spent: '50.00', remaining: '0.00', utilization: '1.0000', status: 'FROZEN' });
  });

  it('BUDGET_OVER_LIMIT when an AUTO_FREEZE limit would go below the spend; nothing changes', async () => {
    const budgetId = await budget({ limit: '50.00', config: ['AUTO_FREEZE'] });
    await create('createBudgetTransaction', { budgetId, transactionId: await transaction({ amount: '40.00' }), amount: '40.00' }, '');
    const before = await app.gql(`query($id: ID!) { node(id: $id) { ... on Budget { limit spent status } } }`, { id: budgetId });
    expect(await create('updateBudget', { id: budgetId, limit: '39.99' }, '')).toMatchObject({
      __typename: 'BudgetOverLimitError', code: 'BUDGET_OVER_LIMIT', field: 'limit',
    });
    expect(await app.gql(`query($id: ID!) { node(id: $id) { ... on Budget { limit spent status } } }`, { id: budgetId })).toEqual(before);
  });

  it("TOTAL_OUT_OF_RANGE when a budget's spend would pass the largest total", async () => {
    const max = '999999999999999.999';
    const budgetId = await budget({ currency: 'BHD', limit: max });
    for (let i = 0; i < 9; i++) {
      const transactionId = await transaction({ currency: 'BHD', amount: max });
      expect(await create('createBudgetTransaction', { budgetId, transactionId, amount: max }, '')).toMatchObject({ __typename: 'CreateBudgetTransactionSuccess' });
    }
    const transactionId = await transaction({ currency: 'BHD', amount: max });
    expect(await create('createBudgetTransaction', { budgetId, transactionId, amount: max }, '')).toMatchObject({
      __typename: 'TotalOutOfRangeError', code: 'TOTAL_OUT_OF_RANGE',
    });
    const read = await app.gql(`query($id: ID!) { node(id: $id) { ... on Budget { spent } } }`, { id: budgetId });
    expect(read.data!.node).toEqual({ spent: '8999999999999999.991' });
  });

  it('TRANSACTION_IN_USE when deleting a transaction charged to a budget', async () => {
    const budgetId = await budget();
    const transactionId = await transaction();
    const part = await create('createBudgetTransaction', { budgetId, transactionId, amount: '5.00' }, '... on CreateBudgetTransactionSuccess { budgetTransaction { id } }');
    expect(await create('deleteTransaction', { id: transactionId }, '')).toMatchObject({ code: 'TRANSACTION_IN_USE' });
    expect(await create('deleteBudgetTransaction', { id: part.budgetTransaction.id }, '')).toMatchObject({ __typename: 'DeleteBudgetTransactionSuccess' });
    expect(await create('deleteTransaction', { id: transactionId }, '')).toMatchObject({ __typename: 'DeleteTransactionSuccess' });
  });

  it('UNKNOWN_VALUE for a direction, INVALID_AMOUNT for a negative amount', async () => {
    const input = { externalId: 'bad-1', date: '2024-02-01', amount: '1.00', currency: 'EUR', direction: 'UP' };
    expect(await create('createTransaction', input, '')).toMatchObject({ code: 'UNKNOWN_VALUE', field: 'direction' });
    expect(await create('createTransaction', { ...input, direction: 'CREDIT', amount: '-1.00' }, '')).toMatchObject({ code: 'INVALID_AMOUNT' });
  });

  it('updateTransaction: CURRENCY_MISMATCH and ALLOCATION_EXCEEDED once split; updateBudgetTransaction: BUDGET_FROZEN and CURRENCY_MISMATCH', async () => {
    const budgetId = await budget({ limit: '100.00', config: ['AUTO_FREEZE'] });
    const transactionId = await transaction({ amount: '500.00' });
    const part = await create('createBudgetTransaction', { budgetId, transactionId, amount: '60.00' }, '... on CreateBudgetTransactionSuccess { budgetTransaction { id } }');
    const partId = part.budgetTransaction.id;
    expect(await create('updateTransaction', { id: transactionId, currency: 'USD' }, '')).toMatchObject({ code: 'CURRENCY_MISMATCH', field: 'currency' });
    expect(await create('updateTransaction', { id: transactionId, amount: '59.99' }, '')).toMatchObject({ code: 'ALLOCATION_EXCEEDED', field: 'amount' });
    expect(await create('updateBudgetTransaction', { id: partId, amount: '100.01' }, '')).toMatchObject({ code: 'BUDGET_FROZEN' });
    const usdBudget = await budget({ currency: 'USD' });
    expect(await create('updateBudgetTransaction', { id: partId, budgetId: usdBudget }, '')).toMatchObject({ code: 'CURRENCY_MISMATCH' });
    const unchanged = await app.gql(`query($id: ID!) { node(id: $id) { ... on BudgetTransaction { amount budget { id spent } } } }`, { id: partId });
    expect(unchanged.data!.node).toEqual({ amount: '60.00', budget: { id: budgetId, spent: '60.00' } });
  });
});

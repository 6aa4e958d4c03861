/**
 * The spend-management API document's two example payloads (POST /api/budgets "EMEA Marketing FY25"
 * and POST /api/budget-transactions) replayed through GraphQL, with the same data coming back.
 *
 * Mapping decisions, also in docs/budgets-mapping.md:
 * - IRIs ("/api/budget-groups/emarketing") become the global ids of objects created first;
 * - "global", "month", "spend_alerts", "auto-freeze" are sent AS IS (inputs accept the source
 *   spellings) and come back as the enums GLOBAL, MONTH, SPEND_ALERTS, AUTO_FREEZE;
 * - dateFrom/dateTo "2024-01-01T00:00:00+00:00" are calendar dates: sent and returned as "2024-01-01";
 * - the seed has no limit or currency on a budget; Allot needs both, so the test adds them;
 * - the budget-transaction amount 125000 is an integer in the seed. Allot treats it as MINOR
 *   units (cents), as payment APIs that send integer amounts do: 125000 → "1250.00" EUR. The
 *   test converts with the currency's exponent and converts back to compare.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney, parseMoney } from '../../src/domain/money.js';
import { createTestApp, type TestApp } from '../support/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const seedBudget = {
  name: 'EMEA Marketing FY25',
  type: 'global',
  granularity: 'month',
  dateFrom: '2024-01-01T00:00:00+00:00',
  dateTo: '2024-12-31T00:00:00+00:00',
  budgetGroup: '/api/budget-groups/emarketing',
  config: ['spend_alerts', 'auto-freeze'],
};

const seedBudgetTransaction = {
  budget: '/api/budgets/bgt_fy25',
  transaction: '/api/transactions/txn_904',
  employee: '/api/employees/emp_777',
  amount: 125000,
};

const toDate = (dateTime: string) => dateTime.slice(0, 10);

describe('seed payloads replayed through GraphQL', () => {
  let budgetId: string;
  let groupId: string;

  it('POST /api/budgets "EMEA Marketing FY25" → createBudget returns the same budget', async () => {
    const group = await app.gql(`mutation { createBudgetGroup(input: {name: "emarketing"}) { ... on CreateBudgetGroupSuccess { budgetGroup { id } } } }`);
    groupId = group.data!.createBudgetGroup.budgetGroup.id;
    const response = await app.gql(
      `mutation($input: CreateBudgetInput!) {
        createBudget(input: $input) {
          __typename
          ... on CreateBudgetSuccess { budget { id name type granularity dateFrom dateTo config budgetGroup { id name } limit currency status } }
          ... on Error { code message }
        }
      }`,
      {
        input: {
          name: seedBudget.name,
          type: seedBudget.type,
          granularity: seedBudget.granularity,
          dateFrom: toDate(seedBudget.dateFrom),
          dateTo: toDate(seedBudget.dateTo),
          budgetGroupId: groupId,
          config: seedBudget.config,
          limit: '50000.00',
          currency: 'EUR',
        },
      },
    );
    expect(response.data!.createBudget.__typename).toBe('CreateBudgetSuccess');
    const budget = response.data!.createBudget.budget;
    budgetId = budget.id;
    expect(budget).toEqual({
      id: expect.any(String),
      name: 'EMEA Marketing FY25',
      type: 'GLOBAL',
      granularity: 'MONTH',
      dateFrom: '2024-01-01',
      dateTo: '2024-12-31',
      config: ['SPEND_ALERTS', 'AUTO_FREEZE'],
      budgetGroup: { id: groupId, name: 'emarketing' },
      limit: '50000.00',
      currency: 'EUR',
      status: 'OK',
    });
    // Read back through node(id:), as GET /api/budgets/{id} would.
    const read = await app.gql(`query($id: ID!) { node(id: $id) { ... on Budget { name type granularity dateFrom dateTo config } } }`, { id: budgetId });
    expect(read.data!.node).toEqual({
      name: seedBudget.name,
      type: seedBudget.type.toUpperCase(),
      granularity: seedBudget.granularity.toUpperCase(),
      dateFrom: toDate(seedBudget.dateFrom),
      dateTo: toDate(seedBudget.dateTo),
      config: seedBudget.config.map((option) => option.toUpperCase().replace('-', '_')),
    });
  });

  it('POST /api/budget-transactions → createBudgetTransaction returns the same link and amount', async () => {
    const transaction = await app.gql(
      `mutation { createTransaction(input: {externalId: "txn_904", date: "2024-05-10", amount: "1250.00", currency: "EUR", direction: "DEBIT", description: "Supplier invoice"}) {
        ... on CreateTransactionSuccess { transaction { id externalId } } ... on Error { code message } } }`,
    );
    const transactionId = transaction.data!.createTransaction.transaction.id;
    const employee = await app.gql(`mutation { createEmployee(input: {name: "emp_777"}) { ... on CreateEmployeeSuccess { employee { id } } } }`);
    const employeeId = employee.data!.createEmployee.employee.id;

    const amount = formatMoney(BigInt(seedBudgetTransaction.amount), 'EUR');
    expect(amount).toBe('1250.00');
    const response = await app.gql(
      `mutation($input: CreateBudgetTransactionInput!) {
        createBudgetTransaction(input: $input) {
          __typename
          ... on CreateBudgetTransactionSuccess {
            budgetTransaction { id budget { id name spent } transaction { id externalId } employee { id name } amount currency }
          }
          ... on Error { code message }
        }
      }`,
      { input: { budgetId, transactionId, employeeId, amount } },
    );
    expect(response.data!.createBudgetTransaction.__typename).toBe('CreateBudgetTransactionSuccess');
    const part = response.data!.createBudgetTransaction.budgetTransaction;
    expect(part).toEqual({
      id: expect.any(String),
      budget: { id: budgetId, name: 'EMEA Marketing FY25', spent: '1250.00' },
      transaction: { id: transactionId, externalId: 'txn_904' },
      employee: { id: employeeId, name: 'emp_777' },
      amount: '1250.00',
      currency: 'EUR',
    });
    // Back to the seed's integer minor units.
    expect(Number(parseMoney(part.amount, part.currency))).toBe(seedBudgetTransaction.amount);
  });
});

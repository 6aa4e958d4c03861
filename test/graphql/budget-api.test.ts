/**
 * The rest of the budgets API surface through GraphQL: the objects allocations point to,
 * allocation lists and deletes, group CRUD, budget transaction update/delete/list, transaction
 * update/delete, and tenancy through node(id:).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

async function mutate(name: string, input: Record<string, unknown>, selection = '', as = app.orgA) {
  const type = `${name.charAt(0).toUpperCase()}${name.slice(1)}Input`;
  const response = await app.gql(`mutation($input: ${type}!) { ${name}(input: $input) { __typename ${selection} ... on Error { code message } } }`, { input }, as);
  expect(response.errors).toBeUndefined();
  return response.data![name];
}

describe('employees, contractors, projects, invoices', () => {
  it('create, list, get through node, delete; another organization sees none of them', async () => {
    const employee = await mutate('createEmployee', { name: 'Lin', email: 'lin@example.com' }, '... on CreateEmployeeSuccess { employee { id name email } }');
    const contractor = await mutate('createContractor', { name: 'Acme Design' }, '... on CreateContractorSuccess { contractor { id name } }');
    const project = await mutate('createProject', { name: 'Rebrand', code: 'RB-1' }, '... on CreateProjectSuccess { project { id code } }');
    const invoice = await mutate(
      'createInvoice',
      { number: 'F-2024-77', supplierName: 'Acme', amount: '1200.00', currency: 'eur', issuedOn: '2024-03-01', dueOn: '2024-03-31' },
      '... on CreateInvoiceSuccess { invoice { id number amount currency dueOn } }',
    );
    expect(invoice.invoice).toMatchObject({ number: 'F-2024-77', amount: '1200.00', currency: 'EUR', dueOn: '2024-03-31' });
    expect(await mutate('createEmployee', { name: 'No mail', email: 'not-an-email' })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await mutate('createInvoice', { number: 'X', amount: '1.00', currency: 'EUR', issuedOn: '2024-03-02', dueOn: '2024-03-01' })).toMatchObject({
      code: 'INVALID_DATE_RANGE',
    });

    const lists = await app.gql(`{ employees { totalCount } contractors { totalCount } projects { totalCount } invoices { totalCount } }`);
    expect(lists.data).toEqual({ employees: { totalCount: 1 }, contractors: { totalCount: 1 }, projects: { totalCount: 1 }, invoices: { totalCount: 1 } });
    const theirs = await app.gql(`{ employees { totalCount } contractors { totalCount } projects { totalCount } invoices { totalCount } }`, {}, app.orgB);
    expect(theirs.data).toEqual({ employees: { totalCount: 0 }, contractors: { totalCount: 0 }, projects: { totalCount: 0 }, invoices: { totalCount: 0 } });
    const foreignNode = await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: employee.employee.id }, app.orgB);
    expect(foreignNode.data!.node).toBeNull();
    expect(await mutate('deleteEmployee', { id: employee.employee.id }, '', app.orgB)).toMatchObject({ code: 'NOT_FOUND' });

    for (const [name, id] of [
      ['deleteEmployee', employee.employee.id],
      ['deleteContractor', contractor.contractor.id],
      ['deleteProject', project.project.id],
      ['deleteInvoice', invoice.invoice.id],
    ]) {
      expect(await mutate(name!, { id })).toMatchObject({ __typename: `${name!.charAt(0).toUpperCase()}${name!.slice(1)}Success` });
    }
    const after = await app.gql(`{ employees { totalCount } contractors { totalCount } projects { totalCount } invoices { totalCount } }`);
    expect(after.data).toEqual({ employees: { totalCount: 0 }, contractors: { totalCount: 0 }, projects: { totalCount: 0 }, invoices: { totalCount: 0 } });
  });
});

describe('groups, allocations, budget transactions', () => {
  it('walks a budget through its allocations and budget transactions', async () => {
    const group = await mutate('createBudgetGroup', { name: 'Ops' }, '... on CreateBudgetGroupSuccess { budgetGroup { id } }');
    const groupId = group.budgetGroup.id;
    expect(await mutate('updateBudgetGroup', { id: groupId, name: 'Operations' }, '... on UpdateBudgetGroupSuccess { budgetGroup { name } }')).toMatchObject({
      budgetGroup: { name: 'Operations' },
    });
    const budget = await mutate(
      'createBudget',
      { name: 'Ops 2024', type: 'EMPLOYEE', granularity: 'YEAR', dateFrom: '2024-01-01', dateTo: '2024-12-31', budgetGroupId: groupId, limit: '5000', currency: 'EUR' },
      '... on CreateBudgetSuccess { budget { id limit } }',
    );
    const budgetId = budget.budget.id;
    expect(budget.budget.limit).toBe('5000.00');

    const contractor = await mutate('createContractor', { name: 'Dev shop' }, '... on CreateContractorSuccess { contractor { id } }');
    const project = await mutate('createProject', { name: 'Migration' }, '... on CreateProjectSuccess { project { id } }');
    const invoice = await mutate('createInvoice', { number: 'I-1', amount: '10.00', currency: 'EUR' }, '... on CreateInvoiceSuccess { invoice { id } }');
    const employee = await mutate('createEmployee', { name: 'Sam' }, '... on CreateEmployeeSuccess { employee { id } }');
    const bc = await mutate('createBudgetContractor', { budgetId, contractorId: contractor.contractor.id, limit: '1000' }, '... on CreateBudgetContractorSuccess { budgetContractor { id limit } }');
    expect(bc.budgetContractor.limit).toBe('1000.00');
    await mutate('createBudgetProject', { budgetId, projectId: project.project.id }, '');
    await mutate('createBudgetInvoice', { budgetId, invoiceId: invoice.invoice.id }, '');
    await mutate('createBudgetEmployee', { budgetId, employeeId: employee.employee.id }, '');
    expect(await mutate('createBudgetProject', { budgetId, projectId: project.project.id })).toMatchObject({ code: 'DUPLICATE' });
    expect(await mutate('createBudgetInvoice', { budgetId, invoiceId: invoice.invoice.id })).toMatchObject({ code: 'DUPLICATE' });

    const lists = await app.gql(
      `query($budgetId: ID) {
        budgetEmployees(budgetId: $budgetId) { totalCount nodes { employee { name } } }
        budgetContractors(budgetId: $budgetId) { totalCount nodes { id contractor { name } } }
        budgetProjects(budgetId: $budgetId) { totalCount }
        budgetInvoices(budgetId: $budgetId) { totalCount nodes { invoice { number } } }
      }`,
      { budgetId },
    );
    expect(lists.data).toMatchObject({
      budgetEmployees: { totalCount: 1, nodes: [{ employee: { name: 'Sam' } }] },
      budgetContractors: { totalCount: 1 },
      budgetProjects: { totalCount: 1 },
      budgetInvoices: { totalCount: 1, nodes: [{ invoice: { number: 'I-1' } }] },
    });
    expect(await mutate('deleteBudgetContractor', { id: bc.budgetContractor.id })).toMatchObject({ __typename: 'DeleteBudgetContractorSuccess' });
    expect(await mutate('deleteBudgetContractor', { id: bc.budgetContractor.id })).toMatchObject({ code: 'NOT_FOUND' });

    const transaction = await mutate(
      'createTransaction',
      { externalId: 'erp-77', date: '2024-07-01', amount: '900.00', currency: 'EUR', direction: 'DEBIT', counterparty: 'Dev shop' },
      '... on CreateTransactionSuccess { transaction { id counterparty } }',
    );
    const transactionId = transaction.transaction.id;
    expect(transaction.transaction.counterparty).toBe('Dev shop');
    const part = await mutate(
      'createBudgetTransaction',
      { budgetId, transactionId, employeeId: employee.employee.id, amount: '400.00' },
      '... on CreateBudgetTransactionSuccess { budgetTransaction { id } }',
    );
    const partId = part.budgetTransaction.id;
    const updated = await mutate(
      'updateBudgetTransaction',
      { id: partId, amount: '450.00', employeeId: null },
      '... on UpdateBudgetTransactionSuccess { budgetTransaction { amount employee { name } budget { spent } transaction { allocated } } }',
    );
    expect(updated.budgetTransaction).toEqual({ amount: '450.00', employee: null, budget: { spent: '450.00' }, transaction: { allocated: '450.00' } });
    expect(await mutate('updateBudgetTransaction', { id: partId, amount: '900.01' })).toMatchObject({ code: 'ALLOCATION_EXCEEDED' });

    const listed = await app.gql(`query($id: ID) { budgetTransactions(filter: {budgetId: $id}) { totalCount nodes { amount } } }`, { id: budgetId });
    expect(listed.data!.budgetTransactions).toEqual({ totalCount: 1, nodes: [{ amount: '450.00' }] });

    const movedTransaction = await mutate(
      'updateTransaction',
      { id: transactionId, date: '2025-01-02', description: 'Moved to next year' },
      '... on UpdateTransactionSuccess { transaction { date description } }',
    );
    expect(movedTransaction.transaction).toEqual({ date: '2025-01-02', description: 'Moved to next year' });
    const spent = await app.gql(`query($id: ID!) { node(id: $id) { ... on Budget { spent budgetTransactions { totalCount } } } }`, { id: budgetId });
    expect(spent.data!.node).toEqual({ spent: '0.00', budgetTransactions: { totalCount: 1 } });

    expect(await mutate('deleteBudgetTransaction', { id: partId })).toMatchObject({ __typename: 'DeleteBudgetTransactionSuccess' });
    expect(await mutate('deleteBudgetGroup', { id: groupId })).toMatchObject({ __typename: 'DeleteBudgetGroupSuccess' });
    const ungrouped = await app.gql(`query($id: ID!) { node(id: $id) { ... on Budget { budgetGroup { id } } } }`, { id: budgetId });
    expect(ungrouped.data!.node).toEqual({ budgetGroup: null });
    expect(await mutate('deleteBudget', { id: budgetId })).toMatchObject({ __typename: 'DeleteBudgetSuccess' });
    expect((await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: budgetId })).data!.node).toBeNull();
  });

  it('each mutation of one request sees the spend left by the previous one', async () => {
    const budget = await mutate(
      'createBudget',
      { name: 'Sequential', type: 'GLOBAL', granularity: 'MONTH', dateFrom: '2024-01-01', dateTo: '2024-12-31', limit: '100', currency: 'EUR' },
      '... on CreateBudgetSuccess { budget { id } }',
    );
    const transaction = await mutate(
      'createTransaction',
      { externalId: 'seq-1', date: '2024-02-01', amount: '100.00', currency: 'EUR', direction: 'DEBIT' },
      '... on CreateTransactionSuccess { transaction { id } }',
    );
    const part = (amount: string) => ({ budgetId: budget.budget.id, transactionId: transaction.transaction.id, amount });
    const response = await app.gql(
      `mutation($a: CreateBudgetTransactionInput!, $b: CreateBudgetTransactionInput!) {
        a: createBudgetTransaction(input: $a) { ... on CreateBudgetTransactionSuccess { budgetTransaction { budget { spent status } } } }
        b: createBudgetTransaction(input: $b) { ... on CreateBudgetTransactionSuccess { budgetTransaction { budget { spent status } } } }
      }`,
      { a: part('30.00'), b: part('55.00') },
    );
    expect(response.data).toEqual({
      a: { budgetTransaction: { budget: { spent: '30.00', status: 'OK' } } },
      b: { budgetTransaction: { budget: { spent: '85.00', status: 'WARNING' } } },
    });
  });

  it('refuses an oversized page with BAD_USER_INPUT', async () => {
    const response = await app.gql(`{ budgets(first: 101) { totalCount } }`);
    expect(response.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });
});

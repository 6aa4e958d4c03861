/**
 * importTransactions: idempotent by externalId (a replay creates nothing), duplicates inside one
 * batch reported, bad rows rejected one by one while the valid rows are kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const IMPORT = `mutation($input: ImportTransactionsInput!) {
  importTransactions(input: $input) {
    __typename
    ... on ImportTransactionsSuccess {
      created existing duplicates rejected
      rows { index externalId status transactionId error { code field message } }
      transactions { id externalId amount currency direction type }
    }
    ... on Error { code message }
  }
}`;

const row = (externalId: string, amount = '10.00') => ({ externalId, date: '2024-04-01', amount, currency: 'EUR', direction: 'DEBIT' });

const transactionCount = (organizationId: string) => app.database.prisma.transaction.count({ where: { organizationId } });

describe('importTransactions', () => {
  it('creates the batch, and replaying it creates nothing and points at the same transactions', async () => {
    const batch = [row('bank-1'), row('bank-2', '20.50'), { ...row('bank-3'), direction: 'credit', type: 'income' }];
    const first = (await app.gql(IMPORT, { input: { transactions: batch } })).data!.importTransactions;
    expect(first).toMatchObject({ created: 3, existing: 0, duplicates: 0, rejected: 0 });
    expect(first.transactions.map((t: { externalId: string }) => t.externalId)).toEqual(['bank-1', 'bank-2', 'bank-3']);
    expect(first.transactions[2]).toMatchObject({ direction: 'CREDIT', type: 'INCOME' });
    const count = await transactionCount(app.orgA.organizationId);
    const events = await app.database.prisma.changelogEvent.count({ where: { organizationId: app.orgA.organizationId, entityType: 'Transaction' } });

    const replay = (await app.gql(IMPORT, { input: { transactions: batch } })).data!.importTransactions;
    expect(replay).toMatchObject({ created: 0, existing: 3, duplicates: 0, rejected: 0 });
    expect(replay.rows.map((r: { status: string }) => r.status)).toEqual(['EXISTING', 'EXISTING', 'EXISTING']);
    expect(replay.rows.map((r: { transactionId: string }) => r.transactionId)).toEqual(first.rows.map((r: { transactionId: string }) => r.transactionId));
    expect(await transactionCount(app.orgA.organizationId)).toBe(count);
    expect(await app.database.prisma.changelogEvent.count({ where: { organizationId: app.orgA.organizationId, entityType: 'Transaction' } })).toBe(events);
  });

  it('never overwrites an existing transaction: a replay with another amount changes nothing', async () => {
    await app.gql(IMPORT, { input: { transactions: [row('keep-1', '10.00')] } });
    const replay = (await app.gql(IMPORT, { input: { transactions: [row('keep-1', '99.00')] } })).data!.importTransactions;
    expect(replay.rows[0].status).toBe('EXISTING');
    expect(replay.transactions[0].amount).toBe('10.00');
  });

  it('reports duplicates inside one batch; the first row wins', async () => {
    const result = (await app.gql(IMPORT, { input: { transactions: [row('dup-a', '1.00'), row('dup-a', '2.00'), row('dup-b')] } })).data!
      .importTransactions;
    expect(result).toMatchObject({ created: 2, duplicates: 1 });
    expect(result.rows[1]).toMatchObject({ index: 1, status: 'DUPLICATE_IN_BATCH', transactionId: null, error: { code: 'DUPLICATE', field: 'externalId' } });
    expect(result.transactions.find((t: { externalId: string }) => t.externalId === 'dup-a').amount).toBe('1.00');
  });

  it('rejects rows missing externalId or amount (and other bad rows) with typed errors, and keeps the valid rows', async () => {
    const before = await transactionCount(app.orgA.organizationId);
    const batch = [
      row('ok-1'),
      { date: '2024-04-01', amount: '5.00', currency: 'EUR', direction: 'DEBIT' },
      { externalId: 'no-amount', date: '2024-04-01', currency: 'EUR', direction: 'DEBIT' },
      { ...row('bad-currency'), currency: 'XXX1' },
      { ...row('bad-direction'), direction: 'UP' },
      { ...row('bad-amount'), amount: '1.234' },
      row('ok-2'),
    ];
    const result = (await app.gql(IMPORT, { input: { transactions: batch } })).data!.importTransactions;
    expect(result).toMatchObject({ created: 2, existing: 0, duplicates: 0, rejected: 5 });
    expect(result.rows.map((r: { status: string; error: { code: string; field: string } | null }) => [r.status, r.error?.code ?? null, r.error?.field ?? null])).toEqual([
      ['CREATED', null, null],
      ['REJECTED', 'INVALID_INPUT', 'externalId'],
      ['REJECTED', 'INVALID_INPUT', 'amount'],
      ['REJECTED', 'UNKNOWN_CURRENCY', 'currency'],
      ['REJECTED', 'UNKNOWN_VALUE', 'direction'],
      ['REJECTED', 'INVALID_AMOUNT', 'amount'],
      ['CREATED', null, null],
    ]);
    expect(await transactionCount(app.orgA.organizationId)).toBe(before + 2);
  });

  it('is idempotent per organization: the same externalId in another organization is a new transaction', async () => {
    await app.gql(IMPORT, { input: { transactions: [row('shared-1')] } });
    const other = (await app.gql(IMPORT, { input: { transactions: [row('shared-1')] } }, app.orgB)).data!.importTransactions;
    expect(other).toMatchObject({ created: 1, existing: 0 });
  });

  it('refuses an empty batch as a whole', async () => {
    const result = (await app.gql(IMPORT, { input: { transactions: [] } })).data!.importTransactions;
    expect(result).toMatchObject({ __typename: 'InvalidInputError', code: 'INVALID_INPUT' });
  });

  it('imported transactions are unassigned until a budget transaction links them', async () => {
    const imported = (await app.gql(IMPORT, { input: { transactions: [row('un-1'), row('un-2')] } })).data!.importTransactions;
    const unassigned = async () =>
      (
        await app.gql(`{ transactions(first: 100, filter: {unassigned: true, dateFrom: "2024-04-01", dateTo: "2024-04-01"}) { totalCount nodes { externalId } } }`)
      ).data!.transactions.nodes.map((t: { externalId: string }) => t.externalId);
    expect(await unassigned()).toEqual(expect.arrayContaining(['un-1', 'un-2']));
    const budget = await app.gql(
      `mutation { createBudget(input: {name: "B", type: "GLOBAL", granularity: "MONTH", dateFrom: "2024-01-01", dateTo: "2024-12-31", limit: "100", currency: "EUR"}) { ... on CreateBudgetSuccess { budget { id } } } }`,
    );
    await app.gql(`mutation($input: CreateBudgetTransactionInput!) { createBudgetTransaction(input: $input) { __typename } }`, {
      input: { budgetId: budget.data!.createBudget.budget.id, transactionId: imported.rows[0].transactionId, amount: '10.00' },
    });
    const after = await unassigned();
    expect(after).not.toContain('un-1');
    expect(after).toContain('un-2');
  });
});

/**
 * Idempotency keys on EVERY create / post / transfer / import mutation (issue 5), through
 * `yoga.fetch`:
 * - the schema's keyed mutations are exactly the expected set, and every create/post/transfer/
 *   import mutation is in it (a new create without the key fails here);
 * - for each: the same key and input replays the first payload and writes nothing (every table's
 *   rows, every balance and posting state re-read); the same key with another input is
 *   IDEMPOTENCY_KEY_REUSED and writes nothing;
 * - a refused first attempt (INSUFFICIENT_FUNDS, ALLOCATION_EXCEEDED, BUDGET_FROZEN) replays the
 *   same typed error even once the refusal's cause is gone;
 * - an idempotent postExpense crossing 80 % publishes its alert once, after commit; its replay
 *   publishes and writes nothing;
 * - PostgreSQL: concurrent transferFunds with one key move the money once.
 */
import { getNamedType, isInputObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { usingPostgres } from '../support/database.js';
import { subscribeOverSse } from '../support/sse.js';

/** Every mutation that takes `idempotencyKey`. */
const EXPECTED_KEYED = [
  'createAccount',
  'createAttachment',
  'createBudget',
  'createBudgetContractor',
  'createBudgetEmployee',
  'createBudgetGroup',
  'createBudgetInvoice',
  'createBudgetProject',
  'createBudgetTransaction',
  'createCategory',
  'createContractor',
  'createCounterparty',
  'createEmployee',
  'createExpense',
  'createIncome',
  'createInvoice',
  'createProject',
  'createTransaction',
  'importTransactions',
  'postExpense',
  'postIncome',
  'postTransfer',
  'transferFunds',
];
/**
 * Keyed too, but replayed elsewhere: uploadAttachment by test/services/attachments/transaction-attachments.test.ts (its
 * input is a multipart file part, which this file's JSON requests cannot send); createWebhookEndpoint by
 * test/webhooks/endpoints.test.ts (its replay must answer the same secret, which these generic cases do not check).
 */
const KEYED_ELSEWHERE = ['uploadAttachment', 'createWebhookEndpoint'];

const mutationFields = Object.values(schema.getMutationType()!.getFields());
const inputFieldsOf = (name: string) => {
  const input = schema.getMutationType()!.getFields()[name]!.args.find((arg) => arg.name === 'input');
  const named = input && getNamedType(input.type);
  return named && isInputObjectType(named) ? named.getFields() : {};
};
const KEYED = mutationFields.filter((field) => 'idempotencyKey' in inputFieldsOf(field.name)).map((field) => field.name).sort();

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

// ── helpers ──────────────────────────────────────────────────────────────────────────────────

type Payload = Record<string, any>;

async function run(name: string, input: Record<string, unknown>): Promise<Payload> {
  const inputType = String(schema.getMutationType()!.getFields()[name]!.args.find((arg) => arg.name === 'input')!.type);
  const result = await app.gql(`mutation($input: ${inputType}) { ${name}(input: $input) { ${SELECTIONS[name]} } }`, { input });
  expect(result.errors, `${name}: ${JSON.stringify(result.errors)}`).toBeUndefined();
  return result.data![name] as Payload;
}

async function ok(name: string, input: Record<string, unknown>): Promise<Payload> {
  const payload = await run(name, input);
  expect(payload.__typename, `${name}: ${JSON.stringify(payload)}`).toMatch(/Success$/);
  return payload;
}

const ERROR = '__typename ... on Error { code message field }';
const node = (field: string, extra = '') => `${ERROR} ... on ${'X'} { ${field} { id ${extra} } }`;
/** What each mutation answers: enough to tell one created or posted object from another. */
const SELECTIONS: Record<string, string> = Object.fromEntries(
  Object.entries({
    createAccount: ['CreateAccountSuccess', 'account', 'balance'],
    createCategory: ['CreateCategorySuccess', 'category', 'title'],
    createAttachment: ['CreateAttachmentSuccess', 'attachment', 'fileName'],
    createExpense: ['CreateExpenseSuccess', 'expense', 'posted amount'],
    createIncome: ['CreateIncomeSuccess', 'income', 'posted amount'],
    postExpense: ['PostExpenseSuccess', 'expense', 'posted'],
    postIncome: ['PostIncomeSuccess', 'income', 'posted'],
    transferFunds: ['TransferFundsSuccess', 'transfer', 'posted amount'],
    postTransfer: ['PostTransferSuccess', 'transfer', 'posted'],
    createCounterparty: ['CreateCounterpartySuccess', 'counterparty', 'name'],
    createBudget: ['CreateBudgetSuccess', 'budget', 'name'],
    createBudgetGroup: ['CreateBudgetGroupSuccess', 'budgetGroup', 'name'],
    createTransaction: ['CreateTransactionSuccess', 'transaction', 'externalId'],
    createBudgetTransaction: ['CreateBudgetTransactionSuccess', 'budgetTransaction', 'amount'],
    createBudgetEmployee: ['CreateBudgetEmployeeSuccess', 'budgetEmployee', 'limit'],
    createBudgetContractor: ['CreateBudgetContractorSuccess', 'budgetContractor', 'limit'],
    createBudgetProject: ['CreateBudgetProjectSuccess', 'budgetProject', 'limit'],
    createBudgetInvoice: ['CreateBudgetInvoiceSuccess', 'budgetInvoice', ''],
    createEmployee: ['CreateEmployeeSuccess', 'employee', 'name'],
    createContractor: ['CreateContractorSuccess', 'contractor', 'name'],
    createProject: ['CreateProjectSuccess', 'project', 'name'],
    createInvoice: ['CreateInvoiceSuccess', 'invoice', 'number'],
  }).map(([name, [success, field, extra]]) => [name, node(field!, extra).replace('on X', `on ${success}`)]),
);
SELECTIONS.createExpense += ' ... on CreateExpenseSuccess { notPostedReason { code available required } }';
SELECTIONS.importTransactions = `${ERROR} ... on ImportTransactionsSuccess { created existing rows { status transactionId error { code } } }`;

let serial = 0;
const unique = (prefix: string) => `${prefix}-${++serial}`;

const account = async (openingBalance = '1000.00') =>
  (await ok('createAccount', { name: unique('Account'), currency: 'EUR', openingBalance })).account.id as string;
const budget = async (extra: Record<string, unknown> = {}) =>
  (
    await ok('createBudget', {
      name: unique('Budget'),
      type: 'GLOBAL',
      granularity: 'MONTH',
      dateFrom: '2024-01-01',
      dateTo: '2024-12-31',
      limit: '1000.00',
      currency: 'EUR',
      ...extra,
    })
  ).budget.id as string;
const transaction = async (amount = '50.00') =>
  (await ok('createTransaction', { externalId: unique('ext'), date: '2024-03-01', amount, currency: 'EUR', direction: 'DEBIT' })).transaction.id as string;
const expense = async (accountId: string, amount = '10.00', extra: Record<string, unknown> = {}) =>
  (await ok('createExpense', { title: unique('Expense'), amount, accountId, ...extra })).expense.id as string;
const income = async (accountId: string) => (await ok('createIncome', { title: unique('Income'), amount: '10.00', accountId })).income.id as string;
const transfer = async () => (await ok('transferFunds', { fromAccountId: await account(), toAccountId: await account(), amount: '5.00', title: unique('Move') })).transfer.id as string;
const employee = async () => (await ok('createEmployee', { name: unique('Employee') })).employee.id as string;
const contractor = async () => (await ok('createContractor', { name: unique('Contractor') })).contractor.id as string;
const project = async () => (await ok('createProject', { name: unique('Project') })).project.id as string;
const invoice = async () => (await ok('createInvoice', { number: unique('INV'), amount: '20.00', currency: 'EUR' })).invoice.id as string;

/**
 * Everything a mutation could write, for "nothing written": each table's row count, every
 * balance, every posting and cancellation state.
 */
async function snapshot() {
  const prisma = app.database.prisma as unknown as Record<string, { count(): Promise<number> }>;
  const tables = [
    'account', 'category', 'entry', 'transfer', 'changelogEvent', 'counterparty', 'budget', 'budgetGroup', 'employee',
    'contractor', 'project', 'invoice', 'budgetEmployee', 'budgetContractor', 'budgetProject', 'budgetInvoice',
    'transaction', 'budgetTransaction', 'budgetAlert', 'idempotencyRecord',
  ];
  const counts = Object.fromEntries(await Promise.all(tables.map(async (table) => [table, await prisma[table]!.count()] as const)));
  const db = app.database.prisma;
  return {
    counts,
    balances: await db.account.findMany({ select: { id: true, balanceMinor: true }, orderBy: { id: 'asc' } }),
    entries: await db.entry.findMany({ select: { id: true, posted: true }, orderBy: { id: 'asc' } }),
    transfers: await db.transfer.findMany({ select: { id: true, posted: true, cancelledAt: true }, orderBy: { id: 'asc' } }),
  };
}

/** Per mutation: a fresh valid input, and another input for the same key. */
const CASES: Record<string, () => Promise<{ input: Record<string, unknown>; other: Record<string, unknown> }>> = {
  createAccount: async () => ({ input: { name: 'Till', currency: 'EUR', openingBalance: '5.00' }, other: { name: 'Till', currency: 'EUR', openingBalance: '6.00' } }),
  createCategory: async () => ({ input: { title: 'Travel', kind: 'EXPENSE' }, other: { title: 'Travel', kind: 'INCOME' } }),
  createExpense: async () => {
    const accountId = await account();
    const input = { title: 'Paper', amount: '12.50', accountId, post: true };
    return { input, other: { ...input, amount: '12.51' } };
  },
  createIncome: async () => {
    const accountId = await account();
    const input = { title: 'Fee', amount: '40.00', accountId, post: true };
    return { input, other: { ...input, post: false } };
  },
  postExpense: async () => {
    const accountId = await account();
    return { input: { id: await expense(accountId) }, other: { id: await expense(accountId) } };
  },
  postIncome: async () => {
    const accountId = await account();
    return { input: { id: await income(accountId) }, other: { id: await income(accountId) } };
  },
  transferFunds: async () => {
    const input = { fromAccountId: await account(), toAccountId: await account(), amount: '30.00', title: 'Float', post: true };
    return { input, other: { ...input, amount: '31.00' } };
  },
  postTransfer: async () => ({ input: { id: await transfer() }, other: { id: await transfer() } }),
  createCounterparty: async () => ({ input: { kind: 'SUPPLIER', name: 'Acme' }, other: { kind: 'PARTNER', name: 'Acme' } }),
  createBudget: async () => {
    const input = { name: 'Q', type: 'GLOBAL', granularity: 'QUARTER', dateFrom: '2024-01-01', dateTo: '2024-12-31', limit: '10.00', currency: 'EUR' };
    return { input, other: { ...input, limit: '11.00' } };
  },
  createBudgetGroup: async () => ({ input: { name: 'Ops' }, other: { name: 'Ops 2' } }),
  createAttachment: async () => {
    const input = { transactionId: await transaction(), fileName: 'receipt.pdf', contentType: 'application/pdf', sizeBytes: 1200 };
    return { input, other: { ...input, fileName: 'other.pdf' } };
  },
  createTransaction: async () => {
    const input = { externalId: unique('erp'), date: '2024-02-02', amount: '9.99', currency: 'EUR', direction: 'CREDIT' };
    return { input, other: { ...input, amount: '9.98' } };
  },
  importTransactions: async () => {
    const row = { externalId: unique('bank'), date: '2024-02-03', amount: '3.00', currency: 'EUR', direction: 'DEBIT' };
    return { input: { transactions: [row] }, other: { transactions: [row, { ...row, externalId: unique('bank') }] } };
  },
  createBudgetTransaction: async () => {
    const input = { budgetId: await budget(), transactionId: await transaction(), amount: '10.00' };
    return { input, other: { ...input, amount: '11.00' } };
  },
  createBudgetEmployee: async () => {
    const input = { budgetId: await budget(), employeeId: await employee(), limit: '5.00' };
    return { input, other: { ...input, limit: '6.00' } };
  },
  createBudgetContractor: async () => {
    const input = { budgetId: await budget(), contractorId: await contractor(), limit: '5.00' };
    return { input, other: { ...input, limit: null } };
  },
  createBudgetProject: async () => {
    const input = { budgetId: await budget(), projectId: await project() };
    return { input, other: { ...input, limit: '1.00' } };
  },
  createBudgetInvoice: async () => {
    const budgetId = await budget();
    return { input: { budgetId, invoiceId: await invoice() }, other: { budgetId, invoiceId: await invoice() } };
  },
  createEmployee: async () => ({ input: { name: 'Ada', email: 'ada@example.com' }, other: { name: 'Ada' } }),
  createContractor: async () => ({ input: { name: 'Bob' }, other: { name: 'Bob', email: 'bob@example.com' } }),
  createProject: async () => ({ input: { name: 'Apollo', code: 'AP' }, other: { name: 'Apollo', code: 'AP2' } }),
  createInvoice: async () => {
    const input = { number: unique('INV'), amount: '20.00', currency: 'EUR' };
    return { input, other: { ...input, dueOn: '2024-09-01' } };
  },
};

// ── the set of keyed mutations ───────────────────────────────────────────────────────────────

describe('which mutations take idempotencyKey (from the schema)', () => {
  it('exactly the expected set', () => {
    expect(KEYED).toEqual([...EXPECTED_KEYED, ...KEYED_ELSEWHERE].sort());
  });

  it('every create, post, transfer, import and upload mutation is in it', () => {
    const creating = mutationFields.map((field) => field.name).filter((name) => /^(create|post|transfer|import|upload)/.test(name));
    expect(creating.sort()).toEqual([...EXPECTED_KEYED, ...KEYED_ELSEWHERE].sort());
  });

  it('this file has a replay case for each of them', () => {
    expect(Object.keys(CASES).sort()).toEqual(EXPECTED_KEYED);
  });
});

// ── replay and reuse, per mutation ───────────────────────────────────────────────────────────

describe.each(EXPECTED_KEYED)('%s with an idempotency key', (name) => {
  it('replays the first payload and writes nothing; another input with the key is IDEMPOTENCY_KEY_REUSED and writes nothing', async () => {
    const { input, other } = await CASES[name]!();
    const idempotencyKey = unique(`key-${name}`);
    const before = await snapshot();
    const first = await ok(name, { ...input, idempotencyKey });
    const afterFirst = await snapshot();
    expect(afterFirst.counts.idempotencyRecord).toBe(before.counts.idempotencyRecord! + 1);
    expect(afterFirst).not.toEqual(before); // the first call did write

    const replay = await run(name, { ...input, idempotencyKey });
    expect(replay).toEqual(first);
    expect(await snapshot()).toEqual(afterFirst);

    const reused = await run(name, { ...other, idempotencyKey });
    expect(reused).toMatchObject({ __typename: 'IdempotencyKeyReusedError', code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' });
    expect(await snapshot()).toEqual(afterFirst);

    // The key is what answered the replay: without it the request runs again and answers
    // something else (a second object, or a refusal such as ALREADY_POSTED or DUPLICATE).
    expect(await run(name, input)).not.toEqual(first);
  });
});

// ── what counts as the same input ───────────────────────────────────────────────────────────

describe('amounts are compared by value, not by spelling', () => {
  it('"3.0" then "3.00" with one key is the same request: replayed, one account', async () => {
    const first = await ok('createAccount', { name: 'Spelled', currency: 'EUR', openingBalance: '3.0', idempotencyKey: 'spelling' });
    const before = await snapshot();
    expect(await run('createAccount', { name: 'Spelled', currency: 'EUR', openingBalance: '3.00', idempotencyKey: 'spelling' })).toEqual(first);
    expect(await run('createAccount', { name: 'Spelled', currency: 'EUR', openingBalance: '03', idempotencyKey: 'spelling' })).toEqual(first);
    expect(await snapshot()).toEqual(before);
    // Another value is still another request.
    const other = await run('createAccount', { name: 'Spelled', currency: 'EUR', openingBalance: '3.01', idempotencyKey: 'spelling' });
    expect(other).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await snapshot()).toEqual(before);
  });

  it('inside lists too: an import whose amounts are spelled differently replays', async () => {
    const row = (amount: string) => ({ externalId: 'spelled-1', date: '2024-04-01', amount, currency: 'EUR', direction: 'DEBIT' });
    const first = await ok('importTransactions', { transactions: [row('10.5')], idempotencyKey: 'import-spelling' });
    const before = await snapshot();
    expect(await run('importTransactions', { transactions: [row('10.50')], idempotencyKey: 'import-spelling' })).toEqual(first);
    expect(await snapshot()).toEqual(before);
  });
});

// ── refused first attempts are remembered ────────────────────────────────────────────────────

describe('a refused first attempt replays the same typed error', () => {
  it('postExpense: INSUFFICIENT_FUNDS, still after the account is funded; the replay writes nothing', async () => {
    const accountId = await account('5.00');
    const id = await expense(accountId, '50.00');
    const first = await run('postExpense', { id, idempotencyKey: 'post-short' });
    expect(first).toMatchObject({ __typename: 'InsufficientFundsError', code: 'INSUFFICIENT_FUNDS' });

    // Fund the account: a fresh request would now succeed, but the key's outcome is fixed.
    await ok('createIncome', { title: 'Top up', amount: '100.00', accountId, post: true });
    const before = await snapshot();
    const replay = await run('postExpense', { id, idempotencyKey: 'post-short' });
    expect(replay).toEqual(first);
    expect(await snapshot()).toEqual(before);
    expect((await run('postExpense', { id, idempotencyKey: 'post-funded' })).__typename).toBe('PostExpenseSuccess');
  });

  it('createExpense with post and short funds: the saved-unposted answer and its notPostedReason replay, one expense', async () => {
    const accountId = await account('3.00');
    const input = { title: 'Short', amount: '4.00', accountId, post: true, idempotencyKey: 'create-short' };
    const first = await ok('createExpense', input);
    expect(first).toMatchObject({ expense: { posted: false }, notPostedReason: { code: 'INSUFFICIENT_FUNDS', available: '3.00', required: '4.00' } });
    const before = await snapshot();
    expect(await run('createExpense', input)).toEqual(first);
    expect(await snapshot()).toEqual(before);
  });

  it('transferFunds with post: INSUFFICIENT_FUNDS replayed, no transfer recorded', async () => {
    const input = { fromAccountId: await account('1.00'), toAccountId: await account(), amount: '2.00', title: 'Too much', post: true, idempotencyKey: 'move-short' };
    const before = await snapshot();
    const first = await run('transferFunds', input);
    expect(first).toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    expect(await run('transferFunds', input)).toEqual(first);
    const after = await snapshot();
    expect({ ...after, counts: { ...after.counts, idempotencyRecord: 0 } }).toEqual({ ...before, counts: { ...before.counts, idempotencyRecord: 0 } });
  });

  it('createBudgetTransaction: ALLOCATION_EXCEEDED replayed, no part written', async () => {
    const input = { budgetId: await budget(), transactionId: await transaction('10.00'), amount: '10.01', idempotencyKey: 'split-over' };
    const first = await run('createBudgetTransaction', input);
    expect(first).toMatchObject({ __typename: 'AllocationExceededError', code: 'ALLOCATION_EXCEEDED' });
    const parts = await app.database.prisma.budgetTransaction.count();
    expect(await run('createBudgetTransaction', input)).toEqual(first);
    expect(await app.database.prisma.budgetTransaction.count()).toBe(parts);
  });

  it('createExpense with post into a frozen budget: BUDGET_FROZEN replayed, no expense written', async () => {
    const accountId = await account();
    const budgetId = await budget({ limit: '10.00', config: ['AUTO_FREEZE'] });
    const input = { title: 'Over', amount: '10.01', accountId, budgetId, plannedDate: '2024-04-01', post: true, idempotencyKey: 'frozen' };
    const first = await run('createExpense', input);
    expect(first).toMatchObject({ __typename: 'BudgetFrozenError', code: 'BUDGET_FROZEN' });
    const entries = await app.database.prisma.entry.count();
    expect(await run('createExpense', input)).toEqual(first);
    expect(await app.database.prisma.entry.count()).toBe(entries);
  });
});

// ── budget alerts: once, after commit ────────────────────────────────────────────────────────

describe('an idempotent posting that crosses a budget alert threshold', () => {
  it('publishes the 80 % alert exactly once over SSE; its replay publishes nothing and writes nothing', async () => {
    const accountId = await account();
    const budgetId = await budget({ limit: '100.00', config: ['SPEND_ALERTS'] });
    const id = await expense(accountId, '85.00', { budgetId, plannedDate: '2024-06-01' });
    const subscription = await subscribeOverSse(app, app.orgA);
    try {
      const first = await run('postExpense', { id, idempotencyKey: 'alert-once' });
      expect(first.__typename).toBe('PostExpenseSuccess');
      const events = await subscription.waitFor(1);
      expect(events).toEqual([{ data: { budgetAlerts: expect.objectContaining({ thresholdPercent: 80, spent: '85.00', limit: '100.00' }) } }]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(subscription.events).toHaveLength(1);

      const before = await snapshot();
      expect(await run('postExpense', { id, idempotencyKey: 'alert-once' })).toEqual(first);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(subscription.events).toHaveLength(1);
      expect(await snapshot()).toEqual(before);
    } finally {
      await subscription.close();
    }
  });

  it('a refused idempotent posting publishes nothing, then or on replay', async () => {
    const accountId = await account();
    const budgetId = await budget({ limit: '100.00', config: ['SPEND_ALERTS', 'AUTO_FREEZE'] });
    const id = await expense(accountId, '100.01', { budgetId, plannedDate: '2024-06-01' });
    const subscription = await subscribeOverSse(app, app.orgA);
    try {
      const alerts = await app.database.prisma.budgetAlert.count();
      for (let attempt = 0; attempt < 2; attempt++) {
        expect(await run('postExpense', { id, idempotencyKey: 'alert-frozen' })).toMatchObject({ code: 'BUDGET_FROZEN' });
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(subscription.events).toHaveLength(0);
      expect(await app.database.prisma.budgetAlert.count()).toBe(alerts);
    } finally {
      await subscription.close();
    }
  });
});

// ── concurrency (real parallel connections) ──────────────────────────────────────────────────

describe.skipIf(!usingPostgres)('PostgreSQL: concurrent transferFunds with one key', () => {
  it('moves the money once and every request answers the same transfer', async () => {
    const fromAccountId = await account('100.00');
    const toAccountId = await account('0.00');
    const input = { fromAccountId, toAccountId, amount: '60.00', title: 'Race', post: true, idempotencyKey: 'race-1' };
    const results = await Promise.all(Array.from({ length: 6 }, () => run('transferFunds', input)));
    const ids = new Set(results.map((result) => result.transfer?.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toBeTruthy();
    const balances = await app.gql(`query($a: ID!, $b: ID!) { a: node(id: $a) { ... on Account { balance } } b: node(id: $b) { ... on Account { balance } } }`, {
      a: fromAccountId,
      b: toAccountId,
    });
    expect(balances.data).toEqual({ a: { balance: '40.00' }, b: { balance: '60.00' } });
  });
});

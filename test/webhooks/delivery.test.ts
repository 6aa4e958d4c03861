/**
 * Webhooks end to end, in-process: mutations through yoga.fetch, the real dispatcher, a real HTTP
 * receiver on 127.0.0.1 that verifies every signature with `standardwebhooks`. No mocks.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runUnitOfWork } from '../../src/services/core/unit-of-work.js';
import { createBudgetTransaction } from '../../src/services/budgets/budget-transactions.js';
import { DEFAULT_WEBHOOK_SETTINGS, type WebhookDeliverySettings } from '../../src/webhooks/settings.js';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { decodeIdOf } from '../../src/graphql/global-id.js';

let app: TestApp;
let receiver: WebhookReceiver;
let dispatcher: WebhookDispatcher | undefined;

const FAST: WebhookDeliverySettings = {
  ...DEFAULT_WEBHOOK_SETTINGS,
  pollIntervalMs: 20,
  timeoutMs: 2_000,
  leaseMs: 3_000,
  retryBaseMs: 50,
  retryMaxDelayMs: 200,
};

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());
afterEach(async () => {
  await dispatcher?.stop();
  dispatcher = undefined;
  await receiver?.close();
  // Each test starts with no endpoints, so one test's events never reach another's receiver.
  await app.database.prisma.webhookEndpoint.deleteMany({});
});

const ERROR = '... on Error { __typename code message field }';

async function mutate(name: string, input: Record<string, unknown>, selection = '', as = app.orgA) {
  const type = `${name.charAt(0).toUpperCase()}${name.slice(1)}Input`;
  const response = await app.gql(`mutation($input: ${type}!) { ${name}(input: $input) { __typename ${selection} ${ERROR} } }`, { input }, as);
  expect(response.errors).toBeUndefined();
  return response.data![name];
}

async function endpoint(events: string[], settings: Partial<WebhookDeliverySettings> = {}) {
  receiver = await startWebhookReceiver();
  const created = await mutate('createWebhookEndpoint', { url: receiver.url, events, description: 'test' }, '... on CreateWebhookEndpointSuccess { secret endpoint { id url events enabled } }');
  expect(created.__typename).toBe('CreateWebhookEndpointSuccess');
  receiver.secret = created.secret;
  dispatcher = new WebhookDispatcher(app.database.prisma, { ...FAST, ...settings });
  return created.endpoint.id as string;
}

async function ledger() {
  const account = await mutate('createAccount', { name: 'Ops', currency: 'EUR', openingBalance: '1000.00' }, '... on CreateAccountSuccess { account { id } }');
  const category = await mutate('createCategory', { title: `Office ${Math.random()}`, kind: 'EXPENSE' }, '... on CreateCategorySuccess { category { id } }');
  return { accountId: account.account.id as string, categoryId: category.category.id as string };
}

/** One change that is an event (entry.created). */
async function someEvent() {
  const { accountId, categoryId } = await ledger();
  await mutate('createExpense', { title: 'Ops', amount: '1.00', accountId, categoryId }, '... on CreateExpenseSuccess { expense { id } }');
}

async function deliveries(endpointId: string) {
  const response = await app.gql(
    `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { enabled consecutiveFailures disabledReason deliveries { totalCount nodes { webhookId eventType status attempts lastResponseCode lastError nextAttemptAt deliveredAt } } } } }`,
    { id: endpointId },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.node;
}

describe('delivery', () => {
  it('createExpense(post: true) sends entry.created and entry.posted, signed, with the object as the API shows it', async () => {
    await endpoint(['entry.created', 'entry.posted']);
    const { accountId, categoryId } = await ledger();
    const created = await mutate('createExpense', { title: 'Printer', amount: '12.50', accountId, categoryId, post: true }, '... on CreateExpenseSuccess { expense { id } }');
    dispatcher!.start();
    const received = await receiver.waitFor(2);
    expect(received.map((r) => r.payload.type).sort()).toEqual(['entry.created', 'entry.posted']);
    for (const request of received) {
      expect(request.verified).toBe(true);
      expect(request.id).toMatch(/^msg_/);
      expect(request.payload.data).toMatchObject({ __typename: 'Expense', id: created.expense.id, amount: '12.50', account: { id: accountId } });
      expect(new Date(request.payload.timestamp).toString()).not.toBe('Invalid Date');
    }
    expect(new Set(received.map((r) => r.id)).size).toBe(2);
  });

  it('a commit in this process wakes its dispatcher: delivered at once, not at the next poll', async () => {
    await endpoint(['entry.created'], { pollIntervalMs: 600_000 });
    dispatcher!.start();
    // Let the first (empty) poll pass; the next one is ten minutes away.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await someEvent();
    await receiver.waitFor(1, 5_000);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a tampered body fails verification (the receiver really checks)', async () => {
    const endpointId = await endpoint(['*']);
    await someEvent();
    dispatcher!.start();
    const [first] = await receiver.waitFor(1);
    const { Webhook } = await import('standardwebhooks');
    expect(() =>
      new Webhook(receiver.secret!).verify(first!.body.replace('Ops', 'Opz'), {
        'webhook-id': first!.id,
        'webhook-timestamp': first!.timestamp,
        'webhook-signature': first!.signature,
      }),
    ).toThrow();
    expect(endpointId).toBeTruthy();
  });

  it('a receiver that fails 3 times gets the event on the 4th attempt, with the same webhook-id', async () => {
    const endpointId = await endpoint(['transfer.created']);
    receiver.respond = (n) => (n <= 3 ? 503 : 200);
    const { accountId } = await ledger();
    const other = await mutate('createAccount', { name: 'Other', currency: 'EUR', openingBalance: '0' }, '... on CreateAccountSuccess { account { id } }');
    await mutate('transferFunds', { fromAccountId: accountId, toAccountId: other.account.id, amount: '1.00', title: 'Move' }, '... on TransferFundsSuccess { transfer { id } }');
    dispatcher!.start();
    const received = await receiver.waitFor(4);
    expect(new Set(received.map((r) => r.id)).size).toBe(1);
    expect(received.every((r) => r.verified)).toBe(true);
    await waitUntil(async () => (await deliveries(endpointId)).deliveries.nodes[0].status === 'SUCCEEDED');
    const state = await deliveries(endpointId);
    expect(state.deliveries.nodes[0]).toMatchObject({ eventType: 'transfer.created', status: 'SUCCEEDED', attempts: 4, lastResponseCode: 200, nextAttemptAt: null });
    expect(state.consecutiveFailures).toBe(0);
  });

  it('an endpoint failing N times in a row is disabled, and updateWebhookEndpoint(enabled: true) re-enables it', async () => {
    const endpointId = await endpoint(['*'], { disableAfterFailures: 3 });
    receiver.respond = () => 500;
    await someEvent();
    await someEvent();
    await someEvent();
    dispatcher!.start();
    await waitUntil(async () => (await deliveries(endpointId)).enabled === false);
    const disabled = await deliveries(endpointId);
    expect(disabled.consecutiveFailures).toBe(3);
    expect(disabled.disabledReason).toMatch(/3 failed attempts/);
    const count = receiver.received.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received.length).toBe(count);
    receiver.respond = () => 200;
    const enabled = await mutate('updateWebhookEndpoint', { id: endpointId, enabled: true }, '... on UpdateWebhookEndpointSuccess { endpoint { enabled consecutiveFailures } }');
    expect(enabled.endpoint).toEqual({ enabled: true, consecutiveFailures: 0 });
    await waitUntil(async () => (await deliveries(endpointId)).deliveries.nodes.every((d: { status: string }) => d.status === 'SUCCEEDED'));
  });

  it('redeliverWebhook sends a delivered event again with the same webhook-id', async () => {
    const endpointId = await endpoint(['*']);
    await someEvent();
    dispatcher!.start();
    await waitUntil(async () => (await deliveries(endpointId)).deliveries.nodes.every((d: { status: string }) => d.status === 'SUCCEEDED'));
    const ids = await app.gql(`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries(first: 1) { nodes { id webhookId } } } } }`, { id: endpointId });
    const delivery = ids.data!.node.deliveries.nodes[0];
    const before = receiver.received.length;
    const again = await mutate('redeliverWebhook', { id: delivery.id }, '... on RedeliverWebhookSuccess { delivery { status } }');
    expect(again.__typename).toBe('RedeliverWebhookSuccess');
    await receiver.waitFor(before + 1);
    expect(receiver.received.at(-1)!.id).toBe(delivery.webhookId);
  });
});

describe('events commit with their change', () => {
  async function alertBudget() {
    const budget = await mutate(
      'createBudget',
      { name: 'Alerts', type: 'GLOBAL', granularity: 'YEAR', dateFrom: '2024-01-01', dateTo: '2024-12-31', limit: '100.00', currency: 'EUR', config: ['SPEND_ALERTS'] },
      '... on CreateBudgetSuccess { budget { id } }',
    );
    const transaction = await mutate(
      'createTransaction',
      { externalId: `t-${Math.random()}`, date: '2024-02-01', amount: '100.00', currency: 'EUR', direction: 'DEBIT' },
      '... on CreateTransactionSuccess { transaction { id } }',
    );
    return { budgetId: budget.budget.id as string, transactionId: transaction.transaction.id as string };
  }

  it('the spend that fires an alert and its budget.alert webhook commit together; a rolled-back one sends nothing', async () => {
    const endpointId = await endpoint(['budget.alert', 'budget_transaction.created']);
    const { budgetId, transactionId } = await alertBudget();
    const ids = { budgetId: decodeIdOf('Budget', budgetId), transactionId: decodeIdOf('Transaction', transactionId) };
    // Rolled back after the alert was recorded: neither the spend nor any event survives.
    await expect(
      runUnitOfWork({ db: app.database.prisma, viewer: app.orgA.viewer }, async (uow) => {
        await createBudgetTransaction(uow, { ...ids, amount: '85.00' });
        throw new Error('the rest of the unit of work failed');
      }),
    ).rejects.toThrow('the rest of the unit of work failed');
    expect(await app.database.prisma.webhookEvent.count({ where: { organizationId: app.orgA.organizationId, type: { in: ['budget.alert', 'budget_transaction.created'] } } })).toBe(0);
    expect(await app.database.prisma.budgetAlert.count({ where: { budgetId: ids.budgetId } })).toBe(0);

    await mutate('createBudgetTransaction', { budgetId, transactionId, amount: '85.00' }, '... on CreateBudgetTransactionSuccess { budgetTransaction { id } }');
    dispatcher!.start();
    const received = await receiver.waitFor(2);
    expect(received.map((r) => r.payload.type).sort()).toEqual(['budget.alert', 'budget_transaction.created']);
    const alert = received.find((r) => r.payload.type === 'budget.alert')!;
    expect(alert.verified).toBe(true);
    expect(alert.payload.data).toMatchObject({ __typename: 'BudgetAlert', thresholdPercent: 80, spent: '85.00', limit: '100.00', budget: { id: budgetId } });
    expect((await deliveries(endpointId)).deliveries.totalCount).toBe(2);
  });

  it('a spend refused by a frozen budget is rolled back, but budget.frozen is still sent', async () => {
    await endpoint(['budget.frozen', 'budget_transaction.created']);
    const budget = await mutate(
      'createBudget',
      { name: 'Frozen', type: 'GLOBAL', granularity: 'YEAR', dateFrom: '2024-01-01', dateTo: '2024-12-31', limit: '50.00', currency: 'EUR', config: ['AUTO_FREEZE'] },
      '... on CreateBudgetSuccess { budget { id } }',
    );
    const transaction = await mutate(
      'createTransaction',
      { externalId: `t-${Math.random()}`, date: '2024-02-01', amount: '100.00', currency: 'EUR', direction: 'DEBIT' },
      '... on CreateTransactionSuccess { transaction { id } }',
    );
    const refused = await mutate('createBudgetTransaction', { budgetId: budget.budget.id, transactionId: transaction.transaction.id, amount: '50.01' });
    expect(refused.code).toBe('BUDGET_FROZEN');
    expect(await app.database.prisma.budgetTransaction.count({ where: { transactionId: decodeIdOf('Transaction', transaction.transaction.id) } })).toBe(0);
    dispatcher!.start();
    const [frozen] = await receiver.waitFor(1);
    expect(frozen!.payload.type).toBe('budget.frozen');
    expect(frozen!.payload.data).toMatchObject({ __typename: 'Budget', id: budget.budget.id, refusal: { code: 'BUDGET_FROZEN' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received).toHaveLength(1);
  });

  it('an idempotent refused spend sends budget.frozen once, and its replay sends nothing more', async () => {
    await endpoint(['budget.frozen']);
    const budget = await mutate(
      'createBudget',
      { name: 'Frozen', type: 'GLOBAL', granularity: 'YEAR', dateFrom: '2024-01-01', dateTo: '2024-12-31', limit: '10.00', currency: 'EUR', config: ['AUTO_FREEZE'] },
      '... on CreateBudgetSuccess { budget { id } }',
    );
    const transaction = await mutate(
      'createTransaction',
      { externalId: `t-${Math.random()}`, date: '2024-02-01', amount: '100.00', currency: 'EUR', direction: 'DEBIT' },
      '... on CreateTransactionSuccess { transaction { id } }',
    );
    const input = { budgetId: budget.budget.id, transactionId: transaction.transaction.id, amount: '20.00', idempotencyKey: `frozen-${Math.random()}` };
    expect((await mutate('createBudgetTransaction', input)).code).toBe('BUDGET_FROZEN');
    expect((await mutate('createBudgetTransaction', input)).code).toBe('BUDGET_FROZEN');
    dispatcher!.start();
    await receiver.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received.map((r) => r.payload.type)).toEqual(['budget.frozen']);
  });

  it('an organization without endpoints writes no outbox rows; another tenant never gets A\'s events', async () => {
    await endpoint(['*']);
    const before = await app.database.prisma.webhookEvent.count({ where: { organizationId: app.orgB.organizationId } });
    const account = await mutate('createAccount', { name: 'B only', currency: 'EUR', openingBalance: '10.00' }, '... on CreateAccountSuccess { account { id } }', app.orgB);
    const category = await mutate('createCategory', { title: 'B', kind: 'EXPENSE' }, '... on CreateCategorySuccess { category { id } }', app.orgB);
    await mutate('createExpense', { title: 'B', amount: '1.00', accountId: account.account.id, categoryId: category.category.id, post: true }, '', app.orgB);
    expect(await app.database.prisma.webhookEvent.count({ where: { organizationId: app.orgB.organizationId } })).toBe(before);
  });
});

describe('event types', () => {
  it('every lifecycle change of budgets, entries, transfers, transactions and budget transactions is sent, deletes as tombstones', async () => {
    await endpoint(['*']);
    const { accountId, categoryId } = await ledger();
    const budget = await mutate(
      'createBudget',
      { name: 'Life', type: 'GLOBAL', granularity: 'YEAR', dateFrom: '2024-01-01', dateTo: '2024-12-31', limit: '100.00', currency: 'EUR' },
      '... on CreateBudgetSuccess { budget { id } }',
    );
    const budgetId = budget.budget.id;
    await mutate('updateBudget', { id: budgetId, name: 'Life 2' });
    const expense = await mutate('createExpense', { title: 'E', amount: '2.00', accountId, categoryId, post: true }, '... on CreateExpenseSuccess { expense { id } }');
    await mutate('unpostExpense', { id: expense.expense.id });
    await mutate('updateExpense', { id: expense.expense.id, amount: '3.00' });
    await mutate('deleteExpense', { id: expense.expense.id });
    const other = await mutate('createAccount', { name: 'Other', currency: 'EUR', openingBalance: '0' }, '... on CreateAccountSuccess { account { id } }');
    const transfer = await mutate('transferFunds', { fromAccountId: accountId, toAccountId: other.account.id, amount: '1.00', title: 'T' }, '... on TransferFundsSuccess { transfer { id } }');
    await mutate('postTransfer', { id: transfer.transfer.id });
    await mutate('cancelTransfer', { id: transfer.transfer.id });
    await mutate('importTransactions', { transactions: [{ externalId: `imp-${Math.random()}`, date: '2024-03-01', amount: '10.00', currency: 'EUR', direction: 'DEBIT' }] });
    const transaction = await mutate(
      'createTransaction',
      { externalId: `t-${Math.random()}`, date: '2024-02-01', amount: '50.00', currency: 'EUR', direction: 'DEBIT' },
      '... on CreateTransactionSuccess { transaction { id } }',
    );
    const part = await mutate('createBudgetTransaction', { budgetId, transactionId: transaction.transaction.id, amount: '5.00' }, '... on CreateBudgetTransactionSuccess { budgetTransaction { id } }');
    await mutate('updateBudgetTransaction', { id: part.budgetTransaction.id, amount: '6.00' });
    await mutate('deleteBudgetTransaction', { id: part.budgetTransaction.id });
    await mutate('deleteBudget', { id: budgetId });
    const expected = [
      'budget.created', 'budget.updated', 'entry.created', 'entry.posted', 'entry.unposted', 'entry.updated', 'entry.deleted',
      'transfer.created', 'transfer.posted', 'transfer.cancelled', 'transaction.imported', 'transaction.created',
      'budget_transaction.created', 'budget_transaction.updated', 'budget_transaction.deleted', 'budget.deleted',
    ];
    dispatcher!.start();
    const received = await receiver.waitFor(expected.length);
    // Each is sent once; order across deliveries is not promised, so compare as sets.
    expect(received.map((r) => r.payload.type).sort()).toEqual([...expected].sort());
    expect(received.every((r) => r.verified)).toBe(true);
    const deleted = received.find((r) => r.payload.type === 'entry.deleted')!;
    expect(deleted.payload.data).toEqual({ __typename: 'Expense', id: expense.expense.id });
    const posted = received.find((r) => r.payload.type === 'transfer.posted')!;
    expect(posted.payload.data).toMatchObject({ __typename: 'Transfer', id: transfer.transfer.id, amount: '1.00' });
  });
});

describe('retention', () => {
  it('forgets finished deliveries and their events after the retention, never pending ones', async () => {
    const endpointId = await endpoint(['*']);
    await someEvent();
    await someEvent();
    expect(await dispatcher!.runOnce()).toBeGreaterThan(0);
    // Queued, then its endpoint paused: it stays pending.
    await someEvent();
    await mutate('updateWebhookEndpoint', { id: endpointId, enabled: false });
    const { purgeWebhookHistory } = await import('../../src/webhooks/retention.js');
    const db = app.database.prisma;
    const pending = await db.webhookDelivery.count({ where: { status: 'PENDING' } });
    expect(pending).toBeGreaterThan(0);
    expect(await purgeWebhookHistory(db, 30)).toEqual({ deliveries: 0, events: 0 });
    const later = new Date(Date.now() + 31 * 86_400_000);
    const purged = await purgeWebhookHistory(db, 30, later);
    expect(purged.deliveries).toBeGreaterThan(0);
    expect(await db.webhookDelivery.count({ where: { status: { not: 'PENDING' } } })).toBe(0);
    expect(await db.webhookDelivery.count({ where: { status: 'PENDING' } })).toBe(pending);
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

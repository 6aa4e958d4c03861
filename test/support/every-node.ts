/**
 * One organization's data with at least one object of EVERY Node type, written through the API
 * the way a client would: posted expense and income, a posted and a cancelled transfer, a budget
 * (AUTO_FREEZE + SPEND_ALERTS) whose 80 % alert fired, allocations of each kind, an external
 * transaction split onto the budget, an attachment. Used by the security test (tenancy through
 * every Node type), the fuzzing test and the crash test (so the invariants have postings,
 * transfers and budget parts to check).
 */

export type Send = (query: string, variables?: Record<string, unknown>) => Promise<{ data?: Record<string, any> | null; errors?: unknown[] }>;

/** Node type name → the global id of one object of that type. */
export type NodeFixtures = Map<string, string>;

async function mutate(send: Send, name: string, input: Record<string, unknown>, select: string): Promise<Record<string, any>> {
  const inputType = `${name.charAt(0).toUpperCase()}${name.slice(1)}Input!`;
  const result = await send(`mutation($input: ${inputType}) { ${name}(input: $input) { __typename ... on Error { code message } ${select} } }`, { input });
  const payload = result.data?.[name] as Record<string, any> | undefined;
  if (!payload || !String(payload.__typename).endsWith('Success')) {
    throw new Error(`fixture ${name} failed: ${JSON.stringify(result.errors ?? payload)}`);
  }
  return payload;
}

const idOf = async (send: Send, name: string, input: Record<string, unknown>, field: string) =>
  (await mutate(send, name, input, `... on ${name.charAt(0).toUpperCase()}${name.slice(1)}Success { ${field} { id } }`))[field].id as string;

/** `tag` keeps names and external ids apart when one organization is seeded more than once. */
export async function seedEveryNodeType(send: Send, tag = 'fx'): Promise<NodeFixtures> {
  const ids: NodeFixtures = new Map();
  const main = await idOf(send, 'createAccount', { name: `${tag} main`, currency: 'EUR', openingBalance: '1000.00' }, 'account');
  const spare = await idOf(send, 'createAccount', { name: `${tag} spare`, currency: 'EUR' }, 'account');
  ids.set('Account', main);
  ids.set('Category', await idOf(send, 'createCategory', { title: `${tag} supplies`, kind: 'EXPENSE' }, 'category'));
  ids.set('Counterparty', await idOf(send, 'createCounterparty', { kind: 'SUPPLIER', name: `${tag} Acme` }, 'counterparty'));
  ids.set('BudgetGroup', await idOf(send, 'createBudgetGroup', { name: `${tag} ops` }, 'budgetGroup'));
  const budget = await idOf(
    send,
    'createBudget',
    {
      name: `${tag} events`,
      type: 'GLOBAL',
      granularity: 'MONTH',
      dateFrom: '2024-01-01',
      dateTo: '2024-12-31',
      budgetGroupId: ids.get('BudgetGroup'),
      config: ['SPEND_ALERTS', 'AUTO_FREEZE'],
      limit: '100.00',
      currency: 'EUR',
    },
    'budget',
  );
  ids.set('Budget', budget);
  // 85 of 100: the 80 % alert fires.
  ids.set(
    'Expense',
    await idOf(
      send,
      'createExpense',
      {
        title: `${tag} booth`,
        amount: '85.00',
        accountId: main,
        categoryId: ids.get('Category'),
        counterpartyId: ids.get('Counterparty'),
        budgetId: budget,
        plannedDate: '2024-05-10',
        post: true,
      },
      'expense',
    ),
  );
  ids.set('Income', await idOf(send, 'createIncome', { title: `${tag} fee`, amount: '40.00', accountId: spare, post: true }, 'income'));
  ids.set('Transfer', await idOf(send, 'transferFunds', { fromAccountId: main, toAccountId: spare, amount: '20.00', title: `${tag} float`, post: true }, 'transfer'));
  const undone = await idOf(send, 'transferFunds', { fromAccountId: main, toAccountId: spare, amount: '5.00', title: `${tag} undone`, post: true }, 'transfer');
  await mutate(send, 'cancelTransfer', { id: undone }, '');
  ids.set('Employee', await idOf(send, 'createEmployee', { name: `${tag} Ada` }, 'employee'));
  ids.set('Contractor', await idOf(send, 'createContractor', { name: `${tag} Bob` }, 'contractor'));
  ids.set('Project', await idOf(send, 'createProject', { name: `${tag} Apollo` }, 'project'));
  ids.set('Invoice', await idOf(send, 'createInvoice', { number: `${tag}-INV-1`, amount: '30.00', currency: 'EUR' }, 'invoice'));
  ids.set('BudgetEmployee', await idOf(send, 'createBudgetEmployee', { budgetId: budget, employeeId: ids.get('Employee'), limit: '50.00' }, 'budgetEmployee'));
  ids.set('BudgetContractor', await idOf(send, 'createBudgetContractor', { budgetId: budget, contractorId: ids.get('Contractor') }, 'budgetContractor'));
  ids.set('BudgetProject', await idOf(send, 'createBudgetProject', { budgetId: budget, projectId: ids.get('Project') }, 'budgetProject'));
  ids.set('BudgetInvoice', await idOf(send, 'createBudgetInvoice', { budgetId: budget, invoiceId: ids.get('Invoice') }, 'budgetInvoice'));
  ids.set(
    'Transaction',
    await idOf(send, 'createTransaction', { externalId: `${tag}-erp-1`, date: '2024-03-01', amount: '30.00', currency: 'EUR', direction: 'DEBIT' }, 'transaction'),
  );
  ids.set(
    'BudgetTransaction',
    await idOf(send, 'createBudgetTransaction', { budgetId: budget, transactionId: ids.get('Transaction'), employeeId: ids.get('Employee'), amount: '10.00' }, 'budgetTransaction'),
  );
  ids.set(
    'Attachment',
    await idOf(
      send,
      'createAttachment',
      { transactionId: ids.get('Transaction'), fileName: `${tag}-receipt.pdf`, contentType: 'application/pdf', sizeBytes: 1024 },
      'attachment',
    ),
  );
  const alerts = await send(`query($id: ID!) { node(id: $id) { ... on Budget { alerts { id } } } }`, { id: budget });
  const alertId = (alerts.data?.node as { alerts?: Array<{ id: string }> } | null)?.alerts?.[0]?.id;
  if (!alertId) throw new Error(`fixture BudgetAlert missing: ${JSON.stringify(alerts)}`);
  ids.set('BudgetAlert', alertId);
  // Last, so the fixtures above queue no deliveries: one change after it queues the one delivery.
  ids.set(
    'WebhookEndpoint',
    await idOf(send, 'createWebhookEndpoint', { url: `http://127.0.0.1:9/${tag}` /* the discard port: nothing answers, nothing leaves the machine */, events: ['*'], description: `${tag} receiver` }, 'endpoint'),
  );
  await mutate(send, 'createTransaction', { externalId: `${tag}-erp-2`, date: '2024-03-02', amount: '1.00', currency: 'EUR', direction: 'DEBIT' }, '');
  const deliveries = await send(`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries(first: 1) { nodes { id } } } } }`, {
    id: ids.get('WebhookEndpoint'),
  });
  const deliveryId = (deliveries.data?.node as { deliveries?: { nodes: Array<{ id: string }> } } | null)?.deliveries?.nodes[0]?.id;
  if (!deliveryId) throw new Error(`fixture WebhookDelivery missing: ${JSON.stringify(deliveries)}`);
  ids.set('WebhookDelivery', deliveryId);
  return ids;
}

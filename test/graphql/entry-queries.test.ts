/**
 * The CRM "list" and "info" through GraphQL: every filter, ordering, the list columns, node(id:)
 * for both kinds, the changelog's contents, tenancy, and the SQL statement count of a full page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId as gid } from '../../src/graphql/global-id.js';
import { createAttachment } from '../../src/services/attachments/attachments.js';
import { createEntry, updateEntry } from '../../src/services/ledger/entries.js';
import { createOrganization } from '../../src/services/core/organizations.js';
import { postEntry, unpostEntry } from '../../src/services/ledger/posting.js';
import { transferFunds } from '../../src/services/ledger/transfers.js';
import { createTestApp, RAISED_COST_LIMIT, type TestApp, type TestTenant } from '../support/app.js';
import { ledgerScenario, type LedgerScenario } from '../support/ledger-fixtures.js';
import { runService } from '../../src/services/core/service.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp(RAISED_COST_LIMIT);
});
afterAll(() => app.close());

/** A fresh organization with its own key, so each describe block sees only its own records. */
async function newTenant(name: string): Promise<TestTenant> {
  const { organization, apiKey, key } = await createOrganization(app.database.prisma, { name });
  return { organizationId: organization.id, apiKey, viewer: { organizationId: organization.id, userId: key.userId } };
}
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe('expenses / incomes filters and ordering', () => {
  let tenant: TestTenant;
  let s: LedgerScenario;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    tenant = await newTenant('Filters');
    s = await ledgerScenario(app.database.prisma, tenant.viewer);
    const add = async (key: string, input: Parameters<typeof createEntry>[1]) => {
      ids[key] = (await runService(app.database.prisma, tenant.viewer, createEntry, input)).entry.id;
    };
    await add('taxes', {
      kind: 'EXPENSE', title: 'Налоги', description: 'Оплата по счету № 259', amount: '50.00', accountId: s.cash.id, categoryId: s.rent.id,
      counterpartyId: s.supplier.id, plannedDate: day('2024-02-19'), dealRef: 'D-979', invoiceNumber: 'INV-1100', post: true,
    });
    await add('phone', {
      kind: 'EXPENSE', title: 'Телефон', amount: '20.00', accountId: s.bank.id, categoryId: s.phone.id, counterpartyId: s.partner.id, plannedDate: day('2024-03-05'),
    });
    await add('old', { kind: 'EXPENSE', title: 'Old', amount: '30.00', accountId: s.cash.id, categoryId: s.office.id, plannedDate: day('2023-12-31') });
    await add('now', { kind: 'EXPENSE', title: 'Now', amount: '5.00', accountId: s.cash.id });
    await add('income', { kind: 'INCOME', title: 'Доход', amount: '1.00', accountId: s.cash.id, plannedDate: day('2024-02-01') });
  });

  async function titles(filter: Record<string, unknown> | null, orderBy?: Record<string, unknown>, field = 'expenses') {
    const res = await app.gql(
      `query($filter: EntryFilter, $orderBy: EntryOrder) { ${field}(filter: $filter, orderBy: $orderBy) { totalCount edges { node { title } } } }`,
      { filter, orderBy },
      tenant,
    );
    expect(res.errors).toBeUndefined();
    const list = res.data![field];
    expect(list.totalCount).toBe(list.edges.length);
    return list.edges.map((edge: { node: { title: string } }) => edge.node.title).sort();
  }
  async function errorCode(filter: Record<string, unknown>) {
    const res = await app.gql(`query($filter: EntryFilter) { expenses(filter: $filter) { totalCount } }`, { filter }, tenant);
    return res.errors?.[0]?.extensions?.code;
  }

  it('defaults to the current year (CRM "year")', async () => {
    expect(await titles(null)).toEqual(['Now']);
  });
  it('year', async () => {
    expect(await titles({ year: 2024 })).toEqual(['Налоги', 'Телефон']);
  });
  it('month', async () => {
    expect(await titles({ year: 2024, month: 2 })).toEqual(['Налоги']);
  });
  it('refuses a month outside 1–12 and an absurd year with a typed INVALID_INPUT', async () => {
    expect(await errorCode({ month: 13 })).toBe('INVALID_INPUT');
    expect(await errorCode({ month: 0 })).toBe('INVALID_INPUT');
    expect(await errorCode({ year: 20245 })).toBe('INVALID_INPUT');
  });
  it('text search over title, description and invoice number, case-insensitive (CRM "word")', async () => {
    expect(await titles({ year: 2024, search: 'inv-1100' })).toEqual(['Налоги']);
    expect(await titles({ year: 2024, search: 'по счету' })).toEqual(['Налоги']);
    // Case folding of non-ASCII letters follows the database's LC_CTYPE (a C-locale server folds
    // only ASCII), so the Cyrillic case here matches the stored title.
    expect(await titles({ year: 2024, search: 'лефо' })).toEqual(['Телефон']);
  });
  it('search is for the text as typed: % _ and \\ are not wildcards', async () => {
    expect(await titles({ search: '%' })).toEqual([]); // matched "Now" (and every record) before
    expect(await titles({ search: '_' })).toEqual([]);
    expect(await titles({ search: '\\' })).toEqual([]);
    expect(await titles({ year: 2024, search: 'inv_1100' })).toEqual([]); // `_` matched the "-" of INV-1100
    expect(await titles({ year: 2024, search: '№ 259' })).toEqual(['Налоги']);
  });
  it('deal (CRM "did")', async () => {
    expect(await titles({ year: 2024, dealRef: 'D-979' })).toEqual(['Налоги']);
  });
  it('posted / not posted (CRM "do" / "nodo")', async () => {
    expect(await titles({ year: 2024, posted: true })).toEqual(['Налоги']);
    expect(await titles({ year: 2024, posted: false })).toEqual(['Телефон']);
  });
  it('category includes its descendants', async () => {
    expect(await titles({ year: 2024, categoryId: gid('Category', s.office.id) })).toEqual(['Налоги']);
    expect(await titles({ plannedFrom: '2023-01-01', categoryId: gid('Category', s.office.id) })).toEqual(['Old', 'Налоги']);
    expect(await titles({ year: 2024, categoryId: gid('Category', s.rent.id) })).toEqual(['Налоги']);
  });
  it('account', async () => {
    expect(await titles({ year: 2024, accountId: gid('Account', s.bank.id) })).toEqual(['Телефон']);
  });
  it('counterparty', async () => {
    expect(await titles({ year: 2024, counterpartyId: gid('Counterparty', s.partner.id) })).toEqual(['Телефон']);
  });
  it('plan-date range (a range lifts the year default)', async () => {
    expect(await titles({ plannedFrom: '2024-03-01', plannedTo: '2024-03-31' })).toEqual(['Телефон']);
    expect(await titles({ plannedTo: '2024-01-01' })).toEqual(['Old']);
    expect(await errorCode({ plannedFrom: '2024-03-31', plannedTo: '2024-03-01' })).toBe('INVALID_DATE_RANGE');
  });
  it('a malformed id in a filter is INVALID_ID', async () => {
    expect(await errorCode({ accountId: gid('Category', s.rent.id) })).toBe('INVALID_ID');
  });
  it('incomes list only incomes', async () => {
    expect(await titles({ year: 2024 }, undefined, 'incomes')).toEqual(['Доход']);
  });
  it('orders by amount, plan date and title', async () => {
    const ordered = async (orderBy: Record<string, unknown>) => {
      const res = await app.gql(
        `query($orderBy: EntryOrder) { expenses(filter: { plannedFrom: "2000-01-01" }, orderBy: $orderBy) { edges { node { title } } } }`,
        { orderBy },
        tenant,
      );
      return res.data!.expenses.edges.map((edge: { node: { title: string } }) => edge.node.title);
    };
    expect(await ordered({ field: 'AMOUNT', direction: 'ASC' })).toEqual(['Телефон', 'Old', 'Налоги']);
    expect(await ordered({ field: 'PLANNED_DATE', direction: 'DESC' })).toEqual(['Телефон', 'Налоги', 'Old']);
    expect(await ordered({ field: 'TITLE', direction: 'ASC' })).toEqual(['Old', 'Налоги', 'Телефон']);
  });
  it('shows the CRM list columns: period, type, category, source account, supplier, partner, deal, overdue', async () => {
    const res = await app.gql(
      `query($id: ID!, $phone: ID!) {
        taxes: node(id: $id) { ... on Expense { period { year month label } type category { title } account { name } supplier { name } partner { name } dealRef invoiceNumber isOverdue posted } }
        phone: node(id: $phone) { ... on Expense { supplier { name } partner { name } isOverdue } }
      }`,
      { id: gid('Expense', ids.taxes!), phone: gid('Expense', ids.phone!) },
      tenant,
    );
    expect(res.data).toEqual({
      taxes: {
        period: { year: 2024, month: 2, label: '2.2024' }, type: 'EXPENSE', category: { title: 'Аренда офиса' }, account: { name: 'Касса' },
        supplier: { name: 'Первая компания поставок, ООО' }, partner: null, dealRef: 'D-979', invoiceNumber: 'INV-1100', isOverdue: false, posted: true,
      },
      // Unposted with a plan date in the past.
      phone: { supplier: null, partner: { name: 'Partner LLC' }, isOverdue: true },
    });
  });
  it('node answers Expense and Income by their own ids, and null for an id of the wrong kind', async () => {
    const res = await app.gql(
      `query($e: ID!, $i: ID!, $wrong: ID!) { e: node(id: $e) { __typename } i: node(id: $i) { __typename ... on Entry { type } } wrong: node(id: $wrong) { __typename } }`,
      { e: gid('Expense', ids.taxes!), i: gid('Income', ids.income!), wrong: gid('Expense', ids.income!) },
      tenant,
    );
    expect(res.data).toEqual({ e: { __typename: 'Expense' }, i: { __typename: 'Income', type: 'INCOME' }, wrong: null });
  });
  it('Account.entries lists both kinds through the Entry interface', async () => {
    const res = await app.gql(
      `query($id: ID!) { node(id: $id) { ... on Account { entries(first: 10) { totalCount edges { node { __typename id title } } } } } }`,
      { id: gid('Account', s.cash.id) },
      tenant,
    );
    const kinds = res.data!.node.entries.edges.map((edge: { node: { __typename: string } }) => edge.node.__typename).sort();
    expect(kinds).toEqual(['Expense', 'Expense', 'Expense', 'Income']);
    const entryIds = res.data!.node.entries.edges.map((edge: { node: { id: string } }) => edge.node.id);
    expect(entryIds).toContain(gid('Income', ids.income!));
    expect(entryIds).toContain(gid('Expense', ids.taxes!));
  });
});

describe('counterparties', () => {
  it('createCounterparty then the counterparties list, by kind', async () => {
    const tenant = await newTenant('Counterparties');
    for (const [kind, name] of [['SUPPLIER', 'Первая компания поставок, ООО'], ['PARTNER', 'Partner LLC'], ['SUPPLIER', 'Another supplier']]) {
      const res = await app.gql(
        `mutation($input: CreateCounterpartyInput!) { createCounterparty(input: $input) { ... on CreateCounterpartySuccess { counterparty { kind name } } } }`,
        { input: { kind, name } },
        tenant,
      );
      expect(res.data!.createCounterparty.counterparty).toEqual({ kind, name });
    }
    const list = await app.gql(`{ suppliers: counterparties(kind: SUPPLIER) { totalCount edges { node { name } } } all: counterparties { totalCount } }`, {}, tenant);
    expect(list.data).toEqual({
      suppliers: { totalCount: 2, edges: [{ node: { name: 'Another supplier' } }, { node: { name: 'Первая компания поставок, ООО' } }] },
      all: { totalCount: 3 },
    });
  });
});

describe('changelog through GraphQL', () => {
  it('has one event per change with who, when, action, comment and from → to (ids as global ids)', async () => {
    const tenant = await newTenant('Changelog');
    const s = await ledgerScenario(app.database.prisma, tenant.viewer);
    const db = app.database.prisma;
    const { entry } = await runService(db, tenant.viewer, createEntry, { kind: 'EXPENSE', title: 'Платеж', amount: '100', accountId: s.cash.id, categoryId: s.rent.id });
    await runService(db, tenant.viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', amount: '126.65', categoryId: s.phone.id, description: 'Оплата по счету' });
    await runService(db, tenant.viewer, postEntry, { id: entry.id, kind: 'EXPENSE' });
    await runService(db, tenant.viewer, unpostEntry, { id: entry.id, kind: 'EXPENSE' });
    const res = await app.gql(
      `query($id: ID!) { node(id: $id) { ... on Expense { changelog { at action comment user { name } changes { field from to } } } } }`,
      { id: gid('Expense', entry.id) },
      tenant,
    );
    const events = res.data!.node.changelog;
    expect(events.map((e: { action: string }) => e.action)).toEqual(['NEW', 'UPDATED', 'POSTED', 'UNPOSTED']);
    expect(events.every((e: { user: { name: string }; at: string }) => e.user.name === 'owner' && !Number.isNaN(Date.parse(e.at)))).toBe(true);
    expect(events[0].comment).toBe('Added expense of 100.00 RUB');
    expect(events[1].changes).toEqual([
      { field: 'amount', from: '100.00', to: '126.65' },
      { field: 'categoryId', from: gid('Category', s.rent.id), to: gid('Category', s.phone.id) },
      { field: 'description', from: null, to: 'Оплата по счету' },
    ]);
    expect(events[2].comment).toBe('Posted expense of 126.65 RUB');
    expect(events[3].comment).toBe('Reversed the posting of expense of 126.65 RUB');
  });

  it('mutations in one request each see the events written before them (no stale cache)', async () => {
    const tenant = await newTenant('Sequential');
    const s = await ledgerScenario(app.database.prisma, tenant.viewer);
    const { entry } = await runService(app.database.prisma, tenant.viewer, createEntry, { kind: 'EXPENSE', title: 'x', amount: '1', accountId: s.cash.id });
    const res = await app.gql(
      `mutation($id: ID!) {
        post: postExpense(input: { id: $id }) { ... on PostExpenseSuccess { expense { changelog { action } } } }
        unpost: unpostExpense(input: { id: $id }) { ... on UnpostExpenseSuccess { expense { changelog { action } } } }
      }`,
      { id: gid('Expense', entry.id) },
      tenant,
    );
    expect(res.data!.post.expense.changelog.map((e: { action: string }) => e.action)).toEqual(['NEW', 'POSTED']);
    expect(res.data!.unpost.expense.changelog.map((e: { action: string }) => e.action)).toEqual(['NEW', 'POSTED', 'UNPOSTED']);
  });

  it('a transfer has NEW, POSTED and CANCELLED events', async () => {
    const tenant = await newTenant('Transfer log');
    const s = await ledgerScenario(app.database.prisma, tenant.viewer);
    const move = await app.gql(
      `mutation($input: TransferFundsInput!) { transferFunds(input: $input) { ... on TransferFundsSuccess { transfer { id } } } }`,
      { input: { fromAccountId: gid('Account', s.cash.id), toAccountId: gid('Account', s.bank.id), amount: '1.00', title: 'm', post: true } },
      tenant,
    );
    const id = move.data!.transferFunds.transfer.id;
    await app.gql(`mutation($id: ID!) { cancelTransfer(input: { id: $id }) { __typename } }`, { id }, tenant);
    const res = await app.gql(`query { transfers { totalCount edges { node { changelog { action } } } } }`, {}, tenant);
    expect(res.data!.transfers.totalCount).toBe(1);
    expect(res.data!.transfers.edges[0].node.changelog.map((e: { action: string }) => e.action)).toEqual(['NEW', 'POSTED', 'CANCELLED']);
  });
});

describe('transfers list', () => {
  it('filters by account, posted and cancelled, and shows on both accounts', async () => {
    const tenant = await newTenant('Transfers');
    const db = app.database.prisma;
    const s = await ledgerScenario(db, tenant.viewer);
    const move = (from: string, to: string, title: string, post: boolean) =>
      runService(db, tenant.viewer, transferFunds, { fromAccountId: from, toAccountId: to, amount: '1', title, post });
    await move(s.cash.id, s.bank.id, 'posted', true);
    await move(s.cash.id, s.bank.id, 'planned', false);
    const cancelled = await move(s.bank.id, s.cash.id, 'cancelled', false);
    await app.gql(`mutation($id: ID!) { cancelTransfer(input: { id: $id }) { __typename } }`, { id: gid('Transfer', cancelled.id) }, tenant);
    const titles = async (filter: Record<string, unknown>) => {
      const res = await app.gql(`query($filter: TransferFilter) { transfers(filter: $filter) { totalCount edges { node { title } } } }`, { filter }, tenant);
      expect(res.errors).toBeUndefined();
      return res.data!.transfers.edges.map((edge: { node: { title: string } }) => edge.node.title).sort();
    };
    expect(await titles({})).toEqual(['cancelled', 'planned', 'posted']);
    expect(await titles({ posted: true })).toEqual(['posted']);
    expect(await titles({ cancelled: true })).toEqual(['cancelled']);
    expect(await titles({ cancelled: false, posted: false })).toEqual(['planned']);
    expect(await titles({ accountId: gid('Account', s.euro.id) })).toEqual([]);
    const accounts = await app.gql(
      `query($cash: ID!) { node(id: $cash) { ... on Account { balance outgoingTransfers { totalCount } incomingTransfers { edges { node { title cancelled } } } } } }`,
      { cash: gid('Account', s.cash.id) },
      tenant,
    );
    expect(accounts.data!.node).toEqual({
      balance: '999.00',
      outgoingTransfers: { totalCount: 2 },
      incomingTransfers: { edges: [{ node: { title: 'cancelled', cancelled: true } }] },
    });
  });
});

describe('tenancy', () => {
  it("org B cannot read, post, update or delete org A's records or transfers, including through node", async () => {
    const db = app.database.prisma;
    const s = await ledgerScenario(db, app.orgA.viewer);
    const { entry } = await runService(db, app.orgA.viewer, createEntry, { kind: 'EXPENSE', title: 'A secret', amount: '1', accountId: s.cash.id, plannedDate: day('2024-01-01') });
    const transfer = await runService(db, app.orgA.viewer, transferFunds, { fromAccountId: s.cash.id, toAccountId: s.bank.id, amount: '1', title: 't', post: true });
    const id = gid('Expense', entry.id);
    const asB = (query: string, variables: Record<string, unknown> = {}) => app.gql(query, variables, app.orgB);

    const read = await asB(`query($id: ID!, $t: ID!) { node(id: $id) { __typename } t: node(id: $t) { __typename } expenses(filter: { year: 2024 }) { totalCount } transfers { totalCount } }`, {
      id,
      t: gid('Transfer', transfer.id),
    });
    expect(read.data).toEqual({ node: null, t: null, expenses: { totalCount: 0 }, transfers: { totalCount: 0 } });
    for (const mutation of ['postExpense', 'unpostExpense', 'deleteExpense', 'updateExpense']) {
      const res = await asB(`mutation($id: ID!) { ${mutation}(input: { id: $id }) { ... on Error { code } } }`, { id });
      expect(res.data![mutation]).toEqual({ code: 'NOT_FOUND' });
    }
    const cancel = await asB(`mutation($id: ID!) { cancelTransfer(input: { id: $id }) { ... on Error { code } } }`, { id: gid('Transfer', transfer.id) });
    expect(cancel.data!.cancelTransfer).toEqual({ code: 'NOT_FOUND' });
    const useAccount = await asB(`mutation($a: ID!) { createExpense(input: { title: "x", amount: "1.00", accountId: $a }) { ... on Error { code } } }`, {
      a: gid('Account', s.cash.id),
    });
    expect(useAccount.data!.createExpense).toEqual({ code: 'NOT_FOUND' });
    expect(await db.entry.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({ posted: false, title: 'A secret' });
  });
});

describe('SQL statements of a full page', () => {
  it('listing expenses with category, account, counterparty, attachments and changelog costs the same for 10 and 100 rows', async () => {
    const tenant = await newTenant('Volume');
    const s = await ledgerScenario(app.database.prisma, tenant.viewer);
    for (let n = 0; n < 100; n += 1) {
      const { entry } = await runService(app.database.prisma, tenant.viewer, createEntry, {
        kind: 'EXPENSE', title: `E${n}`, amount: '1.00', accountId: n % 2 ? s.cash.id : s.bank.id, categoryId: n % 3 ? s.rent.id : s.phone.id,
        counterpartyId: n % 2 ? s.supplier.id : s.partner.id, plannedDate: day('2024-05-01'), post: n % 2 === 1,
      });
      if (n % 5 === 0) await runService(app.database.prisma, tenant.viewer, updateEntry, { id: entry.id, kind: 'EXPENSE', title: `E${n}!` });
      for (let file = 0; file < n % 3; file += 1) {
        await runService(app.database.prisma, tenant.viewer, createAttachment, { entryId: entry.id, fileName: `receipt-${n}-${file}.pdf`, contentType: 'application/pdf', sizeBytes: 100 });
      }
    }
    const query = `query($first: Int!) { expenses(first: $first, filter: { year: 2024 }) { totalCount edges { node {
      id title amount posted isOverdue period { label }
      category { title parent { title } } account { name balance } counterparty { name } supplier { name } partner { name }
      attachments { fileName }
      changelog { at action comment user { name } changes { field from to } } } } } }`;
    const count = async (first: number) => {
      app.database.statements.reset();
      const res = await app.gql(query, { first }, tenant);
      expect(res.errors).toBeUndefined();
      expect(res.data!.expenses.edges).toHaveLength(first);
      const files = res.data!.expenses.edges.flatMap((edge: { node: { attachments: unknown[] } }) => edge.node.attachments);
      expect(files.length).toBeGreaterThan(first / 2);
      return app.database.statements.count;
    };
    // The key is looked up once and then cached (src/http/api-key-cache.ts): count on a warm key.
    await app.gql('{ viewer { name } }', {}, tenant);
    const ten = await count(10);
    const hundred = await count(100);
    expect(hundred).toBe(ten);
    console.info(`SQL statements for a page of 10 expenses: ${ten}; of 100: ${hundred}`);
    // Page (with category, account and counterparties joined in) + totalCount + category tree +
    // attachments + changelog (+ its users): a small constant.
    expect(hundred).toBeLessThanOrEqual(6);
  });
});

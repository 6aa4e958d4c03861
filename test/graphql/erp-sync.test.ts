/**
 * ERP sync by externalId (services/budgets/erp-sync.ts): upserts create or update by the ERP's id,
 * replays change nothing and log nothing, bad rows are reported per row while the good ones
 * commit, batch-level refusals change nothing, and one organization never meets another's ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runService } from '../../src/services/core/service.js';
import { createBudgetTransaction } from '../../src/services/budgets/budget-transactions.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { bigintJson } from '../support/service-fixture.js';
import { day, transactionFixture } from '../support/budget-fixtures.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const UPSERT_BUDGETS = `mutation($input: UpsertBudgetsInput!) {
  upsertBudgets(input: $input) {
    __typename
    ... on UpsertBudgetsSuccess {
      results { index externalId status budget { id externalId name limit currency config status budgetGroup { id } } error { code field message } }
    }
    ... on Error { code message field }
  }
}`;

const budgetRow = (externalId: string, overrides: Record<string, unknown> = {}) => ({
  externalId,
  name: `Budget ${externalId}`,
  type: 'global',
  granularity: 'month',
  dateFrom: '2024-01-01',
  dateTo: '2024-12-31',
  limit: '1000.00',
  currency: 'EUR',
  config: ['spend_alerts'],
  ...overrides,
});

type Result = { index: number; externalId: string | null; status: string; budget: Record<string, any> | null; error: { code: string; field: string | null } | null };

async function upsertBudgets(budgets: unknown[], tenant = app.orgA): Promise<Result[]> {
  const response = await app.gql(UPSERT_BUDGETS, { input: { budgets } }, tenant);
  expect(response.errors).toBeUndefined();
  expect(response.data!.upsertBudgets.__typename).toBe('UpsertBudgetsSuccess');
  return response.data!.upsertBudgets.results;
}

/** Everything an upsert could touch, to prove a refusal or a replay changed nothing. */
async function state() {
  const db = app.database.prisma;
  const [budgets, groups, employees, invoices, events] = await Promise.all([
    db.budget.findMany({ orderBy: { id: 'asc' } }),
    db.budgetGroup.findMany({ orderBy: { id: 'asc' } }),
    db.employee.findMany({ orderBy: { id: 'asc' } }),
    db.invoice.findMany({ orderBy: { id: 'asc' } }),
    db.changelogEvent.findMany({ orderBy: { seq: 'asc' } }),
  ]);
  return JSON.stringify({ budgets, groups, employees, invoices, events }, bigintJson);
}

describe('upsertBudgets', () => {
  it('creates by externalId, and replaying the batch 3 times changes nothing and writes no changelog event', async () => {
    const batch = [budgetRow('erp-b1'), budgetRow('erp-b2', { limit: '250.50', config: [] })];
    const first = await upsertBudgets(batch);
    expect(first.map((r) => [r.index, r.externalId, r.status, r.error])).toEqual([
      [0, 'erp-b1', 'CREATED', null],
      [1, 'erp-b2', 'CREATED', null],
    ]);
    expect(first[0]!.budget).toMatchObject({ externalId: 'erp-b1', name: 'Budget erp-b1', limit: '1000.00', currency: 'EUR', config: ['SPEND_ALERTS'] });
    const events = await app.database.prisma.changelogEvent.findMany({ where: { entityId: { in: first.map((r) => decodeId(r.budget!.id)) } } });
    expect(events.map((e) => e.action)).toEqual(['NEW', 'NEW']);

    const after = await state();
    for (let replay = 0; replay < 3; replay++) {
      const again = await upsertBudgets(batch);
      expect(again.map((r) => r.status)).toEqual(['UNCHANGED', 'UNCHANGED']);
      expect(again.map((r) => r.budget!.id)).toEqual(first.map((r) => r.budget!.id));
      expect(await state()).toBe(after);
    }
  });

  it('updates what the ERP changed through updateBudget, with one UPDATED event naming the changes', async () => {
    const [created] = await upsertBudgets([budgetRow('erp-upd')]);
    const [updated] = await upsertBudgets([budgetRow('erp-upd', { limit: '1500.00', name: 'Renamed' })]);
    expect(updated).toMatchObject({ status: 'UPDATED', budget: { id: created!.budget!.id, limit: '1500.00', name: 'Renamed' } });
    const [event] = await app.database.prisma.changelogEvent.findMany({
      where: { entityId: decodeId(created!.budget!.id), action: 'UPDATED' },
    });
    expect(event!.changes).toEqual({ limit: { from: '1000.00', to: '1500.00' }, name: { from: 'Budget erp-upd', to: 'Renamed' } });
    // Omitted fields are kept: a row with only the externalId and the limit changes only the limit.
    const [partial] = await upsertBudgets([{ externalId: 'erp-upd', limit: '1600.00' }]);
    expect(partial).toMatchObject({ status: 'UPDATED', budget: { name: 'Renamed', limit: '1600.00', config: ['SPEND_ALERTS'] } });
  });

  it('reports bad rows one by one and commits the good ones; the bad rows change nothing', async () => {
    const [frozen] = await upsertBudgets([budgetRow('erp-frozen', { config: ['auto-freeze'], limit: '500.00' })]);
    const transaction = await transactionFixture(app.database.prisma, app.orgA.viewer, { amount: '400.00', date: day('2024-03-15') });
    await runService(app.database.prisma, app.orgA.viewer, createBudgetTransaction, {
      budgetId: decodeId(frozen!.budget!.id),
      transactionId: transaction.id,
      amount: '400.00',
    });
    const before = await app.database.prisma.budget.findFirstOrThrow({ where: { externalId: 'erp-frozen' } });

    const results = await upsertBudgets([
      budgetRow('erp-good-1'),
      budgetRow('erp-bad-type', { type: 'weekly' }),
      { ...budgetRow('ignored'), externalId: undefined },
      budgetRow('erp-good-1', { name: 'second row of the same id' }),
      budgetRow('erp-bad-range', { dateFrom: '2024-12-31', dateTo: '2024-01-01' }),
      budgetRow('erp-bad-group', { budgetGroupId: 'not-an-id' }),
      { externalId: 'erp-no-name', limit: '5.00' },
      budgetRow('erp-frozen', { config: ['auto-freeze'], limit: '300.00' }),
      budgetRow('erp-frozen', { currency: 'USD' }),
      budgetRow('erp-good-2', { limit: '1.005' }),
      budgetRow('erp-good-3'),
    ]);
    expect(results.map((r) => [r.status, r.error?.code ?? null, r.error?.field ?? null])).toEqual([
      ['CREATED', null, null],
      ['ERROR', 'UNKNOWN_VALUE', 'type'],
      ['ERROR', 'INVALID_INPUT', 'externalId'],
      ['ERROR', 'DUPLICATE', 'externalId'],
      ['ERROR', 'INVALID_DATE_RANGE', 'dateFrom'],
      ['ERROR', 'INVALID_ID', 'budgetGroupId'],
      ['ERROR', 'INVALID_INPUT', 'name'],
      ['ERROR', 'BUDGET_OVER_LIMIT', 'limit'],
      ['ERROR', 'DUPLICATE', 'externalId'],
      ['ERROR', 'INVALID_AMOUNT', 'limit'],
      ['CREATED', null, null],
    ]);
    expect(results.filter((r) => r.status === 'ERROR').every((r) => r.budget === null)).toBe(true);
    const stored = await app.database.prisma.budget.findMany({ where: { organizationId: app.orgA.organizationId, externalId: { startsWith: 'erp-' } } });
    expect(stored.map((b) => b.externalId).sort()).toEqual(expect.arrayContaining(['erp-good-1', 'erp-good-3']));
    expect(stored.map((b) => b.externalId)).not.toContain('erp-bad-type');
    expect(stored.map((b) => b.externalId)).not.toContain('erp-good-2');
    expect(await app.database.prisma.budget.findFirstOrThrow({ where: { externalId: 'erp-frozen' } })).toEqual(before);
    expect(await app.database.prisma.changelogEvent.count({ where: { entityId: before.id, action: 'UPDATED' } })).toBe(0);

    // The currency is fixed at creation: a row may repeat it, not change it.
    const [currency] = await upsertBudgets([budgetRow('erp-frozen', { config: ['auto-freeze'], limit: '500.00', currency: 'USD' })]);
    expect(currency).toMatchObject({ status: 'ERROR', error: { code: 'CURRENCY_MISMATCH', field: 'currency' } });
  });

  it('names the group by its externalId too: unknown is NOT_FOUND, both ids INVALID_INPUT, null ungroups', async () => {
    const groups = await app.gql(`mutation { upsertBudgetGroups(input: { budgetGroups: [{ externalId: "grp-erp", name: "ERP group" }] }) {
      ... on UpsertBudgetGroupsSuccess { results { budgetGroup { id } } } } }`);
    const groupId = groups.data!.upsertBudgetGroups.results[0].budgetGroup.id as string;
    const results = await upsertBudgets([
      budgetRow('erp-grouped', { budgetGroupExternalId: ' grp-erp ' }),
      budgetRow('erp-no-such-group', { budgetGroupExternalId: 'grp-missing' }),
      budgetRow('erp-both-groups', { budgetGroupExternalId: 'grp-erp', budgetGroupId: groupId }),
    ]);
    expect(results.map((r) => [r.status, r.budget?.budgetGroup?.id ?? null, r.error?.code ?? null, r.error?.field ?? null])).toEqual([
      ['CREATED', groupId, null, null],
      ['ERROR', null, 'NOT_FOUND', 'budgetGroupExternalId'],
      ['ERROR', null, 'INVALID_INPUT', 'budgetGroupExternalId'],
    ]);
    expect((await upsertBudgets([budgetRow('erp-grouped', { budgetGroupExternalId: 'grp-erp' })]))[0]!.status).toBe('UNCHANGED');
    const [ungrouped] = await upsertBudgets([{ externalId: 'erp-grouped', budgetGroupExternalId: null }]);
    expect(ungrouped).toMatchObject({ status: 'UPDATED', budget: { budgetGroup: null } });
    // Another organization's group is not found by its externalId.
    const [foreign] = await upsertBudgets([budgetRow('erp-foreign-group', { budgetGroupExternalId: 'grp-erp' })], app.orgB);
    expect(foreign).toMatchObject({ status: 'ERROR', error: { code: 'NOT_FOUND', field: 'budgetGroupExternalId' } });
  });

  it('refuses an empty or too big batch as a whole, changing nothing', async () => {
    const before = await state();
    const bare = `mutation($input: UpsertBudgetsInput!) { upsertBudgets(input: $input) { __typename ... on Error { code field } } }`;
    for (const budgets of [[], Array.from({ length: 101 }, (_, i) => budgetRow(`erp-big-${i}`))]) {
      const response = await app.gql(bare, { input: { budgets } });
      expect(response.errors).toBeUndefined();
      expect(response.data!.upsertBudgets).toMatchObject({ __typename: 'InvalidInputError', code: 'INVALID_INPUT', field: 'budgets' });
    }
    expect(await state()).toBe(before);
  });

  it('prices a batch per row in the query cost', async () => {
    const one = await app.gql(UPSERT_BUDGETS, { input: { budgets: [budgetRow('erp-cost-1')] } });
    const fifty = await app.gql(UPSERT_BUDGETS, { input: { budgets: Array.from({ length: 50 }, (_, i) => budgetRow(`erp-cost-${i}`)) } });
    const costOf = (response: { extensions?: Record<string, any> }) => response.extensions!.cost.requestedQueryCost as number;
    expect(costOf(fifty)).toBeGreaterThanOrEqual(50 * (costOf(one) - 1));
    // 100 rows each with its budget and group selected are over the default limit of 500: refused before anything runs.
    const before = await state();
    const hundred = await app.gql(UPSERT_BUDGETS, { input: { budgets: Array.from({ length: 100 }, (_, i) => budgetRow(`erp-cost-big-${i}`)) } });
    expect(hundred.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(await state()).toBe(before);
  });

  it('keeps externalIds per organization: B creates its own row for A\'s id and never sees A\'s', async () => {
    const [a] = await upsertBudgets([budgetRow('erp-shared')]);
    const [b] = await upsertBudgets([budgetRow('erp-shared', { limit: '7.00' })], app.orgB);
    expect(b).toMatchObject({ status: 'CREATED', budget: { limit: '7.00' } });
    expect(b!.budget!.id).not.toBe(a!.budget!.id);
    const query = `{ budgets(filter: { externalId: "erp-shared" }) { totalCount nodes { id limit } } }`;
    expect((await app.gql(query, {}, app.orgB)).data!.budgets).toEqual({ totalCount: 1, nodes: [{ id: b!.budget!.id, limit: '7.00' }] });
    expect((await app.gql(query, {}, app.orgA)).data!.budgets).toEqual({ totalCount: 1, nodes: [{ id: a!.budget!.id, limit: '1000.00' }] });
  });

  it('creates one budget when the same externalId is upserted concurrently', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => upsertBudgets([budgetRow('erp-race')])));
    expect(results.map(([r]) => r!.status).sort()).toEqual(['CREATED', 'UNCHANGED', 'UNCHANGED', 'UNCHANGED', 'UNCHANGED', 'UNCHANGED']);
    expect(await app.database.prisma.budget.count({ where: { organizationId: app.orgA.organizationId, externalId: 'erp-race' } })).toBe(1);
  });
});

describe('externalId on create and update', () => {
  it('createBudget with a taken externalId is DUPLICATE and changes nothing; updateBudget sets and clears it', async () => {
    await upsertBudgets([budgetRow('erp-taken')]);
    const before = await state();
    const create = await app.gql(
      `mutation($input: CreateBudgetInput!) { createBudget(input: $input) { __typename ... on Error { code field } } }`,
      { input: { ...budgetRow('erp-taken'), externalId: ' erp-taken ' } },
    );
    expect(create.data!.createBudget).toEqual({ __typename: 'DuplicateError', code: 'DUPLICATE', field: 'externalId' });
    expect(await state()).toBe(before);

    const [own] = await upsertBudgets([budgetRow('erp-rename-me')]);
    const UPDATE = `mutation($input: UpdateBudgetInput!) { updateBudget(input: $input) { __typename ... on UpdateBudgetSuccess { budget { externalId } } ... on Error { code field } } }`;
    expect((await app.gql(UPDATE, { input: { id: own!.budget!.id, externalId: 'erp-taken' } })).data!.updateBudget).toMatchObject({ code: 'DUPLICATE', field: 'externalId' });
    expect((await app.gql(UPDATE, { input: { id: own!.budget!.id, externalId: 'erp-renamed' } })).data!.updateBudget).toEqual({
      __typename: 'UpdateBudgetSuccess',
      budget: { externalId: 'erp-renamed' },
    });
    expect((await app.gql(UPDATE, { input: { id: own!.budget!.id, externalId: null } })).data!.updateBudget.budget).toEqual({ externalId: null });
  });
});

describe('update mutations of the allocation targets', () => {
  it('updateEmployee / updateProject / updateContractor change fields and the ERP id; a taken id is DUPLICATE and changes nothing', async () => {
    const create = async (mutation: string, input: Record<string, unknown>, field: string) =>
      (await app.gql(`mutation($input: ${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input!) { ${mutation}(input: $input) { ... on ${mutation[0]!.toUpperCase()}${mutation.slice(1)}Success { ${field} { id } } } }`, { input })).data![mutation][field].id as string;
    const first = await create('createEmployee', { name: 'Eve', externalId: 'hr-upd-1' }, 'employee');
    const second = await create('createEmployee', { name: 'Mallory' }, 'employee');
    const UPDATE = `mutation($input: UpdateEmployeeInput!) { updateEmployee(input: $input) { __typename ... on UpdateEmployeeSuccess { employee { name email externalId } } ... on Error { code field } } }`;
    const before = await state();
    expect((await app.gql(UPDATE, { input: { id: second, externalId: 'hr-upd-1' } })).data!.updateEmployee).toEqual({ __typename: 'DuplicateError', code: 'DUPLICATE', field: 'externalId' });
    expect((await app.gql(UPDATE, { input: { id: second, email: 'not an email' } })).data!.updateEmployee).toMatchObject({ code: 'INVALID_INPUT', field: 'email' });
    expect(await state()).toBe(before);
    expect((await app.gql(UPDATE, { input: { id: second, externalId: 'hr-upd-2', email: 'm@example.com' } })).data!.updateEmployee).toEqual({
      __typename: 'UpdateEmployeeSuccess',
      employee: { name: 'Mallory', email: 'm@example.com', externalId: 'hr-upd-2' },
    });
    expect((await app.gql(UPDATE, { input: { id: first, externalId: null } })).data!.updateEmployee.employee.externalId).toBeNull();
    const project = await create('createProject', { name: 'Zeus', code: 'Z' }, 'project');
    const updatedProject = await app.gql(`mutation { updateProject(input: { id: "${project}", code: null, externalId: "pm-1" }) { ... on UpdateProjectSuccess { project { name code externalId } } } }`);
    expect(updatedProject.data!.updateProject.project).toEqual({ name: 'Zeus', code: null, externalId: 'pm-1' });
  });

  it('updateInvoice re-prices in its own currency only and keeps its dates in order; refusals change nothing', async () => {
    const created = await app.gql(`mutation { createInvoice(input: { number: "U-1", amount: "10.00", currency: "EUR", issuedOn: "2024-02-01" }) { ... on CreateInvoiceSuccess { invoice { id } } } }`);
    const id = created.data!.createInvoice.invoice.id as string;
    const UPDATE = `mutation($input: UpdateInvoiceInput!) { updateInvoice(input: $input) { __typename ... on UpdateInvoiceSuccess { invoice { amount dueOn externalId } } ... on Error { code field } } }`;
    const before = await state();
    expect((await app.gql(UPDATE, { input: { id, currency: 'USD', amount: '5.00' } })).data!.updateInvoice).toMatchObject({ code: 'CURRENCY_MISMATCH', field: 'currency' });
    expect((await app.gql(UPDATE, { input: { id, dueOn: '2024-01-01' } })).data!.updateInvoice).toMatchObject({ code: 'INVALID_DATE_RANGE' });
    expect((await app.gql(UPDATE, { input: { id, amount: '0.001' } })).data!.updateInvoice).toMatchObject({ code: 'INVALID_AMOUNT', field: 'amount' });
    expect(await state()).toBe(before);
    expect((await app.gql(UPDATE, { input: { id, currency: 'EUR', amount: '12.50', dueOn: '2024-03-01', externalId: 'inv-upd' } })).data!.updateInvoice).toEqual({
      __typename: 'UpdateInvoiceSuccess',
      invoice: { amount: '12.50', dueOn: '2024-03-01', externalId: 'inv-upd' },
    });
  });
});

describe('upserts of the allocation targets', () => {
  it('upsertEmployees, upsertContractors, upsertProjects, upsertInvoices and upsertBudgetGroups create, update and replay as UNCHANGED', async () => {
    const cases = [
      { mutation: 'upsertEmployees', list: 'employees', field: 'employee', select: 'name email externalId', row: { externalId: 'hr-1', name: 'Ada', email: 'ada@example.com' }, change: { email: 'ada@lovelace.dev' } },
      { mutation: 'upsertContractors', list: 'contractors', field: 'contractor', select: 'name email externalId', row: { externalId: 'ct-1', name: 'Bob Ltd' }, change: { name: 'Bob GmbH' } },
      { mutation: 'upsertProjects', list: 'projects', field: 'project', select: 'name code externalId', row: { externalId: 'pr-1', name: 'Apollo', code: 'AP' }, change: { code: null } },
      {
        mutation: 'upsertInvoices',
        list: 'invoices',
        field: 'invoice',
        select: 'number amount currency dueOn externalId',
        row: { externalId: 'inv-1', number: 'INV-1', amount: '100.00', currency: 'EUR', issuedOn: '2024-01-01', dueOn: '2024-02-01' },
        change: { amount: '120.00' },
      },
      { mutation: 'upsertBudgetGroups', list: 'budgetGroups', field: 'budgetGroup', select: 'name externalId', row: { externalId: 'grp-1', name: 'EMEA' }, change: { name: 'EMEA+' } },
    ];
    for (const c of cases) {
      const document = `mutation($input: ${c.mutation.charAt(0).toUpperCase()}${c.mutation.slice(1)}Input!) { ${c.mutation}(input: $input) {
        __typename ... on Error { code field }
        ... on ${c.mutation.charAt(0).toUpperCase()}${c.mutation.slice(1)}Success { results { status error { code field } ${c.field} { id ${c.select} } } }
      } }`;
      const send = async (rows: unknown[]) => {
        const response = await app.gql(document, { input: { [c.list]: rows } });
        expect(response.errors, c.mutation).toBeUndefined();
        return response.data![c.mutation].results as Array<Record<string, any>>;
      };
      const [created] = await send([c.row]);
      expect(created, c.mutation).toMatchObject({ status: 'CREATED', error: null, [c.field]: { externalId: c.row.externalId } });
      const settled = await state();
      expect((await send([c.row]))[0]!.status, c.mutation).toBe('UNCHANGED');
      expect(await state(), c.mutation).toBe(settled);
      const [updated] = await send([{ ...c.row, ...c.change }]);
      expect(updated, c.mutation).toMatchObject({ status: 'UPDATED', [c.field]: { id: created![c.field].id, ...c.change } });
      const [bad] = await send([{ externalId: `${c.row.externalId}-new` }]);
      expect(bad, c.mutation).toMatchObject({ status: 'ERROR', error: { code: 'INVALID_INPUT' }, [c.field]: null });
    }
  });

  it('an invoice row may not change its currency or break its dates; nothing changes', async () => {
    const document = `mutation($input: UpsertInvoicesInput!) { upsertInvoices(input: $input) { ... on UpsertInvoicesSuccess { results { status error { code field } } } } }`;
    const row = { externalId: 'inv-rules', number: 'INV-R', amount: '10.00', currency: 'EUR', issuedOn: '2024-01-10' };
    await app.gql(document, { input: { invoices: [row] } });
    const before = await state();
    const response = await app.gql(document, {
      input: { invoices: [{ ...row, currency: 'USD' }, { ...row, externalId: 'inv-rules-2', dueOn: '2024-01-01' }, { ...row, externalId: 'inv-rules-3', amount: '0' }] },
    });
    expect(response.data!.upsertInvoices.results).toEqual([
      { status: 'ERROR', error: { code: 'CURRENCY_MISMATCH', field: 'currency' } },
      { status: 'ERROR', error: { code: 'INVALID_DATE_RANGE', field: 'issuedOn' } },
      { status: 'ERROR', error: { code: 'INVALID_AMOUNT', field: 'amount' } },
    ]);
    expect(await state()).toBe(before);
  });

  it('filters the lists by externalId, within the organization only', async () => {
    await app.gql(`mutation { upsertEmployees(input: { employees: [{ externalId: "hr-filter", name: "Grace" }] }) { __typename } }`);
    const query = `{ employees(externalId: "hr-filter") { totalCount nodes { name externalId } } }`;
    expect((await app.gql(query)).data!.employees).toEqual({ totalCount: 1, nodes: [{ name: 'Grace', externalId: 'hr-filter' }] });
    expect((await app.gql(query, {}, app.orgB)).data!.employees).toEqual({ totalCount: 0, nodes: [] });
  });
});

function decodeId(globalId: string): string {
  return Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]!;
}

/**
 * Concurrent upserts of the same externalIds from parallel connections (PostgreSQL only; PGlite
 * has one connection, so its transactions never overlap). Every batch misses the new ids on
 * look-up; the unique index makes all but one insert wait and fail, and those rows then update
 * the winner's row: exactly one budget per externalId, one NEW event each, and no 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { usingPostgres } from '../support/database.js';

const UPSERT = `mutation($input: UpsertBudgetsInput!) {
  upsertBudgets(input: $input) { __typename ... on UpsertBudgetsSuccess { results { externalId status budget { id } error { code } } } ... on Error { code } }
}`;

const row = (externalId: string, limit = '100.00') => ({
  externalId, name: `Race ${externalId}`, type: 'GLOBAL', granularity: 'MONTH', dateFrom: '2024-01-01', dateTo: '2024-12-31', limit, currency: 'EUR',
});

describe.skipIf(!usingPostgres)('concurrent upsertBudgets on PostgreSQL', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());

  it('16 parallel batches upserting the same 5 new externalIds (in different orders) create exactly one budget each', async () => {
    const ids = ['race-a', 'race-b', 'race-c', 'race-d', 'race-e'];
    const responses = await Promise.all(
      Array.from({ length: 16 }, (_, n) => {
        const rows = n % 2 === 0 ? ids.map((id) => row(id)) : [...ids].reverse().map((id) => row(id));
        return app.gql(UPSERT, { input: { budgets: rows } });
      }),
    );
    expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);
    const results = responses.flatMap((response) => response.data!.upsertBudgets.results as Array<{ externalId: string; status: string; budget: { id: string } }>);
    for (const id of ids) {
      const mine = results.filter((result) => result.externalId === id);
      expect(mine.map((result) => result.status).sort()).toEqual(['CREATED', ...Array(15).fill('UNCHANGED')]);
      expect(new Set(mine.map((result) => result.budget.id)).size).toBe(1);
    }
    const db = app.database.prisma;
    const budgets = await db.budget.findMany({ where: { organizationId: app.orgA.organizationId, externalId: { in: ids } } });
    expect(budgets).toHaveLength(5);
    expect(await db.changelogEvent.count({ where: { entityId: { in: budgets.map((budget) => budget.id) } } })).toBe(5);
  });

  it('parallel batches changing one budget to different limits all apply, each logged from the state it changed', async () => {
    await app.gql(UPSERT, { input: { budgets: [row('race-limit', '1.00')] } });
    const limits = Array.from({ length: 10 }, (_, n) => `${n + 2}.00`);
    const responses = await Promise.all(limits.map((limit) => app.gql(UPSERT, { input: { budgets: [row('race-limit', limit)] } })));
    expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);
    expect(responses.map((response) => response.data!.upsertBudgets.results[0].status)).toEqual(Array(10).fill('UPDATED'));
    const db = app.database.prisma;
    const budget = await db.budget.findFirstOrThrow({ where: { externalId: 'race-limit' } });
    const events = await db.changelogEvent.findMany({ where: { entityId: budget.id, action: 'UPDATED' }, orderBy: { seq: 'asc' } });
    // The row lock serialises them: each event starts where the previous one ended.
    const chain = events.map((event) => (event.changes as { limit: { from: string; to: string } }).limit);
    expect(chain[0]!.from).toBe('1.00');
    for (let i = 1; i < chain.length; i++) expect(chain[i]!.from).toBe(chain[i - 1]!.to);
    expect(chain.at(-1)!.to).toBe(`${Number(budget.limitMinor) / 100}.00`);
  });

  it('parallel upsertEmployees creating and renaming one employee: one row, and each rename logged from the name it replaced', async () => {
    const document = `mutation($input: UpsertEmployeesInput!) { upsertEmployees(input: $input) { ... on UpsertEmployeesSuccess { results { status employee { id } } } } }`;
    const names = Array.from({ length: 10 }, (_, n) => `Name ${n}`);
    const responses = await Promise.all(names.map((name) => app.gql(document, { input: { employees: [{ externalId: 'race-employee', name }] } })));
    expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);
    const statuses = responses.map((response) => response.data!.upsertEmployees.results[0].status as string);
    expect(statuses.filter((status) => status === 'CREATED')).toHaveLength(1);
    const db = app.database.prisma;
    const employees = await db.employee.findMany({ where: { organizationId: app.orgA.organizationId, externalId: 'race-employee' } });
    expect(employees).toHaveLength(1);
    const renames = await db.changelogEvent.findMany({ where: { entityId: employees[0]!.id, action: 'UPDATED' }, orderBy: { seq: 'asc' } });
    expect(renames).toHaveLength(statuses.filter((status) => status === 'UPDATED').length);
    const chain = renames.map((event) => (event.changes as { name: { from: string; to: string } }).name);
    for (let i = 1; i < chain.length; i++) expect(chain[i]!.from).toBe(chain[i - 1]!.to);
    if (chain.length > 0) expect(chain.at(-1)!.to).toBe(employees[0]!.name);
  });
});

/**
 * Keeps docs/crm-mapping.md honest: every GraphQL example in it parses and validates against the
 * schema, and every CRM method has its section.
 */
import { readFileSync } from 'node:fs';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.js';
import { runService } from '../../src/services/core/service.js';

const doc = readFileSync('docs/crm-mapping.md', 'utf8');
const examples = [...doc.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);

describe('docs/crm-mapping.md', () => {
  it('has a section for every CRM budget method', () => {
    for (const method of ['category', 'fields', 'list', 'info', 'add', 'update', 'doit', 'undoit', 'move', 'unmove', 'delete', 'categoryadd', 'categoryedit', 'categorydelete']) {
      expect(doc).toContain(`### ${method} — `);
    }
  });

  it.each(examples.map((example) => [example.split('\n')[0], example]))('example "%s" validates against the schema', (_name, example) => {
    expect(validate(schema, parse(example)).map((error) => error.message)).toEqual([]);
  });
});

describe('docs/crm-mapping.md examples run', () => {
  it('each documented operation succeeds against a live gateway with real ids', async () => {
    const { createTestApp } = await import('../support/app.js');
    const { encodeGlobalId: gid } = await import('../../src/graphql/global-id.js');
    const { createEntry } = await import('../../src/services/ledger/entries.js');
    const { ledgerScenario } = await import('../support/ledger-fixtures.js');
    const app = await createTestApp();
    try {
      const db = app.database.prisma;
      const s = await ledgerScenario(db, app.orgA.viewer);
      const byName = new Map(examples.map((example) => [/^(?:query|mutation) (\w+)/.exec(example)![1]!, example]));
      const run = async (name: string, variables: Record<string, unknown> = {}) => {
        const res = await app.gql(byName.get(name)!, variables);
        expect(res.errors, name).toBeUndefined();
        expect(JSON.stringify(res.data), name).not.toMatch(/"code":/);
        return res.data!;
      };
      const newEntry = async (kind: 'EXPENSE' | 'INCOME', post = false) =>
        (await runService(db, app.orgA.viewer, createEntry, { kind, title: 'doc', amount: '10', accountId: s.cash.id, post })).entry.id;

      await run('Categories');
      await run('Fields');
      const added = await run('CategoryAdd', { input: { title: 'Офисные расходы', kind: 'EXPENSE' } });
      const categoryId = added.createCategory.category.id;
      await run('CategoryEdit', { input: { id: categoryId, title: 'Офисные расходы 2' } });
      await run('CategoryDelete', { id: categoryId });

      const created = await run('Add', {
        input: {
          plannedDate: '2024-07-01', title: 'Заправка принтера', categoryId: gid('Category', s.rent.id), amount: '100.00', dealRef: '982',
          counterpartyId: gid('Counterparty', s.supplier.id), accountId: gid('Account', s.cash.id), invoiceNumber: '1100', invoiceDate: '2024-02-12', post: true,
        },
      });
      const expenseId = created.createExpense.expense.id;
      expect(created.createExpense.expense.posted).toBe(true);
      await run('List', { filter: { year: 2024, month: 7 } });
      await run('Info', { id: expenseId });
      await run('Update', { input: { id: expenseId, description: 'Оплата по счету № 259', amount: '100.50', categoryId: gid('Category', s.rent.id), invoiceDate: null } });
      await run('DoIt', { id: gid('Expense', await newEntry('EXPENSE')) });
      await run('UndoIt', { id: gid('Income', await newEntry('INCOME', true)) });
      await run('Delete', { id: gid('Expense', await newEntry('EXPENSE')) });
      const moved = await run('Move', {
        input: { title: 'Перемещение_22', description: '…', amount: '150.00', fromAccountId: gid('Account', s.cash.id), toAccountId: gid('Account', s.bank.id), post: true },
      });
      await run('Unmove', { id: moved.transferFunds.transfer.id });
    } finally {
      await app.close();
    }
  });
});

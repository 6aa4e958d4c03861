/**
 * The comparison's data set, valid by Allot's own rules:
 * - schema from Allot's migrations (openDatabase migrates);
 * - the organization and its API key, the accounts, the category tree and the budgets through
 *   Allot's services (so every one has its changelog "NEW" event, as through the API);
 * - the entries by one generate_series INSERT (10,000 by default, BENCH_ENTRIES=1000000 for 1M),
 *   then every account's balance set to opening + its posted incomes − posted expenses, the
 *   identity Allot keeps (checked again at the end of the run).
 *   Seeded entries have no changelog events; none of the benchmark's reads asks for them.
 *
 * Shape: 5 accounts for the reads (EUR) + 16 write accounts (created after them, so
 * `accounts(first: 5)` is the 5 read accounts); 206 categories (expense tree 5 × 5 × 6 = 180,
 * income tree 2 × 3 × 3 = 26); 50 budgets over the last year; entries 3/4 expenses, 2/3 posted,
 * created across the last year, 1 expense in 10 linked to a budget.
 */
import pg from 'pg';
import { openDatabase } from '../../src/db/open.js';
import { createAccount } from '../../src/services/ledger/accounts.js';
import { createBudget } from '../../src/services/budgets/budgets.js';
import { createCategory } from '../../src/services/ledger/categories.js';
import { createOrganization } from '../../src/services/core/organizations.js';
import { runService } from '../../src/services/core/service.js';

export interface Seeded {
  organizationId: string;
  userId: string;
  apiKey: string;
  readAccountIds: string[];
  writeAccountIds: string[];
  writeCategoryId: string;
  budgetId: string;
  entries: number;
  categories: number;
}

export const WRITE_ACCOUNTS = 16;

export async function seed(url: string, entries: number): Promise<Seeded> {
  const database = await openDatabase({ databaseUrl: url, poolSize: 4 });
  const db = database.prisma;
  try {
    const { organization, apiKey, key } = await createOrganization(db, { name: 'Bench GmbH' });
    const viewer = { organizationId: organization.id, userId: key.userId };
    // Enough for every posted expense of the seed plus the write test's, so no posting is refused.
    const opening = `${Math.max(1_000_000, entries * 200)}.00`;
    const readAccountIds: string[] = [];
    for (let n = 1; n <= 5; n += 1) {
      readAccountIds.push((await runService(db, viewer, createAccount, { name: `Account ${n}`, bank: 'Bench Bank', currency: 'EUR', openingBalance: opening })).id);
    }
    const writeAccountIds: string[] = [];
    for (let n = 1; n <= WRITE_ACCOUNTS; n += 1) {
      writeAccountIds.push((await runService(db, viewer, createAccount, { name: `Write ${String(n).padStart(2, '0')}`, currency: 'EUR', openingBalance: '100000000.00' })).id);
    }

    const expenseLeaves: string[] = [];
    const incomeLeaves: string[] = [];
    let categories = 0;
    const tree = async (kind: 'EXPENSE' | 'INCOME', shape: [number, number, number], leaves: string[]) => {
      const prefix = kind === 'EXPENSE' ? 'Expense' : 'Income';
      for (let r = 1; r <= shape[0]; r += 1) {
        const root = await runService(db, viewer, createCategory, { title: `${prefix} ${r}`, kind });
        categories += 1;
        for (let c = 1; c <= shape[1]; c += 1) {
          const child = await runService(db, viewer, createCategory, { title: `${prefix} ${r}.${c}`, kind, parentId: root.id });
          categories += 1;
          for (let g = 1; g <= shape[2]; g += 1) {
            leaves.push((await runService(db, viewer, createCategory, { title: `${prefix} ${r}.${c}.${g}`, kind, parentId: child.id })).id);
            categories += 1;
          }
        }
      }
    };
    await tree('EXPENSE', [5, 5, 6], expenseLeaves);
    await tree('INCOME', [2, 3, 3], incomeLeaves);

    const today = new Date();
    const yearAgo = new Date(Date.UTC(today.getUTCFullYear() - 1, today.getUTCMonth(), today.getUTCDate()));
    const budgetIds: string[] = [];
    for (let n = 1; n <= 50; n += 1) {
      const budget = await runService(db, viewer, createBudget, {
        name: `Budget ${String(n).padStart(2, '0')}`,
        type: 'GLOBAL',
        granularity: 'MONTH',
        dateFrom: yearAgo,
        dateTo: new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1)),
        limit: `${50_000 * n}.00`,
        currency: 'EUR',
      });
      budgetIds.push(budget.id);
    }

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO "Entry" (id, "organizationId", kind, title, "categoryId", "accountId", "amountMinor", "periodYear", "periodMonth",
                              "plannedDate", posted, "postedAt", "authorId", "budgetId", "createdAt", "updatedAt")
         SELECT gen_random_uuid(), $1::uuid, s.kind::"EntryKind",
                CASE WHEN s.kind = 'EXPENSE' THEN 'Expense ' ELSE 'Income ' END || s.g,
                CASE WHEN s.kind = 'EXPENSE' THEN ($3::uuid[])[1 + s.g % cardinality($3::uuid[])] ELSE ($4::uuid[])[1 + s.g % cardinality($4::uuid[])] END,
                ($2::uuid[])[1 + s.g % 5], 100 + (s.g::bigint * 7919) % 100000,
                extract(year FROM s.at)::int, extract(month FROM s.at)::int, s.at::date,
                s.g % 3 <> 0, CASE WHEN s.g % 3 <> 0 THEN s.at END, $5::uuid,
                CASE WHEN s.kind = 'EXPENSE' AND s.g % 10 = 0 THEN ($6::uuid[])[1 + (s.g / 10) % 50] END,
                s.at, s.at
         FROM (SELECT g, CASE WHEN g % 4 = 0 THEN 'INCOME' ELSE 'EXPENSE' END AS kind,
                      date_trunc('milliseconds', now() - interval '1 hour' - (g * interval '364 days') / $7) AS at
               FROM generate_series(1, $7::int) g) s`,
        [organization.id, readAccountIds, expenseLeaves, incomeLeaves, key.userId, budgetIds, entries],
      );
      await client.query(
        `UPDATE "Account" a SET "balanceMinor" = a."openingBalanceMinor" + COALESCE((
           SELECT SUM(CASE WHEN e.kind = 'INCOME' THEN e."amountMinor" ELSE -e."amountMinor" END)
           FROM "Entry" e WHERE e."accountId" = a.id AND e.posted), 0)
         WHERE a."organizationId" = $1`,
        [organization.id],
      );
      await client.query('ANALYZE');
    } finally {
      await client.end();
    }
    return {
      organizationId: organization.id,
      userId: key.userId,
      apiKey,
      readAccountIds,
      writeAccountIds,
      writeCategoryId: expenseLeaves[0]!,
      budgetId: budgetIds[9]!,
      entries,
      categories,
    };
  } finally {
    await database.close();
  }
}

/** Rows where the balance is not opening + posted incomes − posted expenses (transfers: none here). */
export async function balanceMismatches(client: pg.Client, organizationId: string): Promise<number> {
  const { rows } = await client.query(
    `SELECT count(*)::int AS n FROM "Account" a WHERE a."organizationId" = $1 AND a."balanceMinor" <> a."openingBalanceMinor" + COALESCE((
       SELECT SUM(CASE WHEN e.kind = 'INCOME' THEN e."amountMinor" ELSE -e."amountMinor" END)
       FROM "Entry" e WHERE e."accountId" = a.id AND e.posted), 0)`,
    [organizationId],
  );
  return rows[0].n;
}

/**
 * Budget spend for a page of budgets in one statement per field, so listing budgets with
 * `spent`, `remaining`, `status` and `spendByPeriod` costs the same SQL for 5 budgets or 50.
 */
import DataLoader from 'dataloader';
import type { Db } from '../../db/open.js';
import { Prisma } from '../../generated/prisma/client.js';
import { spentByBudget } from '../../services/budget-spend.js';
import type { Viewer } from '../../services/viewer.js';

/** Spend of one budget in one calendar period (its month, quarter or year), keyed by the period's first day. */
export interface PeriodSpend {
  periodStart: string;
  spentMinor: bigint;
}

export interface BudgetSpendLoaders {
  /** Spend in minor units by budget id: every budget asked for during one tick costs one query. */
  budgetSpent: DataLoader<string, bigint>;
  /** Spend per granularity period by budget id, also one query per batch. */
  budgetSpendByPeriod: DataLoader<string, PeriodSpend[]>;
  /**
   * Drops cached spend. Mutations that change spend or a budget's window call it: mutations in
   * one request run in order, and a later one's payload must not show spend from before.
   */
  forgetBudgetSpend(): void;
}

const uuidList = (ids: readonly string[]) => Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`));

async function loadBudgetSpent(db: Db, viewer: Viewer, ids: readonly string[]): Promise<bigint[]> {
  const spent = await spentByBudget(db, viewer.organizationId, ids);
  return ids.map((id) => spent.get(id) ?? 0n);
}

async function loadBudgetSpendByPeriod(db: Db, viewer: Viewer, ids: readonly string[]): Promise<PeriodSpend[][]> {
  const rows = await db.$queryRaw<{ budgetId: string; periodStart: Date; spent: bigint }[]>`
    SELECT s."budgetId", date_trunc(lower(b.granularity::text), s.day)::date AS "periodStart", SUM(s.amount)::bigint AS spent
    FROM (
      SELECT e."budgetId", COALESCE(e."plannedDate", make_date(e."periodYear", e."periodMonth", 1)) AS day, e."amountMinor" AS amount
        FROM "Entry" e
       WHERE e."budgetId" IN (${uuidList(ids)}) AND e.kind = 'EXPENSE' AND e.posted
      UNION ALL
      SELECT bt."budgetId", t.date AS day, bt."amountMinor" AS amount
        FROM "BudgetTransaction" bt JOIN "Transaction" t ON t.id = bt."transactionId"
       WHERE bt."budgetId" IN (${uuidList(ids)})
    ) s
    JOIN "Budget" b ON b.id = s."budgetId"
    WHERE b."organizationId" = ${viewer.organizationId}::uuid AND s.day BETWEEN b."dateFrom" AND b."dateTo"
    GROUP BY 1, 2
    ORDER BY 1, 2`;
  const byId = new Map<string, PeriodSpend[]>();
  for (const row of rows) {
    const list = byId.get(row.budgetId) ?? [];
    list.push({ periodStart: new Date(row.periodStart).toISOString().slice(0, 10), spentMinor: BigInt(row.spent) });
    byId.set(row.budgetId, list);
  }
  return ids.map((id) => byId.get(id) ?? []);
}

export function createBudgetSpendLoaders(db: Db, viewer: Viewer): BudgetSpendLoaders {
  const loaders: BudgetSpendLoaders = {
    budgetSpent: new DataLoader((ids) => loadBudgetSpent(db, viewer, ids), { maxBatchSize: 500 }),
    budgetSpendByPeriod: new DataLoader((ids) => loadBudgetSpendByPeriod(db, viewer, ids), { maxBatchSize: 500 }),
    forgetBudgetSpend() {
      loaders.budgetSpent.clearAll();
      loaders.budgetSpendByPeriod.clearAll();
    },
  };
  return loaders;
}


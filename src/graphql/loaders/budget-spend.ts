/**
 * Budget spend for a page of budgets in one statement per field, so listing budgets with
 * `spent`, `remaining`, `status` and `spendByPeriod` costs the same SQL for 5 budgets or 50. The
 * queries are the spend rule's own (services/budgets/spend.ts); these loaders only batch them.
 */
import DataLoader from 'dataloader';
import type { Db } from '../../db/open.js';
import { spendByPeriod, spentByBudget, type PeriodSpend } from '../../services/budgets/spend.js';
import type { Viewer } from '../../services/core/viewer.js';

export type { PeriodSpend } from '../../services/budgets/spend.js';

export interface BudgetSpendLoaders {
  /** Spend in minor units by budget id: every budget asked for during one tick costs one query. */
  budgetSpent: DataLoader<string, bigint>;
  /** Spend per granularity period by budget id, also one query per batch. */
  budgetSpendByPeriod: DataLoader<string, PeriodSpend[]>;
}

export function createBudgetSpendLoaders(db: Db, viewer: Viewer): BudgetSpendLoaders {
  return {
    budgetSpent: new DataLoader(
      async (ids) => {
        const spent = await spentByBudget(db, viewer.organizationId, ids);
        return ids.map((id) => spent.get(id) ?? 0n);
      },
      { maxBatchSize: 500 },
    ),
    budgetSpendByPeriod: new DataLoader(
      async (ids) => {
        const periods = await spendByPeriod(db, viewer.organizationId, ids);
        return ids.map((id) => periods.get(id) ?? []);
      },
      { maxBatchSize: 500 },
    ),
  };
}

/**
 * The one place that changes a budget's spend. Every write that adds to or removes from a
 * budget's spend (posting/unposting a linked expense, changing a posted expense's amount, creating,
 * updating or deleting a budget transaction) calls `chargeBudget` inside its own transaction,
 * before or after its write, with the signed change.
 *
 * Spend = posted EXPENSE entries linked to the budget + the budget's budget transactions, dated
 * inside [dateFrom, dateTo]. An expense's spend date is its plannedDate, or else the first day of
 * its period; a budget transaction's is its transaction's date.
 *
 * The date rule is pure and lives in domain/budget-spend.ts (`spendDate`, `isInWindow`); the SQL
 * here follows it. This module owns every spend query: the single budget (`budgetSpentMinor`), a
 * page of budgets (`spentByBudget`) and spend per period (`spendByPeriod`); the GraphQL loaders
 * only batch calls to them.
 *
 * Concurrency: the budget row is locked (FOR UPDATE, core/row-locks.ts) first, so concurrent charges
 * against one budget run one after another and AUTO_FREEZE can never be overrun.
 */
import { isInWindow } from '../../domain/budget-spend.js';
import { thresholdsCrossed, wouldExceedLimit } from '../../domain/budget-rules.js';
import { BudgetFrozenError, CurrencyMismatchError } from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import { Prisma, type Budget, type BudgetAlert } from '../../generated/prisma/client.js';
import { lockBudget } from '../core/row-locks.js';
import type { Tx } from '../core/unit-of-work.js';
import type { Viewer } from '../core/viewer.js';

/** What the spend queries need: a transaction, or the database itself for reads (the GraphQL loaders). */
export type SqlClient = Pick<Tx, '$queryRaw'>;

const uuidList = (ids: readonly string[]) => Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`));

/**
 * Spend in minor units, by budget id, for budgets of one organization: the one SQL statement of the
 * rule in the module comment, used for a single locked budget here and for a page of budgets by
 * the GraphQL spend loader. A budget that does not exist (or is another organization's) is absent.
 */
export async function spentByBudget(client: SqlClient, organizationId: string, budgetIds: readonly string[]): Promise<Map<string, bigint>> {
  if (budgetIds.length === 0) return new Map();
  const rows = await client.$queryRaw<{ id: string; spent: bigint }[]>`
    SELECT b.id,
      (COALESCE((SELECT SUM(e."amountMinor") FROM "Entry" e
                  WHERE e."budgetId" = b.id AND e.kind = 'EXPENSE' AND e.posted
                    AND COALESCE(e."plannedDate", make_date(e."periodYear", e."periodMonth", 1)) BETWEEN b."dateFrom" AND b."dateTo"), 0)
     + COALESCE((SELECT SUM(bt."amountMinor") FROM "BudgetTransaction" bt
                  JOIN "Transaction" t ON t.id = bt."transactionId"
                  WHERE bt."budgetId" = b.id AND t.date BETWEEN b."dateFrom" AND b."dateTo"), 0))::bigint AS spent
    FROM "Budget" b
    WHERE b."organizationId" = ${organizationId}::uuid AND b.id IN (${uuidList(budgetIds)})`;
  return new Map(rows.map((row) => [row.id, BigInt(row.spent)]));
}

/** Spend of one budget in one calendar period (its month, quarter or year), keyed by the period's first day. */
export interface PeriodSpend {
  /** ISO day (YYYY-MM-DD). */
  periodStart: string;
  spentMinor: bigint;
}

/**
 * Spend per granularity period (the same rows and dates as `spentByBudget`), by budget id, oldest
 * period first; periods without spend are absent. One statement for any number of budgets.
 */
export async function spendByPeriod(client: SqlClient, organizationId: string, budgetIds: readonly string[]): Promise<Map<string, PeriodSpend[]>> {
  const byId = new Map<string, PeriodSpend[]>();
  if (budgetIds.length === 0) return byId;
  const rows = await client.$queryRaw<{ budgetId: string; periodStart: Date; spent: bigint }[]>`
    SELECT s."budgetId", date_trunc(lower(b.granularity::text), s.day)::date AS "periodStart", SUM(s.amount)::bigint AS spent
    FROM (
      SELECT e."budgetId", COALESCE(e."plannedDate", make_date(e."periodYear", e."periodMonth", 1)) AS day, e."amountMinor" AS amount
        FROM "Entry" e
       WHERE e."budgetId" IN (${uuidList(budgetIds)}) AND e.kind = 'EXPENSE' AND e.posted
      UNION ALL
      SELECT bt."budgetId", t.date AS day, bt."amountMinor" AS amount
        FROM "BudgetTransaction" bt JOIN "Transaction" t ON t.id = bt."transactionId"
       WHERE bt."budgetId" IN (${uuidList(budgetIds)})
    ) s
    JOIN "Budget" b ON b.id = s."budgetId"
    WHERE b."organizationId" = ${organizationId}::uuid AND s.day BETWEEN b."dateFrom" AND b."dateTo"
    GROUP BY 1, 2
    ORDER BY 1, 2`;
  for (const row of rows) {
    const list = byId.get(row.budgetId) ?? [];
    list.push({ periodStart: new Date(row.periodStart).toISOString().slice(0, 10), spentMinor: BigInt(row.spent) });
    byId.set(row.budgetId, list);
  }
  return byId;
}

/** The budget's spend now, in minor units of its currency (see the module comment for the rule). */
export async function budgetSpentMinor(tx: SqlClient, budget: Pick<Budget, 'id' | 'organizationId'>): Promise<bigint> {
  return (await spentByBudget(tx, budget.organizationId, [budget.id])).get(budget.id) ?? 0n;
}

export interface BudgetCharge {
  budgetId: string;
  /** Signed: positive adds spend, negative removes it. */
  deltaMinor: bigint;
  currency: string;
  /** The spend date; a charge outside the budget's window changes nothing. */
  date: Date;
  /**
   * The spend already written in this transaction for this charge: pass `true` when the caller
   * has already written the change, so the current sum includes it.
   */
  alreadyWritten?: boolean;
}

export interface ChargeResult {
  budget: Budget;
  spentBeforeMinor: bigint;
  spentAfterMinor: bigint;
  alerts: BudgetAlert[];
}

/**
 * Applies a signed spend change to a budget inside the caller's transaction.
 * @throws NotFoundError the budget is not in this organization
 * @throws CurrencyMismatchError the spend is in another currency than the budget
 * @throws BudgetFrozenError an AUTO_FREEZE budget would pass its limit
 * Records a BudgetAlert for each SPEND_ALERTS threshold crossed upwards (returned, so the caller
 * can publish them once the transaction commits).
 */
export async function chargeBudget(tx: Tx, viewer: Viewer, charge: BudgetCharge): Promise<ChargeResult> {
  const budget = await lockBudget(tx, viewer, charge.budgetId);
  if (charge.currency !== budget.currency) {
    throw new CurrencyMismatchError(
      `Budget "${budget.name}" is in ${budget.currency}; this spend is in ${charge.currency}`,
      'budgetId',
    );
  }
  const current = await budgetSpentMinor(tx, budget);
  const inWindow = isInWindow(budget, charge.date);
  const delta = inWindow ? charge.deltaMinor : 0n;
  const before = charge.alreadyWritten ? current - delta : current;
  const after = before + delta;
  if (budget.config.includes('AUTO_FREEZE') && wouldExceedLimit(before, delta, budget.limitMinor)) {
    throw new BudgetFrozenError(
      `Budget "${budget.name}" is frozen at its limit of ${formatMoney(budget.limitMinor, budget.currency)} ${budget.currency}: ` +
        `${formatMoney(before, budget.currency)} spent, ${formatMoney(delta, budget.currency)} more would pass it`,
      'budgetId',
      budget.id,
    );
  }
  const alerts: BudgetAlert[] = [];
  if (budget.config.includes('SPEND_ALERTS')) {
    for (const thresholdPercent of thresholdsCrossed(before, after, budget.limitMinor)) {
      alerts.push(
        await tx.budgetAlert.create({
          data: {
            organizationId: viewer.organizationId,
            budgetId: budget.id,
            thresholdPercent,
            spentMinor: after,
            limitMinor: budget.limitMinor,
          },
        }),
      );
    }
  }
  return { budget, spentBeforeMinor: before, spentAfterMinor: after, alerts };
}

/**
 * The one place that judges a change of a budget's spend. Every write that can add to or remove
 * from a budget's spend (posting/unposting a linked expense; a posted expense's amount, date,
 * budget or account; creating, updating or deleting a budget transaction; re-dating a transaction
 * with parts; a budget's window, limit or options) runs inside `changeSpend`, which locks the
 * budgets, runs the write, and checks the spend the write leaves.
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
 * Concurrency: the budget rows are locked (FOR UPDATE, core/row-locks.ts) before the write, so
 * concurrent changes of one budget run one after another and AUTO_FREEZE can never be overrun.
 */
import { overrunsAutoFreeze, thresholdsCrossed } from '../../domain/budget-rules.js';
import { BudgetFrozenError, CurrencyMismatchError, TotalOutOfRangeError, type DomainError } from '../../domain/errors.js';
import { formatMoney, MAX_TOTAL_MINOR } from '../../domain/money.js';
import { Prisma, type Budget, type BudgetAlert } from '../../generated/prisma/client.js';
import { lockBudgets } from '../core/row-locks.js';
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
  // SUM of bigint is numeric, which has no upper bound; it is handed over as text and read into
  // a bigint in JS. A cast to ::bigint here overflowed once a budget held ten maximal amounts,
  // and failed every read of that budget (and every list it was in).
  const rows = await client.$queryRaw<{ id: string; spent: string }[]>`
    SELECT b.id,
      (COALESCE((SELECT SUM(e."amountMinor") FROM "Entry" e
                  WHERE e."budgetId" = b.id AND e.kind = 'EXPENSE' AND e.posted
                    AND COALESCE(e."plannedDate", make_date(e."periodYear", e."periodMonth", 1)) BETWEEN b."dateFrom" AND b."dateTo"), 0)
     + COALESCE((SELECT SUM(bt."amountMinor") FROM "BudgetTransaction" bt
                  JOIN "Transaction" t ON t.id = bt."transactionId"
                  WHERE bt."budgetId" = b.id AND t.date BETWEEN b."dateFrom" AND b."dateTo"), 0))::text AS spent
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
  const rows = await client.$queryRaw<{ budgetId: string; periodStart: Date; spent: string }[]>`
    SELECT s."budgetId", date_trunc(lower(b.granularity::text), s.day)::date AS "periodStart", SUM(s.amount)::text AS spent
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

/** The refusal for a write that would leave a budget further above its limit (see `changeSpend`). */
export type OverrunRefusal = (budget: Budget, spentBeforeMinor: bigint, spentAfterMinor: bigint) => DomainError;

export interface SpendChangeOptions {
  /** The currency of the spend the write moves in: each budget must be in it (CURRENCY_MISMATCH). */
  currency?: string;
  /** The write changes the budget rows themselves (limit, window, options): judge their new values. */
  changesBudgets?: boolean;
  /** What an overrun is answered with; BUDGET_FROZEN by default. */
  refusal?: OverrunRefusal;
}

export interface SpendChangeResult<T> {
  result: T;
  /** The SPEND_ALERTS alerts recorded; the caller emits them (delivered after commit). */
  alerts: BudgetAlert[];
}

const money = (minor: bigint, currency: string) => `${formatMoney(minor, currency)} ${currency}`;

const budgetFrozen: OverrunRefusal = (budget, before, after) =>
  new BudgetFrozenError(
    `Budget "${budget.name}" is frozen at its limit of ${money(budget.limitMinor, budget.currency)}: ` +
      `this change would take its spend from ${money(before, budget.currency)} to ${money(after, budget.currency)}`,
    'budgetId',
    budget.id,
  );

/**
 * Runs `write`, which may change the spend of the budgets named (moving, adding, removing or
 * re-dating any number of charges, or changing a budget itself), and judges the whole change:
 *
 * 1. locks the budgets in id order (core/row-locks.ts) and reads their spend, BEFORE the write, so
 *    no other writer changes their spend until this transaction ends, and the write's own foreign
 *    keys never hold a budget that this then waits for;
 * 2. runs the write;
 * 3. reads their spend AFTER it, from the rows as written, and refuses when a budget would pass
 *    the largest total (TOTAL_OUT_OF_RANGE) or its AUTO_FREEZE limit (`overrunsAutoFreeze`);
 * 4. records a SPEND_ALERTS alert for each threshold the spend crossed upwards.
 *
 * Judging the sum after the write, not each charge against the sum before it, is what makes two
 * parts of one transaction entering a window together count together. A refusal comes after the
 * write and so aborts the caller's transaction (or its idempotency savepoint): nothing stays.
 * @throws NotFoundError a budget is not in this organization
 * @throws CurrencyMismatchError a budget is in another currency than `options.currency`
 * @throws BudgetFrozenError (or `options.refusal`) an AUTO_FREEZE budget would pass its limit
 * @throws TotalOutOfRangeError a budget's spend would pass MAX_TOTAL_MINOR
 */
export async function changeSpend<T>(
  tx: Tx,
  viewer: Viewer,
  budgetIds: Iterable<string | null | undefined>,
  write: () => Promise<T>,
  options: SpendChangeOptions = {},
): Promise<SpendChangeResult<T>> {
  const ids = [...new Set([...budgetIds].filter((id): id is string => Boolean(id)))];
  const before = await lockBudgets(tx, viewer, ids);
  if (options.currency) for (const budget of before.values()) requireBudgetCurrency(budget, options.currency);
  const spentBefore = await spentByBudget(tx, viewer.organizationId, ids);
  const result = await write();
  const after = options.changesBudgets
    ? new Map((await tx.budget.findMany({ where: { id: { in: ids } } })).map((budget) => [budget.id, budget]))
    : before;
  const spentAfter = await spentByBudget(tx, viewer.organizationId, ids);

  const alerts: BudgetAlert[] = [];
  for (const [id, budget] of after) {
    const was = before.get(id)!;
    const spentBeforeMinor = spentBefore.get(id) ?? 0n;
    const spentAfterMinor = spentAfter.get(id) ?? 0n;
    if (spentAfterMinor > MAX_TOTAL_MINOR && spentAfterMinor > spentBeforeMinor) {
      throw new TotalOutOfRangeError(
        `Budget "${budget.name}" would hold more spend than can be counted (${money(MAX_TOTAL_MINOR, budget.currency)})`,
        'budgetId',
      );
    }
    const state = (row: Budget, spentMinor: bigint) => ({ spentMinor, limitMinor: row.limitMinor, autoFreeze: row.config.includes('AUTO_FREEZE') });
    if (overrunsAutoFreeze(state(was, spentBeforeMinor), state(budget, spentAfterMinor))) {
      throw (options.refusal ?? budgetFrozen)(budget, spentBeforeMinor, spentAfterMinor);
    }
    if (!budget.config.includes('SPEND_ALERTS')) continue;
    for (const thresholdPercent of thresholdsCrossed(spentBeforeMinor, spentAfterMinor, budget.limitMinor)) {
      alerts.push(
        await tx.budgetAlert.create({
          data: { organizationId: viewer.organizationId, budgetId: id, thresholdPercent, spentMinor: spentAfterMinor, limitMinor: budget.limitMinor },
        }),
      );
    }
  }
  return { result, alerts };
}

/** @throws CurrencyMismatchError spend in `currency` cannot count against this budget */
export function requireBudgetCurrency(budget: Budget, currency: string): void {
  if (currency !== budget.currency) {
    throw new CurrencyMismatchError(`Budget "${budget.name}" is in ${budget.currency}; this spend is in ${currency}`, 'budgetId');
  }
}

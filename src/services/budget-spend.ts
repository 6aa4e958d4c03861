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
 * Concurrency: the budget row is locked (FOR UPDATE) first, so concurrent charges against one
 * budget run one after another and AUTO_FREEZE can never be overrun.
 */
import { thresholdsCrossed, wouldExceedLimit } from '../domain/budget-rules.js';
import { BudgetFrozenError, CurrencyMismatchError, NotFoundError } from '../domain/errors.js';
import { formatMoney } from '../domain/money.js';
import { Prisma, type Budget, type BudgetAlert } from '../generated/prisma/client.js';
import type { Tx } from './transaction.js';
import type { Viewer } from './viewer.js';

export async function lockBudget(tx: Tx, viewer: Viewer, budgetId: string, field = 'budgetId'): Promise<Budget> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Budget" WHERE id = ${budgetId}::uuid AND "organizationId" = ${viewer.organizationId}::uuid FOR UPDATE`;
  if (rows.length === 0) throw new NotFoundError('Budget', field);
  return tx.budget.findUniqueOrThrow({ where: { id: budgetId } });
}

/**
 * Spend in minor units, by budget id, for budgets of one organization: the one SQL statement of the
 * rule in the module comment, used for a single locked budget here and for a page of budgets by
 * the GraphQL spend loader. A budget that does not exist (or is another organization's) is absent.
 */
export async function spentByBudget(client: Tx, organizationId: string, budgetIds: readonly string[]): Promise<Map<string, bigint>> {
  if (budgetIds.length === 0) return new Map();
  const ids = Prisma.join(budgetIds.map((id) => Prisma.sql`${id}::uuid`));
  const rows = await client.$queryRaw<{ id: string; spent: bigint }[]>`
    SELECT b.id,
      (COALESCE((SELECT SUM(e."amountMinor") FROM "Entry" e
                  WHERE e."budgetId" = b.id AND e.kind = 'EXPENSE' AND e.posted
                    AND COALESCE(e."plannedDate", make_date(e."periodYear", e."periodMonth", 1)) BETWEEN b."dateFrom" AND b."dateTo"), 0)
     + COALESCE((SELECT SUM(bt."amountMinor") FROM "BudgetTransaction" bt
                  JOIN "Transaction" t ON t.id = bt."transactionId"
                  WHERE bt."budgetId" = b.id AND t.date BETWEEN b."dateFrom" AND b."dateTo"), 0))::bigint AS spent
    FROM "Budget" b
    WHERE b."organizationId" = ${organizationId}::uuid AND b.id IN (${ids})`;
  return new Map(rows.map((row) => [row.id, BigInt(row.spent)]));
}

/** The budget's spend now, in minor units of its currency (see the module comment for the rule). */
export async function budgetSpentMinor(tx: Tx, budget: Pick<Budget, 'id' | 'organizationId'>): Promise<bigint> {
  return (await spentByBudget(tx, budget.organizationId, [budget.id])).get(budget.id) ?? 0n;
}

export function isInWindow(budget: Pick<Budget, 'dateFrom' | 'dateTo'>, date: Date): boolean {
  const day = date.toISOString().slice(0, 10);
  return day >= budget.dateFrom.toISOString().slice(0, 10) && day <= budget.dateTo.toISOString().slice(0, 10);
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

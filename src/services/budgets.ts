/**
 * Budgets (spend-management platform): a limit over a date window, optionally in a group, with
 * SPEND_ALERTS and AUTO_FREEZE options.
 */
import { requireDateRange } from '../domain/dates.js';
import { NotFoundError } from '../domain/errors.js';
import { parseMoney, requireCurrency } from '../domain/money.js';
import { requireTitle } from '../domain/text.js';
import type { Db } from '../db/open.js';
import type { Budget, BudgetGranularity, BudgetGroup, BudgetOption, BudgetType } from '../generated/prisma/client.js';
import { recordChange } from './changelog.js';
import { inTransaction } from './transaction.js';
import type { Viewer } from './viewer.js';

/** @throws InvalidInputError */
export async function createBudgetGroup(db: Db, viewer: Viewer, input: { name: string }): Promise<BudgetGroup> {
  const name = requireTitle(input.name, 'name');
  return inTransaction(db, async (tx) => {
    const group = await tx.budgetGroup.create({ data: { organizationId: viewer.organizationId, name } });
    await recordChange(tx, viewer, { entityType: 'BudgetGroup', entityId: group.id, action: 'NEW', comment: name });
    return group;
  });
}

export interface CreateBudgetInput {
  name: string;
  type: BudgetType;
  granularity: BudgetGranularity;
  dateFrom: Date;
  dateTo: Date;
  budgetGroupId?: string | null;
  config?: BudgetOption[] | null;
  limit: string;
  currency: string;
}

/**
 * @throws InvalidInputError, UnknownCurrencyError
 * @throws InvalidAmountError negative or over-precise limit
 * @throws InvalidDateRangeError dateFrom after dateTo
 * @throws NotFoundError the budget group is not in this organization
 */
export async function createBudget(db: Db, viewer: Viewer, input: CreateBudgetInput): Promise<Budget> {
  const name = requireTitle(input.name, 'name');
  const currency = requireCurrency(input.currency);
  const limitMinor = parseMoney(input.limit, currency, 'limit', 'nonNegative');
  requireDateRange(input.dateFrom, input.dateTo);
  const config = [...new Set(input.config ?? [])];
  return inTransaction(db, async (tx) => {
    if (input.budgetGroupId) {
      const group = await tx.budgetGroup.findFirst({ where: { id: input.budgetGroupId, organizationId: viewer.organizationId } });
      if (!group) throw new NotFoundError('BudgetGroup', 'budgetGroupId');
    }
    const budget = await tx.budget.create({
      data: {
        organizationId: viewer.organizationId,
        name,
        type: input.type,
        granularity: input.granularity,
        dateFrom: input.dateFrom,
        dateTo: input.dateTo,
        budgetGroupId: input.budgetGroupId ?? null,
        config,
        limitMinor,
        currency,
      },
    });
    await recordChange(tx, viewer, { entityType: 'Budget', entityId: budget.id, action: 'NEW', comment: name });
    return budget;
  });
}

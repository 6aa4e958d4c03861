/**
 * Budgets (spend-management platform): a limit over a date window, optionally in a group, with
 * SPEND_ALERTS and AUTO_FREEZE options. Spend, remaining, utilization and status are computed on
 * read from the spend rows (see spend.ts), so changing a budget's limit or window
 * re-evaluates its status at once, with nothing stored to go stale.
 */
import { BUDGET_GRANULARITIES, BUDGET_OPTIONS, BUDGET_TYPES, parseChoice, parseChoices } from '../../domain/choices.js';
import { requireDateRange } from '../../domain/dates.js';
import {
  BudgetOverLimitError,
  DuplicateError,
  InvalidAmountError,
  InvalidDateRangeError,
  InvalidInputError,
  NotFoundError,
  TotalOutOfRangeError,
  UnknownCurrencyError,
  UnknownValueError,
} from '../../domain/errors.js';
import { formatMoney, parseMoney, requireCurrency } from '../../domain/money.js';
import { requireTitle } from '../../domain/text.js';
import { isoDay } from '../../domain/budget-periods.js';
import type { Budget, BudgetGroup } from '../../generated/prisma/client.js';
import { diffFields, recordChange } from '../core/changelog.js';
import { rethrowMissingReference } from '../core/database-errors.js';
import { emitBudgetAlerts } from '../core/events.js';
import { lockBudget, lockBudgetGroup } from '../core/row-locks.js';
import { service } from '../core/service.js';
import type { Tx, UnitOfWork } from '../core/unit-of-work.js';
import type { Viewer } from '../core/viewer.js';
import { optionalExternalId, rethrowTakenExternalId } from './external-ids.js';
import { changeSpend, type OverrunRefusal } from './spend.js';

export async function findBudgetGroup(tx: Tx, viewer: Viewer, id: string, field: string): Promise<BudgetGroup> {
  const group = await tx.budgetGroup.findFirst({ where: { id, organizationId: viewer.organizationId } });
  if (!group) throw new NotFoundError('BudgetGroup', field);
  return group;
}

export async function findBudget(tx: Tx, viewer: Viewer, id: string, field: string): Promise<Budget> {
  const budget = await tx.budget.findFirst({ where: { id, organizationId: viewer.organizationId } });
  if (!budget) throw new NotFoundError('Budget', field);
  return budget;
}

/** DuplicateError: another group of the organization has the externalId. */
export const createBudgetGroup = service(
  [InvalidInputError, DuplicateError],
  async ({ tx, viewer }, input: { name: string; externalId?: string | null }): Promise<BudgetGroup> => {
    const name = requireTitle(input.name, 'name');
    const externalId = optionalExternalId(input.externalId) ?? null;
    const group = await tx.budgetGroup
      .create({ data: { organizationId: viewer.organizationId, name, externalId } })
      .catch(rethrowTakenExternalId('BudgetGroup', externalId));
    await recordChange(tx, viewer, { entityType: 'BudgetGroup', entityId: group.id, action: 'NEW', comment: name });
    return group;
  },
);

export interface UpdateBudgetGroupInput {
  id: string;
  name?: string | null;
  /** Omitted: kept; null: cleared. */
  externalId?: string | null;
}

/** updateBudgetGroup, also saying whether anything changed (the upserts answer UNCHANGED otherwise). */
export async function applyBudgetGroupUpdate(
  { tx, viewer }: UnitOfWork,
  input: UpdateBudgetGroupInput,
): Promise<{ group: BudgetGroup; changed: boolean }> {
  const name = input.name === undefined || input.name === null ? undefined : requireTitle(input.name, 'name');
  const externalId = optionalExternalId(input.externalId);
  const before = await lockBudgetGroup(tx, viewer, input.id);
  const changes = diffFields({ name: before.name, externalId: before.externalId }, { name, externalId });
  if (Object.keys(changes).length === 0) return { group: before, changed: false };
  const group = await tx.budgetGroup
    .update({ where: { id: before.id }, data: { name, externalId } })
    .catch(rethrowTakenExternalId('BudgetGroup', externalId));
  await recordChange(tx, viewer, { entityType: 'BudgetGroup', entityId: group.id, action: 'UPDATED', changes });
  return { group, changed: true };
}

export const updateBudgetGroup = service(
  [NotFoundError, InvalidInputError, DuplicateError],
  async (uow, input: UpdateBudgetGroupInput): Promise<BudgetGroup> => (await applyBudgetGroupUpdate(uow, input)).group,
);

/** Deletes a group; its budgets stay, ungrouped (the schema's ON DELETE SET NULL). */
export const deleteBudgetGroup = service([NotFoundError], async ({ tx, viewer }, input: { id: string }): Promise<BudgetGroup> => {
  const group = await findBudgetGroup(tx, viewer, input.id, 'id');
  await tx.budgetGroup.delete({ where: { id: group.id } });
  await recordChange(tx, viewer, { entityType: 'BudgetGroup', entityId: group.id, action: 'DELETED', comment: group.name });
  return group;
});

export interface CreateBudgetInput {
  name: string;
  /** GLOBAL or EMPLOYEE (case, "-" and "_" insignificant). */
  type: string;
  /** MONTH, QUARTER or YEAR. */
  granularity: string;
  dateFrom: Date;
  dateTo: Date;
  budgetGroupId?: string | null;
  /** SPEND_ALERTS and/or AUTO_FREEZE; duplicates are ignored. */
  config?: readonly string[] | null;
  limit: string;
  currency: string;
  /** The ERP's id of the budget; unique per organization. */
  externalId?: string | null;
}

/**
 * UnknownValueError: unknown type, granularity or option. InvalidAmountError: negative or
 * over-precise limit. InvalidDateRangeError: dateFrom after dateTo. NotFoundError: the budget group.
 * DuplicateError: another budget of the organization has the externalId.
 */
export const createBudget = service(
  [InvalidInputError, UnknownValueError, UnknownCurrencyError, InvalidAmountError, InvalidDateRangeError, NotFoundError, DuplicateError],
  async ({ tx, viewer }, input: CreateBudgetInput): Promise<Budget> => {
    const name = requireTitle(input.name, 'name');
    const type = parseChoice(input.type, BUDGET_TYPES, 'type');
    const granularity = parseChoice(input.granularity, BUDGET_GRANULARITIES, 'granularity');
    const config = parseChoices(input.config ?? [], BUDGET_OPTIONS, 'config');
    const currency = requireCurrency(input.currency);
    const limitMinor = parseMoney(input.limit, currency, 'limit', 'nonNegative');
    requireDateRange(input.dateFrom, input.dateTo);
    const externalId = optionalExternalId(input.externalId) ?? null;
    if (input.budgetGroupId) await findBudgetGroup(tx, viewer, input.budgetGroupId, 'budgetGroupId');
    // A group deleted since it was checked answers NOT_FOUND, as if missing.
    const budget = await tx.budget.create({
      data: {
        organizationId: viewer.organizationId,
        externalId,
        name,
        type,
        granularity,
        dateFrom: input.dateFrom,
        dateTo: input.dateTo,
        budgetGroupId: input.budgetGroupId ?? null,
        config,
        limitMinor,
        currency,
      },
    }).catch(rethrowTakenExternalId('Budget', externalId)).catch(rethrowMissingReference);
    await recordChange(tx, viewer, { entityType: 'Budget', entityId: budget.id, action: 'NEW', comment: name });
    return budget;
  },
);

/**
 * Partial: an omitted (undefined) field is kept; `budgetGroupId: null` takes the budget out of its
 * group. The currency is fixed at creation: every spend row is in it.
 */
export interface UpdateBudgetInput {
  id: string;
  name?: string | null;
  type?: string | null;
  granularity?: string | null;
  dateFrom?: Date | null;
  dateTo?: Date | null;
  budgetGroupId?: string | null;
  config?: readonly string[] | null;
  limit?: string | null;
  /** Omitted: kept; null: cleared. */
  externalId?: string | null;
}

/** The answer to an edit that would leave an AUTO_FREEZE budget above its limit. */
const overLimit: OverrunRefusal = (budget, _spentBefore, spentAfter) => {
  const money = (minor: bigint) => `${formatMoney(minor, budget.currency)} ${budget.currency}`;
  return new BudgetOverLimitError(
    `Budget "${budget.name}" is AUTO_FREEZE: this change would leave it at ${money(spentAfter)} spent over a limit of ` +
      `${money(budget.limitMinor)}. Its limit can go down to ${money(spentAfter)}, not below.`,
    'limit',
  );
};

/**
 * Locks the budget row so a concurrent charge sees either the old or the new limit and window,
 * never a mix, and judges the budget as changed (spend.ts `changeSpend`): a wider window takes in
 * more spend, a lower limit or AUTO_FREEZE turned on may leave the spend above the limit.
 *
 * Lowering an AUTO_FREEZE budget's limit below what it has already spent is refused
 * (BUDGET_OVER_LIMIT; the message says the spend): the rule that spend never passes the limit holds for the
 * limit too. Lowering it to exactly the spend freezes the budget (status FROZEN) with nothing
 * refused so far. A budget without AUTO_FREEZE takes any limit and shows EXCEEDED.
 * NotFoundError: the budget or the new group. InvalidDateRangeError: the resulting window has
 * dateFrom after dateTo. TotalOutOfRangeError: a wider window takes in more spend than can be counted.
 */
export const updateBudget = service(
  [NotFoundError, InvalidInputError, UnknownValueError, InvalidAmountError, InvalidDateRangeError, BudgetOverLimitError, TotalOutOfRangeError, DuplicateError],
  async (uow, input: UpdateBudgetInput): Promise<Budget> => (await applyBudgetUpdate(uow, input)).budget,
);

/** updateBudget, also saying whether anything changed (the upserts answer UNCHANGED otherwise). */
export async function applyBudgetUpdate(uow: UnitOfWork, input: UpdateBudgetInput): Promise<{ budget: Budget; changed: boolean }> {
  const { tx, viewer } = uow;
  const name = input.name == null ? undefined : requireTitle(input.name, 'name');
  const type = input.type == null ? undefined : parseChoice(input.type, BUDGET_TYPES, 'type');
  const granularity = input.granularity == null ? undefined : parseChoice(input.granularity, BUDGET_GRANULARITIES, 'granularity');
  const config = input.config == null ? undefined : parseChoices(input.config, BUDGET_OPTIONS, 'config');
  const externalId = optionalExternalId(input.externalId);
  const before = await lockBudget(tx, viewer, input.id, 'id');
  const limitMinor = input.limit == null ? undefined : parseMoney(input.limit, before.currency, 'limit', 'nonNegative');
  const dateFrom = input.dateFrom ?? before.dateFrom;
  const dateTo = input.dateTo ?? before.dateTo;
  requireDateRange(dateFrom, dateTo);
  if (input.budgetGroupId) await findBudgetGroup(tx, viewer, input.budgetGroupId, 'budgetGroupId');
  const changes = diffFields(
    {
      name: before.name,
      type: before.type,
      granularity: before.granularity,
      dateFrom: isoDay(before.dateFrom),
      dateTo: isoDay(before.dateTo),
      budgetGroupId: before.budgetGroupId,
      config: before.config,
      limit: formatMoney(before.limitMinor, before.currency),
      externalId: before.externalId,
    },
    {
      name,
      type,
      granularity,
      dateFrom: input.dateFrom ? isoDay(input.dateFrom) : undefined,
      dateTo: input.dateTo ? isoDay(input.dateTo) : undefined,
      budgetGroupId: input.budgetGroupId,
      config,
      limit: limitMinor === undefined ? undefined : formatMoney(limitMinor, before.currency),
      externalId,
    },
  );
  if (Object.keys(changes).length === 0) return { budget: before, changed: false };
  const { result: budget, alerts } = await changeSpend(
    tx,
    viewer,
    [before.id],
    () =>
      tx.budget.update({
        where: { id: before.id },
        data: {
          name,
          type,
          granularity,
          dateFrom: input.dateFrom ?? undefined,
          dateTo: input.dateTo ?? undefined,
          budgetGroupId: input.budgetGroupId,
          config,
          limitMinor,
          externalId,
        },
      })
        .catch(rethrowTakenExternalId('Budget', externalId))
        .catch(rethrowMissingReference), // the new group was deleted since it was checked
    { changesBudgets: true, refusal: overLimit },
  );
  await recordChange(tx, viewer, { entityType: 'Budget', entityId: budget.id, action: 'UPDATED', changes });
  emitBudgetAlerts(uow, alerts);
  return { budget, changed: true };
}

/**
 * Deletes a budget with its allocations, budget transactions and alerts (which only mean something
 * for this budget). Linked ledger expenses stay, unlinked. The external transactions stay too, and
 * the amount their deleted parts held becomes free to split again.
 */
export const deleteBudget = service([NotFoundError], async ({ tx, viewer }, input: { id: string }): Promise<Budget> => {
  const budget = await lockBudget(tx, viewer, input.id, 'id');
  await tx.budget.delete({ where: { id: budget.id } });
  await recordChange(tx, viewer, { entityType: 'Budget', entityId: budget.id, action: 'DELETED', comment: budget.name });
  return budget;
});

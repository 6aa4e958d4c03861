/**
 * Allocations: which employees, contractors, projects and invoices a budget covers, each at most
 * once per budget (DUPLICATE otherwise). Kinds with a limit (allocation-kinds.ts) may carry a
 * personal limit in the budget's currency. One create and one delete service per kind, built from
 * the allocation-kind table.
 */
import { DuplicateError, InvalidAmountError, NotFoundError } from '../../domain/errors.js';
import { formatMoney, parseMoney } from '../../domain/money.js';
import type { BudgetContractor, BudgetEmployee, BudgetInvoice, BudgetProject } from '../../generated/prisma/client.js';
import { recordChange } from '../core/changelog.js';
import { isUniqueViolation, rethrowMissingReference } from '../core/database-errors.js';
import { service, type Service } from '../core/service.js';
import { ALLOCATION_KINDS, delegateOf, type AllocationKind } from './allocation-kinds.js';
import { findTarget } from './allocation-targets.js';
import { findBudget } from './budgets.js';

/** `{ budgetId, <targetId>, limit? }`, e.g. `{ budgetId, employeeId, limit: "500.00" }`. */
export type AllocationInput = { budgetId: string; limit?: string | null } & Record<string, string | null | undefined>;

type AllocationRow = { id: string; budgetId: string };

export interface AllocationServices {
  /** NotFoundError: the budget or target. DuplicateError: already allocated. InvalidAmountError: negative limit. */
  create: Service<AllocationInput, AllocationRow>;
  remove: Service<{ id: string }, AllocationRow>;
}

function allocationServices(kind: AllocationKind): AllocationServices {
  const create = service(
    [NotFoundError, DuplicateError, ...(kind.limit ? [InvalidAmountError] : [])],
    async ({ tx, viewer }, input: AllocationInput): Promise<AllocationRow> => {
      const budget = await findBudget(tx, viewer, input.budgetId, 'budgetId');
      const target = await findTarget(tx, viewer, kind.target, input[kind.targetId]!, kind.targetId);
      const limitMinor = kind.limit && input.limit != null ? parseMoney(input.limit, budget.currency, 'limit', 'nonNegative') : null;
      const duplicate = () => new DuplicateError(`${kind.title(target)} is already allocated to "${budget.name}"`, kind.targetId);
      const allocations = delegateOf(tx, kind.model);
      const pair = { budgetId: budget.id, [kind.targetId]: target.id };
      if (await allocations.findFirst({ where: pair, select: { id: true } })) throw duplicate();
      const allocation: AllocationRow = await allocations
        .create({ data: { organizationId: viewer.organizationId, ...pair, ...(kind.limit ? { limitMinor } : {}) } })
        .catch((error: unknown) => {
          // A concurrent create of the same pair won between the check and the insert, or the budget
          // or target was deleted since it was found.
          if (isUniqueViolation(error)) throw duplicate();
          rethrowMissingReference(error);
        });
      const limitText =
        kind.logsLimit && limitMinor !== null ? ` with a limit of ${formatMoney(limitMinor, budget.currency)} ${budget.currency}` : '';
      await recordChange(tx, viewer, {
        entityType: kind.model,
        entityId: allocation.id,
        action: 'NEW',
        comment: `${kind.logName(target)} on "${budget.name}"${limitText}`,
      });
      return allocation;
    },
  );

  const remove = service([NotFoundError], async ({ tx, viewer }, input: { id: string }): Promise<AllocationRow> => {
    const allocations = delegateOf(tx, kind.model);
    const allocation = await allocations.findFirst({ where: { id: input.id, organizationId: viewer.organizationId } });
    if (!allocation) throw new NotFoundError(kind.model, 'id');
    await allocations.delete({ where: { id: allocation.id } });
    await recordChange(tx, viewer, {
      entityType: kind.model,
      entityId: allocation.id,
      action: 'DELETED',
      comment: `${kind.targetField} ${allocation[kind.targetId]} off budget ${allocation.budgetId}`,
    });
    return allocation;
  });

  return { create, remove };
}

/** The create and delete services of every allocation kind, by allocation model. */
export const ALLOCATION_SERVICES = new Map(ALLOCATION_KINDS.map((kind) => [kind.model, allocationServices(kind)] as const));

function servicesOf<Row>(model: AllocationKind['model']) {
  return ALLOCATION_SERVICES.get(model)! as unknown as { create: Service<AllocationInput, Row>; remove: Service<{ id: string }, Row> };
}

export const { create: createBudgetEmployee, remove: deleteBudgetEmployee } = servicesOf<BudgetEmployee>('BudgetEmployee');
export const { create: createBudgetContractor, remove: deleteBudgetContractor } = servicesOf<BudgetContractor>('BudgetContractor');
export const { create: createBudgetProject, remove: deleteBudgetProject } = servicesOf<BudgetProject>('BudgetProject');
export const { create: createBudgetInvoice, remove: deleteBudgetInvoice } = servicesOf<BudgetInvoice>('BudgetInvoice');

/**
 * Allocations: which employees, contractors, projects and invoices a budget covers, each at most
 * once per budget (DUPLICATE otherwise). Employee, contractor and project allocations may carry a
 * personal limit in the budget's currency.
 */
import { DuplicateError, NotFoundError } from '../domain/errors.js';
import { formatMoney, parseMoney } from '../domain/money.js';
import type { Db } from '../db/open.js';
import type { Budget, BudgetContractor, BudgetEmployee, BudgetInvoice, BudgetProject } from '../generated/prisma/client.js';
import { findContractor, findEmployee, findInvoice, findProject } from './allocation-targets.js';
import { findBudget } from './budgets.js';
import { isUniqueViolation } from './prisma-errors.js';
import { recordChange, type ChangeRecord } from './changelog.js';
import { inTransaction, type Tx } from './transaction.js';
import type { Viewer } from './viewer.js';

async function refuseDuplicate<T>(what: string, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateError(`${what} is already allocated to this budget`);
    throw error;
  }
}

function parseLimit(limit: string | null | undefined, budget: Budget): bigint | null {
  return limit == null ? null : parseMoney(limit, budget.currency, 'limit', 'nonNegative');
}

async function logAllocation(tx: Tx, viewer: Viewer, entityType: ChangeRecord['entityType'], id: string, action: 'NEW' | 'DELETED', comment: string) {
  await recordChange(tx, viewer, { entityType, entityId: id, action, comment });
}

export interface PersonAllocationInput {
  budgetId: string;
  /** Decimal in the budget's currency; omitted: no personal limit. */
  limit?: string | null;
}

/**
 * @throws NotFoundError the budget or employee, InvalidAmountError negative limit
 * @throws DuplicateError the employee is already on this budget
 */
export async function createBudgetEmployee(db: Db, viewer: Viewer, input: PersonAllocationInput & { employeeId: string }): Promise<BudgetEmployee> {
  return inTransaction(db, async (tx) => {
    const budget = await findBudget(tx, viewer, input.budgetId, 'budgetId');
    const employee = await findEmployee(tx, viewer, input.employeeId, 'employeeId');
    const limitMinor = parseLimit(input.limit, budget);
    if (await tx.budgetEmployee.findUnique({ where: { budgetId_employeeId: { budgetId: budget.id, employeeId: employee.id } } })) {
      throw new DuplicateError(`${employee.name} is already allocated to "${budget.name}"`, 'employeeId');
    }
    const allocation = await refuseDuplicate(employee.name, () =>
      tx.budgetEmployee.create({ data: { organizationId: viewer.organizationId, budgetId: budget.id, employeeId: employee.id, limitMinor } }),
    );
    const limitText = limitMinor === null ? '' : ` with a limit of ${formatMoney(limitMinor, budget.currency)} ${budget.currency}`;
    await logAllocation(tx, viewer, 'BudgetEmployee', allocation.id, 'NEW', `${employee.name} on "${budget.name}"${limitText}`);
    return allocation;
  });
}

/** @throws NotFoundError */
export async function deleteBudgetEmployee(db: Db, viewer: Viewer, input: { id: string }): Promise<BudgetEmployee> {
  return inTransaction(db, async (tx) => {
    const allocation = await tx.budgetEmployee.findFirst({ where: { id: input.id, organizationId: viewer.organizationId } });
    if (!allocation) throw new NotFoundError('BudgetEmployee', 'id');
    await tx.budgetEmployee.delete({ where: { id: allocation.id } });
    await logAllocation(tx, viewer, 'BudgetEmployee', allocation.id, 'DELETED', `employee ${allocation.employeeId} off budget ${allocation.budgetId}`);
    return allocation;
  });
}

/**
 * @throws NotFoundError the budget or contractor, InvalidAmountError negative limit
 * @throws DuplicateError the contractor is already on this budget
 */
export async function createBudgetContractor(db: Db, viewer: Viewer, input: PersonAllocationInput & { contractorId: string }): Promise<BudgetContractor> {
  return inTransaction(db, async (tx) => {
    const budget = await findBudget(tx, viewer, input.budgetId, 'budgetId');
    const contractor = await findContractor(tx, viewer, input.contractorId, 'contractorId');
    const limitMinor = parseLimit(input.limit, budget);
    if (await tx.budgetContractor.findUnique({ where: { budgetId_contractorId: { budgetId: budget.id, contractorId: contractor.id } } })) {
      throw new DuplicateError(`${contractor.name} is already allocated to "${budget.name}"`, 'contractorId');
    }
    const allocation = await refuseDuplicate(contractor.name, () =>
      tx.budgetContractor.create({ data: { organizationId: viewer.organizationId, budgetId: budget.id, contractorId: contractor.id, limitMinor } }),
    );
    await logAllocation(tx, viewer, 'BudgetContractor', allocation.id, 'NEW', `${contractor.name} on "${budget.name}"`);
    return allocation;
  });
}

/** @throws NotFoundError */
export async function deleteBudgetContractor(db: Db, viewer: Viewer, input: { id: string }): Promise<BudgetContractor> {
  return inTransaction(db, async (tx) => {
    const allocation = await tx.budgetContractor.findFirst({ where: { id: input.id, organizationId: viewer.organizationId } });
    if (!allocation) throw new NotFoundError('BudgetContractor', 'id');
    await tx.budgetContractor.delete({ where: { id: allocation.id } });
    await logAllocation(tx, viewer, 'BudgetContractor', allocation.id, 'DELETED', `contractor ${allocation.contractorId} off budget ${allocation.budgetId}`);
    return allocation;
  });
}

/**
 * @throws NotFoundError the budget or project, InvalidAmountError negative limit
 * @throws DuplicateError the project is already on this budget
 */
export async function createBudgetProject(db: Db, viewer: Viewer, input: PersonAllocationInput & { projectId: string }): Promise<BudgetProject> {
  return inTransaction(db, async (tx) => {
    const budget = await findBudget(tx, viewer, input.budgetId, 'budgetId');
    const project = await findProject(tx, viewer, input.projectId, 'projectId');
    const limitMinor = parseLimit(input.limit, budget);
    if (await tx.budgetProject.findUnique({ where: { budgetId_projectId: { budgetId: budget.id, projectId: project.id } } })) {
      throw new DuplicateError(`Project "${project.name}" is already allocated to "${budget.name}"`, 'projectId');
    }
    const allocation = await refuseDuplicate(project.name, () =>
      tx.budgetProject.create({ data: { organizationId: viewer.organizationId, budgetId: budget.id, projectId: project.id, limitMinor } }),
    );
    await logAllocation(tx, viewer, 'BudgetProject', allocation.id, 'NEW', `${project.name} on "${budget.name}"`);
    return allocation;
  });
}

/** @throws NotFoundError */
export async function deleteBudgetProject(db: Db, viewer: Viewer, input: { id: string }): Promise<BudgetProject> {
  return inTransaction(db, async (tx) => {
    const allocation = await tx.budgetProject.findFirst({ where: { id: input.id, organizationId: viewer.organizationId } });
    if (!allocation) throw new NotFoundError('BudgetProject', 'id');
    await tx.budgetProject.delete({ where: { id: allocation.id } });
    await logAllocation(tx, viewer, 'BudgetProject', allocation.id, 'DELETED', `project ${allocation.projectId} off budget ${allocation.budgetId}`);
    return allocation;
  });
}

/**
 * @throws NotFoundError the budget or invoice
 * @throws DuplicateError the invoice is already on this budget
 */
export async function createBudgetInvoice(db: Db, viewer: Viewer, input: { budgetId: string; invoiceId: string }): Promise<BudgetInvoice> {
  return inTransaction(db, async (tx) => {
    const budget = await findBudget(tx, viewer, input.budgetId, 'budgetId');
    const invoice = await findInvoice(tx, viewer, input.invoiceId, 'invoiceId');
    if (await tx.budgetInvoice.findUnique({ where: { budgetId_invoiceId: { budgetId: budget.id, invoiceId: invoice.id } } })) {
      throw new DuplicateError(`Invoice ${invoice.number} is already allocated to "${budget.name}"`, 'invoiceId');
    }
    const allocation = await refuseDuplicate(`Invoice ${invoice.number}`, () =>
      tx.budgetInvoice.create({ data: { organizationId: viewer.organizationId, budgetId: budget.id, invoiceId: invoice.id } }),
    );
    await logAllocation(tx, viewer, 'BudgetInvoice', allocation.id, 'NEW', `invoice ${invoice.number} on "${budget.name}"`);
    return allocation;
  });
}

/** @throws NotFoundError */
export async function deleteBudgetInvoice(db: Db, viewer: Viewer, input: { id: string }): Promise<BudgetInvoice> {
  return inTransaction(db, async (tx) => {
    const allocation = await tx.budgetInvoice.findFirst({ where: { id: input.id, organizationId: viewer.organizationId } });
    if (!allocation) throw new NotFoundError('BudgetInvoice', 'id');
    await tx.budgetInvoice.delete({ where: { id: allocation.id } });
    await logAllocation(tx, viewer, 'BudgetInvoice', allocation.id, 'DELETED', `invoice ${allocation.invoiceId} off budget ${allocation.budgetId}`);
    return allocation;
  });
}

/**
 * The objects budget allocations point to: employees, contractors, projects and invoices. Deleting
 * one removes its allocations (ON DELETE CASCADE); budget transactions keep their amounts and lose
 * only the employee link (SET NULL), so no spend disappears with a person. Employees, contractors
 * and projects are built from one factory over the allocation-kind table (allocation-kinds.ts);
 * invoices carry money and dates and have their own code.
 */
import { requireDateRange } from '../../domain/dates.js';
import { InvalidAmountError, InvalidDateRangeError, InvalidInputError, NotFoundError, UnknownCurrencyError } from '../../domain/errors.js';
import { parseMoney, requireCurrency } from '../../domain/money.js';
import { optionalText, requireTitle } from '../../domain/text.js';
import type { Contractor, Employee, Invoice, Project } from '../../generated/prisma/client.js';
import { recordChange } from '../core/changelog.js';
import { service, type Service } from '../core/service.js';
import type { Tx } from '../core/unit-of-work.js';
import type { Viewer } from '../core/viewer.js';
import { ALLOCATION_KINDS, delegateOf, type AllocationKind, type TargetRow } from './allocation-kinds.js';

type TargetModel = AllocationKind['target'];

/** A target of the viewer's organization; another tenant's id answers NOT_FOUND like a missing one. */
export async function findTarget(tx: Tx, viewer: Viewer, model: TargetModel, id: string, field: string): Promise<TargetRow> {
  const target = await delegateOf(tx, model).findFirst({ where: { id, organizationId: viewer.organizationId } });
  if (!target) throw new NotFoundError(model, field);
  return target;
}

export const findEmployee = (tx: Tx, viewer: Viewer, id: string, field: string) =>
  findTarget(tx, viewer, 'Employee', id, field) as Promise<Employee>;
export const findProject = (tx: Tx, viewer: Viewer, id: string, field: string) =>
  findTarget(tx, viewer, 'Project', id, field) as Promise<Project>;

/** Deletes a target (its allocations go with it) and logs it under `label`. */
function deleteTargetService<Row extends TargetRow>(model: TargetModel, label: (row: Row) => string): Service<{ id: string }, Row> {
  return service([NotFoundError], async ({ tx, viewer }, input: { id: string }) => {
    const target = (await findTarget(tx, viewer, model, input.id, 'id')) as Row;
    await delegateOf(tx, model).delete({ where: { id: target.id } });
    await recordChange(tx, viewer, { entityType: model, entityId: target.id, action: 'DELETED', comment: label(target) });
    return target;
  });
}

/** `{ name, <detail> }`: e.g. `{ name, email }` for an employee. */
export type NamedTargetInput = { name: string } & Record<string, string | null | undefined>;

export interface NamedTargetServices {
  /** InvalidInputError: empty name, malformed or over-long detail (email, code). */
  create: Service<NamedTargetInput, TargetRow & { name: string }>;
  remove: Service<{ id: string }, TargetRow & { name: string }>;
}

function namedTargetServices(kind: AllocationKind): NamedTargetServices {
  const { detail } = kind.named!;
  return {
    create: service([InvalidInputError], async ({ tx, viewer }, input: NamedTargetInput) => {
      const name = requireTitle(input.name, 'name');
      const value = detail.parse(input[detail.field]);
      const target = await delegateOf(tx, kind.target).create({ data: { organizationId: viewer.organizationId, name, [detail.field]: value } });
      await recordChange(tx, viewer, { entityType: kind.target, entityId: target.id, action: 'NEW', comment: name });
      return target;
    }),
    remove: deleteTargetService(kind.target, (target: TargetRow & { name: string }) => target.name),
  };
}

/** The services of every named target, by target model. */
export const NAMED_TARGET_SERVICES = new Map(
  ALLOCATION_KINDS.filter((kind) => kind.named).map((kind) => [kind.target, namedTargetServices(kind)] as const),
);

function named<Row>(model: TargetModel) {
  const services = NAMED_TARGET_SERVICES.get(model)!;
  return services as unknown as { create: Service<NamedTargetInput, Row>; remove: Service<{ id: string }, Row> };
}

export const { create: createEmployee, remove: deleteEmployee } = named<Employee>('Employee');
export const { create: createContractor, remove: deleteContractor } = named<Contractor>('Contractor');
/** Project transactions keep their amounts and lose the project link (SET NULL). */
export const { create: createProject, remove: deleteProject } = named<Project>('Project');

export interface CreateInvoiceInput {
  number: string;
  supplierName?: string | null;
  amount: string;
  currency: string;
  issuedOn?: Date | null;
  dueOn?: Date | null;
}

/** InvalidAmountError: zero or negative amount. InvalidDateRangeError: due before issued. */
export const createInvoice = service(
  [InvalidInputError, UnknownCurrencyError, InvalidAmountError, InvalidDateRangeError],
  async ({ tx, viewer }, input: CreateInvoiceInput): Promise<Invoice> => {
    const number = requireTitle(input.number, 'number');
    const supplierName = optionalText(input.supplierName, 'supplierName', 500) ?? null;
    const currency = requireCurrency(input.currency);
    const amountMinor = parseMoney(input.amount, currency, 'amount', 'positive');
    if (input.issuedOn && input.dueOn) requireDateRange(input.issuedOn, input.dueOn, { from: 'issuedOn', to: 'dueOn' });
    const invoice = await tx.invoice.create({
      data: {
        organizationId: viewer.organizationId,
        number,
        supplierName,
        amountMinor,
        currency,
        issuedOn: input.issuedOn ?? null,
        dueOn: input.dueOn ?? null,
      },
    });
    await recordChange(tx, viewer, { entityType: 'Invoice', entityId: invoice.id, action: 'NEW', comment: number });
    return invoice;
  },
);

export const deleteInvoice = deleteTargetService<Invoice>('Invoice', (invoice) => invoice.number);

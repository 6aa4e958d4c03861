/**
 * The objects budget allocations point to: employees, contractors, projects and invoices. Deleting
 * one removes its allocations (ON DELETE CASCADE); budget transactions keep their amounts and lose
 * only the employee link (SET NULL), so no spend disappears with a person. Employees, contractors
 * and projects are built from one factory over the allocation-kind table (allocation-kinds.ts);
 * invoices carry money and dates and have their own code.
 */
import { requireDateRange } from '../../domain/dates.js';
import {
  CurrencyMismatchError,
  DuplicateError,
  InvalidAmountError,
  InvalidDateRangeError,
  InvalidInputError,
  NotFoundError,
  UnknownCurrencyError,
} from '../../domain/errors.js';
import { isoDay } from '../../domain/budget-periods.js';
import { formatMoney, parseMoney, requireCurrency } from '../../domain/money.js';
import { optionalText, requireTitle } from '../../domain/text.js';
import type { Contractor, Employee, Invoice, Project } from '../../generated/prisma/client.js';
import { diffFields, recordChange } from '../core/changelog.js';
import { lockAllocationTarget } from '../core/row-locks.js';
import { service, type Service } from '../core/service.js';
import type { Tx, UnitOfWork } from '../core/unit-of-work.js';
import type { Viewer } from '../core/viewer.js';
import { ALLOCATION_KINDS, delegateOf, type AllocationKind, type TargetRow } from './allocation-kinds.js';
import { optionalExternalId, rethrowTakenExternalId } from './external-ids.js';

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

/** `{ name, <detail>, externalId }`: e.g. `{ name, email }` for an employee. */
export type NamedTargetInput = { name: string } & Record<string, string | null | undefined>;

/** Partial: an omitted field is kept, null clears an optional one (the detail, externalId). */
export type NamedTargetUpdate = { id: string; name?: string | null } & Record<string, string | null | undefined>;

export interface NamedTargetServices {
  /** InvalidInputError: empty name, malformed or over-long detail (email, code). DuplicateError: the externalId is taken. */
  create: Service<NamedTargetInput, TargetRow & { name: string }>;
  /** Changes the target; `changed` is false (and nothing is written) when it already was so. */
  update(uow: UnitOfWork, input: NamedTargetUpdate): Promise<{ target: TargetRow & { name: string }; changed: boolean }>;
  /** `update` as a service (the update mutation). NotFoundError, InvalidInputError, DuplicateError. */
  edit: Service<NamedTargetUpdate, TargetRow & { name: string }>;
  remove: Service<{ id: string }, TargetRow & { name: string }>;
}

function namedTargetServices(kind: AllocationKind): NamedTargetServices {
  const { detail } = kind.named!;
  const services: NamedTargetServices = {
    create: service([InvalidInputError, DuplicateError], async ({ tx, viewer }, input: NamedTargetInput) => {
      const name = requireTitle(input.name, 'name');
      const value = detail.parse(input[detail.field]);
      const externalId = optionalExternalId(input.externalId) ?? null;
      const target = await delegateOf(tx, kind.target)
        .create({ data: { organizationId: viewer.organizationId, name, [detail.field]: value, externalId } })
        .catch(rethrowTakenExternalId(kind.target, externalId));
      await recordChange(tx, viewer, { entityType: kind.target, entityId: target.id, action: 'NEW', comment: name });
      return target;
    }),
    async update({ tx, viewer }, input) {
      const name = input.name == null ? undefined : requireTitle(input.name, 'name');
      const value = input[detail.field] === undefined ? undefined : detail.parse(input[detail.field]);
      const externalId = optionalExternalId(input.externalId);
      const before = await lockAllocationTarget<TargetRow & Record<string, unknown>>(tx, viewer, kind.target, input.id);
      const changes = diffFields(
        { name: before.name as string, [detail.field]: (before[detail.field] as string | null) ?? null, externalId: (before.externalId as string | null) ?? null },
        { name, [detail.field]: value, externalId },
      );
      if (Object.keys(changes).length === 0) return { target: before as TargetRow & { name: string }, changed: false };
      const target = await delegateOf(tx, kind.target)
        .update({ where: { id: before.id }, data: { name, [detail.field]: value, externalId } })
        .catch(rethrowTakenExternalId(kind.target, externalId));
      await recordChange(tx, viewer, { entityType: kind.target, entityId: target.id, action: 'UPDATED', changes });
      return { target, changed: true };
    },
    edit: service([NotFoundError, InvalidInputError, DuplicateError], async (uow, input) => (await services.update(uow, input)).target),
    remove: deleteTargetService(kind.target, (target: TargetRow & { name: string }) => target.name),
  };
  return services;
}

/** The services of every named target, by target model. */
export const NAMED_TARGET_SERVICES = new Map(
  ALLOCATION_KINDS.filter((kind) => kind.named).map((kind) => [kind.target, namedTargetServices(kind)] as const),
);

function named<Row>(model: TargetModel) {
  const services = NAMED_TARGET_SERVICES.get(model)!;
  return services as unknown as {
    create: Service<NamedTargetInput, Row>;
    update: (uow: UnitOfWork, input: NamedTargetUpdate) => Promise<{ target: Row; changed: boolean }>;
    edit: Service<NamedTargetUpdate, Row>;
    remove: Service<{ id: string }, Row>;
  };
}

export const { create: createEmployee, update: applyEmployeeUpdate, edit: updateEmployee, remove: deleteEmployee } = named<Employee>('Employee');
export const { create: createContractor, update: applyContractorUpdate, edit: updateContractor, remove: deleteContractor } = named<Contractor>('Contractor');
/** Project transactions keep their amounts and lose the project link (SET NULL). */
export const { create: createProject, update: applyProjectUpdate, edit: updateProject, remove: deleteProject } = named<Project>('Project');

export interface CreateInvoiceInput {
  number: string;
  supplierName?: string | null;
  amount: string;
  currency: string;
  issuedOn?: Date | null;
  dueOn?: Date | null;
  /** The ERP's id of the invoice; unique per organization. */
  externalId?: string | null;
}

/**
 * InvalidAmountError: zero or negative amount. InvalidDateRangeError: due before issued.
 * DuplicateError: another invoice of the organization has the externalId.
 */
export const createInvoice = service(
  [InvalidInputError, UnknownCurrencyError, InvalidAmountError, InvalidDateRangeError, DuplicateError],
  async ({ tx, viewer }, input: CreateInvoiceInput): Promise<Invoice> => {
    const number = requireTitle(input.number, 'number');
    const supplierName = optionalText(input.supplierName, 'supplierName', 500) ?? null;
    const currency = requireCurrency(input.currency);
    const amountMinor = parseMoney(input.amount, currency, 'amount', 'positive');
    if (input.issuedOn && input.dueOn) requireDateRange(input.issuedOn, input.dueOn, { from: 'issuedOn', to: 'dueOn' });
    const externalId = optionalExternalId(input.externalId) ?? null;
    const invoice = await tx.invoice.create({
      data: {
        organizationId: viewer.organizationId,
        externalId,
        number,
        supplierName,
        amountMinor,
        currency,
        issuedOn: input.issuedOn ?? null,
        dueOn: input.dueOn ?? null,
      },
    }).catch(rethrowTakenExternalId('Invoice', externalId));
    await recordChange(tx, viewer, { entityType: 'Invoice', entityId: invoice.id, action: 'NEW', comment: number });
    return invoice;
  },
);

/** Partial: an omitted field is kept, null clears an optional one. The currency is fixed at creation. */
export interface UpdateInvoiceInput {
  id: string;
  number?: string | null;
  supplierName?: string | null;
  amount?: string | null;
  /** Must be the invoice's own currency when given (CURRENCY_MISMATCH otherwise): an amount is only ever re-priced in it. */
  currency?: string | null;
  issuedOn?: Date | null;
  dueOn?: Date | null;
  externalId?: string | null;
}

/** Changes an invoice; `changed` is false (and nothing is written) when it already was so. */
export async function applyInvoiceUpdate({ tx, viewer }: UnitOfWork, input: UpdateInvoiceInput): Promise<{ invoice: Invoice; changed: boolean }> {
  const number = input.number == null ? undefined : requireTitle(input.number, 'number');
  const supplierName = optionalText(input.supplierName, 'supplierName', 500);
  const externalId = optionalExternalId(input.externalId);
  const before = await lockAllocationTarget<Invoice>(tx, viewer, 'Invoice', input.id);
  if (input.currency != null && requireCurrency(input.currency) !== before.currency) {
    throw new CurrencyMismatchError(`The invoice is in ${before.currency}; its currency is fixed at creation`, 'currency');
  }
  const amountMinor = input.amount == null ? undefined : parseMoney(input.amount, before.currency, 'amount', 'positive');
  const issuedOn = input.issuedOn === undefined ? before.issuedOn : input.issuedOn;
  const dueOn = input.dueOn === undefined ? before.dueOn : input.dueOn;
  if (issuedOn && dueOn) requireDateRange(issuedOn, dueOn, { from: 'issuedOn', to: 'dueOn' });
  const day = (date: Date | null | undefined) => (date === undefined ? undefined : date === null ? null : isoDay(date));
  const changes = diffFields(
    {
      number: before.number,
      supplierName: before.supplierName,
      amount: formatMoney(BigInt(before.amountMinor), before.currency),
      issuedOn: day(before.issuedOn) ?? null,
      dueOn: day(before.dueOn) ?? null,
      externalId: before.externalId,
    },
    {
      number,
      supplierName,
      amount: amountMinor === undefined ? undefined : formatMoney(amountMinor, before.currency),
      issuedOn: day(input.issuedOn),
      dueOn: day(input.dueOn),
      externalId,
    },
  );
  if (Object.keys(changes).length === 0) return { invoice: before, changed: false };
  const invoice = await tx.invoice
    .update({ where: { id: before.id }, data: { number, supplierName, amountMinor, issuedOn: input.issuedOn, dueOn: input.dueOn, externalId } })
    .catch(rethrowTakenExternalId('Invoice', externalId));
  await recordChange(tx, viewer, { entityType: 'Invoice', entityId: invoice.id, action: 'UPDATED', changes });
  return { invoice, changed: true };
}

export const updateInvoice = service(
  [NotFoundError, InvalidInputError, UnknownCurrencyError, CurrencyMismatchError, InvalidAmountError, InvalidDateRangeError, DuplicateError],
  async (uow, input: UpdateInvoiceInput): Promise<Invoice> => (await applyInvoiceUpdate(uow, input)).invoice,
);

export const deleteInvoice = deleteTargetService<Invoice>('Invoice', (invoice) => invoice.number);

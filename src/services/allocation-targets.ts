/**
 * The objects budget allocations point to: employees, contractors, projects and invoices. Deleting
 * one removes its allocations (ON DELETE CASCADE); budget transactions keep their amounts and lose
 * only the employee link (SET NULL), so no spend disappears with a person.
 */
import { requireDateRange } from '../domain/dates.js';
import { InvalidInputError, NotFoundError } from '../domain/errors.js';
import { parseMoney, requireCurrency } from '../domain/money.js';
import { optionalText, requireTitle } from '../domain/text.js';
import type { Db } from '../db/open.js';
import type { Contractor, Employee, Invoice, Project } from '../generated/prisma/client.js';
import { recordChange } from './changelog.js';
import { inTransaction, type Tx } from './transaction.js';
import type { Viewer } from './viewer.js';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function email(raw: string | null | undefined): string | null {
  const mail = optionalText(raw, 'email', 320) ?? null;
  if (mail !== null && !EMAIL.test(mail)) throw new InvalidInputError(`"${mail}" is not an email address`, 'email');
  return mail;
}

export async function findEmployee(tx: Tx, viewer: Viewer, id: string, field: string): Promise<Employee> {
  const employee = await tx.employee.findFirst({ where: { id, organizationId: viewer.organizationId } });
  if (!employee) throw new NotFoundError('Employee', field);
  return employee;
}

/** @throws InvalidInputError empty name, malformed email */
export async function createEmployee(db: Db, viewer: Viewer, input: { name: string; email?: string | null }): Promise<Employee> {
  const name = requireTitle(input.name, 'name');
  const mail = email(input.email);
  return inTransaction(db, async (tx) => {
    const employee = await tx.employee.create({ data: { organizationId: viewer.organizationId, name, email: mail } });
    await recordChange(tx, viewer, { entityType: 'Employee', entityId: employee.id, action: 'NEW', comment: name });
    return employee;
  });
}

/** @throws NotFoundError */
export async function deleteEmployee(db: Db, viewer: Viewer, input: { id: string }): Promise<Employee> {
  return inTransaction(db, async (tx) => {
    const employee = await findEmployee(tx, viewer, input.id, 'id');
    await tx.employee.delete({ where: { id: employee.id } });
    await recordChange(tx, viewer, { entityType: 'Employee', entityId: employee.id, action: 'DELETED', comment: employee.name });
    return employee;
  });
}

export async function findContractor(tx: Tx, viewer: Viewer, id: string, field: string): Promise<Contractor> {
  const contractor = await tx.contractor.findFirst({ where: { id, organizationId: viewer.organizationId } });
  if (!contractor) throw new NotFoundError('Contractor', field);
  return contractor;
}

/** @throws InvalidInputError empty name, malformed email */
export async function createContractor(db: Db, viewer: Viewer, input: { name: string; email?: string | null }): Promise<Contractor> {
  const name = requireTitle(input.name, 'name');
  const mail = email(input.email);
  return inTransaction(db, async (tx) => {
    const contractor = await tx.contractor.create({ data: { organizationId: viewer.organizationId, name, email: mail } });
    await recordChange(tx, viewer, { entityType: 'Contractor', entityId: contractor.id, action: 'NEW', comment: name });
    return contractor;
  });
}

/** @throws NotFoundError */
export async function deleteContractor(db: Db, viewer: Viewer, input: { id: string }): Promise<Contractor> {
  return inTransaction(db, async (tx) => {
    const contractor = await findContractor(tx, viewer, input.id, 'id');
    await tx.contractor.delete({ where: { id: contractor.id } });
    await recordChange(tx, viewer, { entityType: 'Contractor', entityId: contractor.id, action: 'DELETED', comment: contractor.name });
    return contractor;
  });
}

export async function findProject(tx: Tx, viewer: Viewer, id: string, field: string): Promise<Project> {
  const project = await tx.project.findFirst({ where: { id, organizationId: viewer.organizationId } });
  if (!project) throw new NotFoundError('Project', field);
  return project;
}

/** @throws InvalidInputError */
export async function createProject(db: Db, viewer: Viewer, input: { name: string; code?: string | null }): Promise<Project> {
  const name = requireTitle(input.name, 'name');
  const code = optionalText(input.code, 'code', 100) ?? null;
  return inTransaction(db, async (tx) => {
    const project = await tx.project.create({ data: { organizationId: viewer.organizationId, name, code } });
    await recordChange(tx, viewer, { entityType: 'Project', entityId: project.id, action: 'NEW', comment: name });
    return project;
  });
}

/** Project transactions keep their amounts and lose the project link (SET NULL). @throws NotFoundError */
export async function deleteProject(db: Db, viewer: Viewer, input: { id: string }): Promise<Project> {
  return inTransaction(db, async (tx) => {
    const project = await findProject(tx, viewer, input.id, 'id');
    await tx.project.delete({ where: { id: project.id } });
    await recordChange(tx, viewer, { entityType: 'Project', entityId: project.id, action: 'DELETED', comment: project.name });
    return project;
  });
}

export async function findInvoice(tx: Tx, viewer: Viewer, id: string, field: string): Promise<Invoice> {
  const invoice = await tx.invoice.findFirst({ where: { id, organizationId: viewer.organizationId } });
  if (!invoice) throw new NotFoundError('Invoice', field);
  return invoice;
}

export interface CreateInvoiceInput {
  number: string;
  supplierName?: string | null;
  amount: string;
  currency: string;
  issuedOn?: Date | null;
  dueOn?: Date | null;
}

/**
 * @throws InvalidInputError, UnknownCurrencyError, InvalidAmountError (zero or negative amount)
 * @throws InvalidDateRangeError due before issued
 */
export async function createInvoice(db: Db, viewer: Viewer, input: CreateInvoiceInput): Promise<Invoice> {
  const number = requireTitle(input.number, 'number');
  const supplierName = optionalText(input.supplierName, 'supplierName', 500) ?? null;
  const currency = requireCurrency(input.currency);
  const amountMinor = parseMoney(input.amount, currency, 'amount', 'positive');
  if (input.issuedOn && input.dueOn) requireDateRange(input.issuedOn, input.dueOn, { from: 'issuedOn', to: 'dueOn' });
  return inTransaction(db, async (tx) => {
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
  });
}

/** @throws NotFoundError */
export async function deleteInvoice(db: Db, viewer: Viewer, input: { id: string }): Promise<Invoice> {
  return inTransaction(db, async (tx) => {
    const invoice = await findInvoice(tx, viewer, input.id, 'id');
    await tx.invoice.delete({ where: { id: invoice.id } });
    await recordChange(tx, viewer, { entityType: 'Invoice', entityId: invoice.id, action: 'DELETED', comment: invoice.number });
    return invoice;
  });
}

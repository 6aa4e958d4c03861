/**
 * The one table of allocation kinds: what a budget can be allocated to. The allocation services
 * (allocations.ts), the services of the targets (allocation-targets.ts) and every GraphQL type,
 * list, input and mutation of allocations and their targets (graphql/types/budget-allocations.ts,
 * allocation-targets.ts) are built from these rows in loops. A new kind is a new row here, its two
 * Prisma models (the target and `Budget<Target>`) and its two changelog entity types.
 *
 * The strings are published: model and field names are GraphQL names too, and the descriptions
 * and messages are what clients and the changelog show today. Keep them as they are.
 */
import { InvalidInputError } from '../../domain/errors.js';
import { optionalText } from '../../domain/text.js';

/** What a named target (not an invoice) keeps beside its name: one optional text field. */
export interface TargetDetail {
  /** Column and GraphQL field, e.g. "email". */
  field: string;
  /** Checks and normalises the raw value (null when omitted). */
  parse(raw: string | null | undefined): string | null;
  /** The GraphQL description of the field on the target type. */
  description: string;
  /** The GraphQL description of the field in the create input. */
  inputDescription: string;
}

/** A target built by the shared factory: a name, one detail, a list query and create/delete mutations. */
export interface NamedTarget {
  /** The organization's list query, e.g. "employees". */
  list: string;
  detail: TargetDetail;
  description: string;
  deleteDescription: string;
}

export interface AllocationKind {
  /** The allocation model and GraphQL type; its mutations are `create<model>` / `delete<model>`. */
  model: 'BudgetEmployee' | 'BudgetContractor' | 'BudgetProject' | 'BudgetInvoice';
  /** The relation on Budget and on the target, and the allocations' list query, e.g. "budgetEmployees". */
  list: string;
  /** The target model and GraphQL type. */
  target: 'Employee' | 'Contractor' | 'Project' | 'Invoice';
  /** The relation from the allocation to its target, e.g. "employee". */
  targetField: string;
  /** The allocation's foreign key and the create input's id field, e.g. "employeeId". */
  targetId: string;
  /** Whether an allocation may carry a personal limit in the budget's currency. */
  limit: { description: string } | null;
  /** Whether the NEW changelog comment states the limit (employees' always have; kept so history reads the same). */
  logsLimit: boolean;
  /** The target as the DUPLICATE message names it. */
  title(target: TargetRow): string;
  /** The target as the changelog comment names it. */
  logName(target: TargetRow): string;
  description: string;
  /** Built by the shared target factory; null when the target has its own code (invoices). */
  named: NamedTarget | null;
}

/** The columns the table reads of a target row. */
export type TargetRow = { id: string; name?: string; number?: string };

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function email(raw: string | null | undefined): string | null {
  const mail = optionalText(raw, 'email', 320) ?? null;
  if (mail !== null && !EMAIL.test(mail)) throw new InvalidInputError(`"${mail}" is not an email address`, 'email');
  return mail;
}

const EMAIL_DETAIL: TargetDetail = {
  field: 'email',
  parse: email,
  description: 'An email address; null when none was given.',
  inputDescription: 'An email address (something@somewhere, no spaces), at most 320 characters; omit or leave blank for none.',
};
const nameOf = (target: TargetRow) => target.name!;

export const ALLOCATION_KINDS: readonly AllocationKind[] = [
  {
    model: 'BudgetEmployee',
    list: 'budgetEmployees',
    target: 'Employee',
    targetField: 'employee',
    targetId: 'employeeId',
    limit: { description: "Optional personal limit in the budget's currency." },
    logsLimit: true,
    title: nameOf,
    logName: nameOf,
    description: 'An employee allocated to a budget.',
    named: {
      list: 'employees',
      detail: EMAIL_DETAIL,
      description: 'A person budgets are allocated to and budget transactions are made on behalf of.',
      deleteDescription: 'Removes the employee and their budget allocations; their budget transactions stay, without an employee.',
    },
  },
  {
    model: 'BudgetContractor',
    list: 'budgetContractors',
    target: 'Contractor',
    targetField: 'contractor',
    targetId: 'contractorId',
    limit: { description: "Optional limit in the budget's currency." },
    logsLimit: false,
    title: nameOf,
    logName: nameOf,
    description: 'A contractor allocated to a budget.',
    named: {
      list: 'contractors',
      detail: EMAIL_DETAIL,
      description: 'An external contractor a budget can be allocated to.',
      deleteDescription: 'Removes the contractor and their budget allocations.',
    },
  },
  {
    model: 'BudgetProject',
    list: 'budgetProjects',
    target: 'Project',
    targetField: 'project',
    targetId: 'projectId',
    limit: { description: "Optional limit in the budget's currency." },
    logsLimit: false,
    title: (project) => `Project "${project.name}"`,
    logName: nameOf,
    description: 'A project allocated to a budget.',
    named: {
      list: 'projects',
      detail: {
        field: 'code',
        parse: (raw) => optionalText(raw, 'code', 100) ?? null,
        description: 'The project\'s short code, e.g. from the ERP; null when none was given.',
        inputDescription: 'A short project code, at most 100 characters; omit or leave blank for none.',
      },
      description: 'A project budgets are allocated to and project transactions belong to.',
      deleteDescription: 'Removes the project and its budget allocations; its transactions stay, without a project.',
    },
  },
  {
    model: 'BudgetInvoice',
    list: 'budgetInvoices',
    target: 'Invoice',
    targetField: 'invoice',
    targetId: 'invoiceId',
    limit: null,
    logsLimit: false,
    title: (invoice) => `Invoice ${invoice.number}`,
    logName: (invoice) => `invoice ${invoice.number}`,
    description: 'An invoice linked to a budget.',
    named: null,
  },
];

export function allocationKind(model: AllocationKind['model']): AllocationKind {
  return ALLOCATION_KINDS.find((kind) => kind.model === model)!;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one lookup for every kind's Prisma delegate
export type Delegate = any;

/** The Prisma delegate of a model (`tx.budgetEmployee` for "BudgetEmployee"). */
export function delegateOf(client: object, model: string): Delegate {
  return (client as Record<string, Delegate>)[model.charAt(0).toLowerCase() + model.slice(1)];
}

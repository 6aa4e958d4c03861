/**
 * ERP sync: upsertBudgets, upsertBudgetGroups, upsertEmployees, upsertContractors, upsertProjects
 * and upsertInvoices create or update rows by the ERP's externalId, one result per row (the
 * policy and its reasons: services/budgets/erp-sync.ts). Built in one loop over the table below.
 */
import type { InputFieldMap } from '@pothos/core';
import { DomainError } from '../../domain/errors.js';
import type PrismaTypes from '../../generated/pothos-types.js';
import {
  MAX_UPSERT_ROWS,
  upsertBudgetGroups,
  upsertBudgets,
  upsertContractors,
  upsertEmployees,
  upsertInvoices,
  upsertProjects,
  type SyncRow,
  type UpsertRowOutcome,
  type UpsertStatus,
} from '../../services/budgets/erp-sync.js';
import { delegateOf } from '../../services/budgets/allocation-kinds.js';
import type { Service } from '../../services/core/service.js';
import { builder } from '../builder.js';
import { decodeIdOf } from '../global-id.js';
import { defineMutation, type InputFieldBuilder } from '../mutation.js';
import { describedValues } from './enums.js';
import { ErrorCodeEnum } from './errors.js';

/** A row's error as JSON (a payload is JSON), answered as a plain object: an Error returned by a resolver would fail the field. */
type RowErrorJson = { code: DomainError['code']; message: string; field: string | null };
type OutcomeJson = Omit<UpsertRowOutcome, 'error'> & { error: RowErrorJson | null };
type ReportJson = { results: OutcomeJson[] };

const reportJson = (outcomes: UpsertRowOutcome[]): ReportJson => ({
  results: outcomes.map((outcome) => ({
    ...outcome,
    error: outcome.error ? { code: outcome.error.code, message: outcome.error.message, field: outcome.error.field ?? null } : null,
  })),
});

const SyncStatusEnum = builder.enumType('SyncStatus', {
  description: 'What an upsert did with one row.',
  values: describedValues(['CREATED', 'UPDATED', 'UNCHANGED', 'ERROR'] as const satisfies readonly UpsertStatus[], {
    CREATED: 'No row of the organization had this externalId: one was created now.',
    UPDATED: 'The row with this externalId was changed to what the batch says (its changelog has an UPDATED event).',
    UNCHANGED: 'The row with this externalId already was as the batch says; nothing was written (a replay).',
    ERROR: 'The row breaks a rule and was not applied; `error` says which. The other rows are not affected.',
  }),
});

const SyncRowError = builder.objectRef<RowErrorJson>('SyncRowError').implement({
  description: 'Why a row of an upsert was not applied; the same codes as the single-object mutations (e.g. BUDGET_OVER_LIMIT, UNKNOWN_VALUE).',
  fields: (t) => ({
    code: t.expose('code', { type: ErrorCodeEnum, description: 'The stable code of the error, e.g. INVALID_INPUT, DUPLICATE, BUDGET_OVER_LIMIT.' }),
    message: t.exposeString('message', { description: 'What is wrong with the row, for a person to read; its wording may change.' }),
    field: t.exposeString('field', { nullable: true, description: 'The row\'s field the error is about, e.g. "limit"; null when it is about the row as a whole.' }),
  }),
});

interface SyncedType {
  mutation: string;
  /** The Prisma model and GraphQL type of the rows. */
  model: keyof PrismaTypes & ('Budget' | 'BudgetGroup' | 'Employee' | 'Contractor' | 'Project' | 'Invoice');
  /** The input's list and the result's object field, e.g. "budgets" / "budget". */
  list: string;
  field: string;
  service: Service<{ rows: readonly SyncRow[] }, UpsertRowOutcome[]>;
  fields: (t: InputFieldBuilder) => InputFieldMap;
  /** Global ids inside a row, decoded per row (a malformed one fails only its row). */
  ids?: Record<string, string>;
  description: string;
}

const EXTERNAL_ID_FIELD = (t: InputFieldBuilder) =>
  t.string({ description: 'Required: the id in the ERP, trimmed, 1–200 characters; the row with it is created or updated.' });
const PARTIAL = 'On create the required fields must be given; on update an omitted field is kept and null clears an optional one.';

const SYNCED: SyncedType[] = [
  {
    mutation: 'upsertBudgets',
    model: 'Budget',
    list: 'budgets',
    field: 'budget',
    service: upsertBudgets,
    ids: { budgetGroupId: 'BudgetGroup' },
    description: 'with the rules of createBudget and updateBudget (AUTO_FREEZE limits, windows; the currency is fixed once created)',
    fields: (t) => ({
      externalId: EXTERNAL_ID_FIELD(t),
      name: t.string({ description: 'Required on create: trimmed, 1–500 characters.' }),
      type: t.string({ description: 'Required on create: GLOBAL or EMPLOYEE ("global" is accepted too).' }),
      granularity: t.string({ description: 'Required on create: MONTH, QUARTER or YEAR.' }),
      dateFrom: t.field({ type: 'Date', description: 'Required on create: first day of the window, inclusive.' }),
      dateTo: t.field({ type: 'Date', description: 'Required on create: last day of the window, inclusive; not before dateFrom.' }),
      limit: t.field({ type: 'Decimal', description: 'Required on create: in `currency`, 0 or more. An AUTO_FREEZE budget\'s limit cannot go below its spend.' }),
      currency: t.string({ description: 'Required on create: ISO 4217. On update it may repeat the budget\'s currency, not change it (CURRENCY_MISMATCH).' }),
      config: t.stringList({ description: 'SPEND_ALERTS and/or AUTO_FREEZE; replaces the whole list; [] turns every option off.' }),
      budgetGroupId: t.id({ description: 'The group (global id). Omitted: none on create, kept on update; null: ungrouped.' }),
      budgetGroupExternalId: t.string({
        description: 'Instead of budgetGroupId: the group by its externalId (NOT_FOUND when no group has it; both given: INVALID_INPUT). Null: ungrouped.',
      }),
    }),
  },
  {
    mutation: 'upsertBudgetGroups',
    model: 'BudgetGroup',
    list: 'budgetGroups',
    field: 'budgetGroup',
    service: upsertBudgetGroups,
    description: 'with the rules of createBudgetGroup and updateBudgetGroup',
    fields: (t) => ({
      externalId: EXTERNAL_ID_FIELD(t),
      name: t.string({ description: 'Required on create: trimmed, 1–500 characters.' }),
    }),
  },
  ...(
    [
      ['upsertEmployees', 'Employee', 'employees', 'employee', upsertEmployees, 'email'],
      ['upsertContractors', 'Contractor', 'contractors', 'contractor', upsertContractors, 'email'],
      ['upsertProjects', 'Project', 'projects', 'project', upsertProjects, 'code'],
    ] as const
  ).map(([mutation, model, list, field, service, detail]): SyncedType => ({
    mutation,
    model,
    list,
    field,
    service,
    description: `with the rules of create${model}`,
    fields: (t) => ({
      externalId: EXTERNAL_ID_FIELD(t),
      name: t.string({ description: 'Required on create: trimmed, 1–500 characters.' }),
      [detail]: t.string({
        description: detail === 'email' ? 'An email address, at most 320 characters; null or blank clears it.' : 'A short project code, at most 100 characters; null or blank clears it.',
      }),
    }),
  })),
  {
    mutation: 'upsertInvoices',
    model: 'Invoice',
    list: 'invoices',
    field: 'invoice',
    service: upsertInvoices,
    description: 'with the rules of createInvoice (the currency is fixed once created)',
    fields: (t) => ({
      externalId: EXTERNAL_ID_FIELD(t),
      number: t.string({ description: 'Required on create: the invoice number, trimmed, 1–500 characters.' }),
      supplierName: t.string({ description: 'Who issued it, at most 500 characters.' }),
      amount: t.field({ type: 'Decimal', description: 'Required on create: the total, greater than zero, at most the currency\'s decimals.' }),
      currency: t.string({ description: 'Required on create: ISO 4217. On update it may repeat the invoice\'s currency, not change it (CURRENCY_MISMATCH).' }),
      issuedOn: t.field({ type: 'Date', description: 'The issue date, YYYY-MM-DD.' }),
      dueOn: t.field({ type: 'Date', description: 'The due date, YYYY-MM-DD; not before issuedOn (INVALID_DATE_RANGE).' }),
    }),
  },
];

/** Decodes a row's global ids; a malformed one becomes the row's own INVALID_ID instead of failing the batch. */
function decodeRowIds(row: Record<string, unknown>, ids: Record<string, string> | undefined): SyncRow {
  const decoded: Record<string, unknown> = { ...row };
  try {
    for (const [field, typename] of Object.entries(ids ?? {})) {
      if (typeof decoded[field] === 'string') decoded[field] = decodeIdOf(typename, decoded[field] as string, field);
    }
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    decoded.invalid = error;
  }
  return decoded as SyncRow;
}

for (const synced of SYNCED) {
  const typeName = synced.model;
  const RowInput = builder.inputType(`${typeName}SyncInput`, {
    description: `One row of ${synced.mutation}, the ${typeName} as the ERP has it. ${PARTIAL} Every field is optional in the schema so a bad row is reported on its own row.`,
    fields: synced.fields,
  });
  const Result = builder.objectRef<OutcomeJson>(`${typeName}SyncResult`).implement({
    description: `What ${synced.mutation} did with one row.`,
    fields: (t) => ({
      index: t.exposeInt('index', { description: '0-based position of the row in the batch.' }),
      externalId: t.exposeString('externalId', { nullable: true, description: 'The externalId the row was sent with (trimmed); null when it had none.' }),
      status: t.expose('status', { type: SyncStatusEnum, description: 'What became of the row.' }),
      [synced.field]: t.prismaField({
        type: synced.model as 'Budget',
        nullable: true,
        description: `The ${typeName} as it is after the batch committed; null for an ERROR row.`,
        // Prisma batches these findUnique calls of one response into one query.
        resolve: (query, outcome, _args, ctx) =>
          outcome.id ? delegateOf(ctx.db, synced.model).findUnique({ ...query, where: { id: outcome.id, organizationId: ctx.viewer.organizationId } }) : null,
      }),
      error: t.field({
        type: SyncRowError,
        nullable: true,
        description: 'Why the row was not applied (ERROR rows; DUPLICATE when an earlier row of the batch has the externalId); null otherwise.',
        resolve: (outcome) => outcome.error,
      }),
    }),
  });
  defineMutation({
    name: synced.mutation,
    description:
      `Creates or updates ${typeName} rows by the ERP's externalId (1 to ${MAX_UPSERT_ROWS} rows), ${synced.description}, in one transaction. ` +
      'Every valid row is applied and a row that breaks a rule is reported ERROR with its error while the others commit; replaying a batch changes nothing (UNCHANGED). Priced per row.',
    input: (t) => ({
      [synced.list]: t.field({ type: [RowInput], required: true, description: `1 to ${MAX_UPSERT_ROWS} rows; each externalId at most once.` }),
    }),
    service: synced.service,
    serviceInput: (input) => ({ rows: (input[synced.list] as Array<Record<string, unknown>>).map((row) => decodeRowIds(row, synced.ids)) }),
    batchSize: (input) => (Array.isArray(input?.[synced.list]) ? (input[synced.list] as unknown[]).length : 1),
    payload: reportJson,
    success: (name, succeeded) =>
      builder.objectRef<ReportJson>(name).implement({
        description: `${succeeded} Every row has its result; the valid ones were committed together.`,
        fields: (t) => ({
          results: t.field({ type: [Result], description: 'One result per row sent, in batch order.', resolve: (report) => report.results }),
        }),
      }),
  });
}

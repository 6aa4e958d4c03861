/**
 * ERP sync: `upsert<Things>` creates or updates rows by the ERP's `externalId` (unique per
 * organization), in one unit of work, with one outcome per row.
 *
 * Policy on bad rows: REPORT THEM, KEEP THE GOOD ONES (as importTransactions does). Each row runs
 * behind its own savepoint: a row that breaks a rule is rolled back to it and answered ERROR with
 * its typed error, while every valid row commits with the others in the one transaction. A
 * failure that is not a rule (the database, contention) fails the whole batch, and contention
 * re-runs it from the start (../core/contention.ts). Batch-level refusals (empty, too many rows)
 * change nothing.
 *
 * Every row goes through the same code as the single-object mutations (createBudget /
 * updateBudget's rules: AUTO_FREEZE limits, currency, windows; the changelog event; webhooks), so a
 * synced budget is judged exactly like an edited one. A row that would change nothing writes
 * nothing and is UNCHANGED: replaying a batch is harmless and leaves no changelog event.
 *
 * Concurrency: two batches creating one new externalId at once both miss it on look-up; the
 * unique index makes the second insert wait for the first transaction, then fail with a unique
 * violation, which the row's inner savepoint catches: it reads the winner's row (committed, so
 * visible to the next statement) and updates it instead. Exactly one row is ever created. Rows
 * are processed in externalId order so two batches lock shared rows in one order (no deadlock);
 * outcomes are answered in batch order.
 */
import { CurrencyMismatchError, DomainError, DuplicateError, InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { requireCurrency } from '../../domain/money.js';
import { service, type Service } from '../core/service.js';
import { withSavepoint, type UnitOfWork } from '../core/unit-of-work.js';
import { delegateOf } from './allocation-kinds.js';
import {
  applyContractorUpdate,
  applyEmployeeUpdate,
  applyInvoiceUpdate,
  applyProjectUpdate,
  createContractor,
  createEmployee,
  createInvoice,
  createProject,
  type UpdateInvoiceInput,
} from './allocation-targets.js';
import { applyBudgetGroupUpdate, applyBudgetUpdate, createBudget, createBudgetGroup } from './budgets.js';
import { isTakenExternalId } from './external-ids.js';
import { requireExternalId } from './external-transactions.js';

/** Rows per batch: a page, as for lists and nodes(ids:). Each row is a full rule-checked write. */
export const MAX_UPSERT_ROWS = 100;

export type UpsertStatus = 'CREATED' | 'UPDATED' | 'UNCHANGED' | 'ERROR';

export interface UpsertRowOutcome {
  /** 0-based position in the batch. */
  index: number;
  externalId: string | null;
  status: UpsertStatus;
  /** The row's uuid (CREATED, UPDATED, UNCHANGED). */
  id: string | null;
  error: DomainError | null;
}

/** What every row carries: its externalId, and a refusal found before the service (a malformed global id). */
export interface SyncRow {
  externalId?: string | null;
  invalid?: DomainError | null;
}

/** How one model is created and updated: by the same functions as its own mutations. */
interface SyncedModel<Row extends SyncRow> {
  /** The Prisma model, which is also the GraphQL type and the changelog's entity type. */
  model: 'Budget' | 'BudgetGroup' | 'Employee' | 'Contractor' | 'Project' | 'Invoice';
  /** The input list, named by batch-level errors, e.g. "budgets". */
  batchField: string;
  create(uow: UnitOfWork, row: Row, externalId: string): Promise<{ id: string }>;
  /** Changes the row to what `row` says; false when it already was so (nothing written). */
  update(uow: UnitOfWork, id: string, row: Row): Promise<boolean>;
}

/** A field a new row cannot do without: absent or blank is INVALID_INPUT on that field. */
export function required<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) {
    throw new InvalidInputError(`${field} is required to create the row`, field);
  }
  return value;
}

async function findByExternalId(uow: UnitOfWork, model: string, externalId: string): Promise<string | undefined> {
  const row = await delegateOf(uow.tx, model).findFirst({ where: { organizationId: uow.viewer.organizationId, externalId }, select: { id: true } });
  return row?.id;
}

async function upsertRow<Row extends SyncRow>(
  uow: UnitOfWork,
  synced: SyncedModel<Row>,
  externalId: string,
  row: Row,
): Promise<{ status: UpsertStatus; id: string }> {
  const updateExisting = async (id: string) => ({ status: (await synced.update(uow, id, row)) ? ('UPDATED' as const) : ('UNCHANGED' as const), id });
  const existing = await findByExternalId(uow, synced.model, externalId);
  if (existing) return updateExisting(existing);
  const created = await withSavepoint(uow, 'upsert_create', isTakenExternalId, (scope) => synced.create(scope, row, externalId));
  if ('ok' in created) return { status: 'CREATED', id: created.ok.id };
  // A concurrent batch created it after our look-up and has committed: update its row instead.
  const winner = await findByExternalId(uow, synced.model, externalId);
  if (!winner) throw created.error;
  return updateExisting(winner);
}

function upsert<Row extends SyncRow>(synced: SyncedModel<Row>): Service<{ rows: readonly Row[] }, UpsertRowOutcome[]> {
  return service([InvalidInputError], async (uow, input) => {
    if (input.rows.length === 0) throw new InvalidInputError('The batch has no rows', synced.batchField);
    if (input.rows.length > MAX_UPSERT_ROWS) {
      throw new InvalidInputError(`A batch holds at most ${MAX_UPSERT_ROWS} rows; got ${input.rows.length}. Split it.`, synced.batchField);
    }
    const outcomes: UpsertRowOutcome[] = [];
    const firstRowOf = new Map<string, number>();
    const toApply: Array<{ index: number; externalId: string }> = [];
    input.rows.forEach((row, index) => {
      const outcome: UpsertRowOutcome = { index, externalId: row.externalId?.trim() || null, status: 'ERROR', id: null, error: null };
      outcomes.push(outcome);
      try {
        if (row.invalid) throw row.invalid;
        const externalId = requireExternalId(required(row.externalId, 'externalId'));
        outcome.externalId = externalId;
        const first = firstRowOf.get(externalId);
        if (first !== undefined) throw new DuplicateError(`Row ${first} of this batch already has externalId "${externalId}"`, 'externalId');
        firstRowOf.set(externalId, index);
        toApply.push({ index, externalId });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        outcome.error = error;
      }
    });
    toApply.sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
    for (const { index, externalId } of toApply) {
      const outcome = outcomes[index]!;
      const result = await withSavepoint(uow, 'upsert_row', (error) => error instanceof DomainError, (scope) =>
        upsertRow(scope, synced, externalId, input.rows[index]!),
      );
      if ('ok' in result) Object.assign(outcome, result.ok);
      else outcome.error = result.error as DomainError;
    }
    return outcomes;
  });
}

// ───────────────────────────── the models ─────────────────────────────

export interface BudgetSyncRow extends SyncRow {
  name?: string | null;
  type?: string | null;
  granularity?: string | null;
  dateFrom?: Date | null;
  dateTo?: Date | null;
  limit?: string | null;
  currency?: string | null;
  config?: readonly string[] | null;
  budgetGroupId?: string | null;
  /** The group by the ERP's id instead of Allot's: the ERP need not remember Allot's ids. */
  budgetGroupExternalId?: string | null;
}

/** The row with its group named by Allot's id: `budgetGroupExternalId` looked up (NOT_FOUND on it when no group has it). */
async function withGroupResolved(uow: UnitOfWork, row: BudgetSyncRow): Promise<BudgetSyncRow> {
  if (row.budgetGroupExternalId === undefined) return row;
  if (row.budgetGroupId !== undefined) {
    throw new InvalidInputError('Name the group by budgetGroupId or by budgetGroupExternalId, not both', 'budgetGroupExternalId');
  }
  if (row.budgetGroupExternalId === null) return { ...row, budgetGroupId: null };
  const groupId = await findByExternalId(uow, 'BudgetGroup', requireExternalId(row.budgetGroupExternalId, 'budgetGroupExternalId'));
  if (!groupId) throw new NotFoundError('BudgetGroup', 'budgetGroupExternalId');
  return { ...row, budgetGroupId: groupId };
}

export const upsertBudgets = upsert<BudgetSyncRow>({
  model: 'Budget',
  batchField: 'budgets',
  create: async (uow, given, externalId) => {
    const row = await withGroupResolved(uow, given);
    return createBudget(uow, {
      externalId,
      name: required(row.name, 'name'),
      type: required(row.type, 'type'),
      granularity: required(row.granularity, 'granularity'),
      dateFrom: required(row.dateFrom, 'dateFrom'),
      dateTo: required(row.dateTo, 'dateTo'),
      limit: required(row.limit, 'limit'),
      currency: required(row.currency, 'currency'),
      config: row.config,
      budgetGroupId: row.budgetGroupId,
    });
  },
  async update(uow, id, given) {
    const row = await withGroupResolved(uow, given);
    // The currency is fixed at creation (every spend row is in it); a row may repeat it, not change it.
    if (row.currency != null) {
      const { currency } = await uow.tx.budget.findUniqueOrThrow({ where: { id }, select: { currency: true } });
      if (requireCurrency(row.currency) !== currency) {
        throw new CurrencyMismatchError(`The budget is in ${currency}; its currency is fixed at creation`, 'currency');
      }
    }
    const { budgetGroupExternalId: _byExternalId, ...fields } = row;
    return (await applyBudgetUpdate(uow, { ...fields, id, externalId: undefined })).changed;
  },
});

export interface BudgetGroupSyncRow extends SyncRow {
  name?: string | null;
}

export const upsertBudgetGroups = upsert<BudgetGroupSyncRow>({
  model: 'BudgetGroup',
  batchField: 'budgetGroups',
  create: (uow, row, externalId) => createBudgetGroup(uow, { externalId, name: required(row.name, 'name') }),
  update: async (uow, id, row) => (await applyBudgetGroupUpdate(uow, { id, name: row.name })).changed,
});

/** An employee or contractor (`email`) or a project (`code`). */
export interface NamedTargetSyncRow extends SyncRow {
  name?: string | null;
  email?: string | null;
  code?: string | null;
}

function namedTargetSync(
  model: 'Employee' | 'Contractor' | 'Project',
  batchField: string,
  detail: 'email' | 'code',
  create: Service<{ name: string } & Record<string, string | null | undefined>, { id: string }>,
  update: (uow: UnitOfWork, input: { id: string } & Record<string, string | null | undefined>) => Promise<{ changed: boolean }>,
) {
  return upsert<NamedTargetSyncRow>({
    model,
    batchField,
    create: (uow, row, externalId) => create(uow, { externalId, name: required(row.name, 'name'), [detail]: row[detail] }),
    update: async (uow, id, row) => (await update(uow, { id, name: row.name, [detail]: row[detail] })).changed,
  });
}

export const upsertEmployees = namedTargetSync('Employee', 'employees', 'email', createEmployee, applyEmployeeUpdate);
export const upsertContractors = namedTargetSync('Contractor', 'contractors', 'email', createContractor, applyContractorUpdate);
export const upsertProjects = namedTargetSync('Project', 'projects', 'code', createProject, applyProjectUpdate);

/** An invoice row: updateInvoice's fields, named by external id. */
export interface InvoiceSyncRow extends SyncRow, Omit<UpdateInvoiceInput, 'id' | 'externalId'> {}

export const upsertInvoices = upsert<InvoiceSyncRow>({
  model: 'Invoice',
  batchField: 'invoices',
  create: (uow, row, externalId) =>
    createInvoice(uow, {
      externalId,
      number: required(row.number, 'number'),
      supplierName: row.supplierName,
      amount: required(row.amount, 'amount'),
      currency: required(row.currency, 'currency'),
      issuedOn: row.issuedOn,
      dueOn: row.dueOn,
    }),
  update: async (uow, id, row) => (await applyInvoiceUpdate(uow, { ...row, id, externalId: undefined })).changed,
});

/**
 * Recognising the database refusals services turn into typed domain errors. They are what is left
 * of a race once every check has passed: the loser of two creates of one unique key, or a row a
 * write points at that a concurrent transaction deleted between the check and the write. Each
 * write that can meet one catches it here and answers the typed error the check would have given,
 * so a race never reaches the client as INTERNAL_SERVER_ERROR.
 */
import { NotFoundError } from '../../domain/errors.js';

/** PostgreSQL unique violation as Prisma reports it: typically the loser of a race between two creates. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

type AdapterCause = { originalCode?: string; originalMessage?: string; constraint?: { index?: string } };

function adapterCause(error: unknown): AdapterCause | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  return (error as { meta?: { driverAdapterError?: { cause?: AdapterCause } } }).meta?.driverAdapterError?.cause;
}

/**
 * The foreign-key constraint a statement broke (`Entry_categoryId_fkey`), or undefined for any
 * other error: 23503 when an insert or update points at a missing row, or a delete leaves rows
 * pointing at it; 23001 when a delete meets ON DELETE RESTRICT.
 */
export function violatedForeignKey(error: unknown): string | undefined {
  const cause = adapterCause(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (!cause || !(code === 'P2003' || cause.originalCode === '23503' || cause.originalCode === '23001')) return undefined;
  return cause.constraint?.index ?? /foreign key constraint "([^"]+)"/.exec(cause.originalMessage ?? '')?.[1];
}

/** What each referencing column points at, for the NOT_FOUND a missing reference answers. */
const REFERENCED: Record<string, string> = {
  accountId: 'Account',
  budgetGroupId: 'BudgetGroup',
  budgetId: 'Budget',
  categoryId: 'Category',
  contractorId: 'Contractor',
  counterpartyId: 'Counterparty',
  employeeId: 'Employee',
  entryId: 'Entry',
  invoiceId: 'Invoice',
  parentId: 'Category',
  projectId: 'Project',
  transactionId: 'Transaction',
};

/**
 * For `.catch` on an insert or update: a row it points at was deleted after it was checked, which
 * is answered exactly like a missing id (NOT_FOUND on that input field). Anything else is rethrown.
 */
export function rethrowMissingReference(error: unknown): never {
  const column = /_([A-Za-z]+)_fkey$/.exec(violatedForeignKey(error) ?? '')?.[1];
  const entity = column ? REFERENCED[column] : undefined;
  if (column && entity) throw new NotFoundError(entity, column);
  throw error;
}

/**
 * Every row lock the services take, in one place, with one strength per table and the order in
 * which a transaction takes them. Each helper finds the row in the viewer's organization (another
 * tenant's id answers NOT_FOUND exactly like a missing one) and holds it until the transaction
 * ends.
 *
 * Order, so two transactions never wait on each other in a circle:
 *   category tree (advisory) → entry → transfer → external transaction → accounts (id order)
 *   → budgets (id order) → attachment owner (KEY SHARE).
 *
 * Strengths:
 * - Account: FOR NO KEY UPDATE, the lock an update of a non-key column (the balance) takes anyway.
 *   Callers have often already inserted a row referencing the account (an entry, a transfer), whose
 *   foreign-key check holds FOR KEY SHARE on it; FOR UPDATE would conflict with another
 *   transaction's KEY SHARE and two such writers would deadlock. NO KEY UPDATE still serialises
 *   every balance change.
 *   Closing is the exception: `lockAccountToClose` takes FOR UPDATE, which waits for every
 *   transaction holding KEY SHARE, and `shareOpenAccount` takes KEY SHARE before a row naming the
 *   account is written unposted. So a close and a new unposted record or transfer serialise: the
 *   close counts the committed record (ACCOUNT_IN_USE), or the writer sees the account closed.
 *   A close holds one row only, so it never waits in a circle.
 * - Entry, Transfer, Transaction, Budget: FOR UPDATE. Their deletes must exclude new rows that
 *   reference them (an attachment holds its owner with FOR KEY SHARE, which FOR UPDATE waits for),
 *   and a budget's spend check must see every charge before it. Callers that will insert a row
 *   referencing a budget lock the budget first (see ledger/entries.ts).
 * - BudgetGroup, Employee, Contractor, Project, Invoice: FOR NO KEY UPDATE, taken by their edits
 *   (and the ERP upserts) before reading the row they diff, so two edits of one row run one after
 *   the other and each logs the change from the state it really changed. NO KEY UPDATE, the lock
 *   the update takes anyway, so rows that reference them (allocations, budgets) can still be
 *   inserted meanwhile. They are taken alone, never together with the locks above.
 * - The category tree: a transaction-scoped advisory lock per organization, since a move checks
 *   the whole tree for cycles, not one row.
 *
 * Each lock is one statement that also reads the row (`SELECT * … FOR …`): the row a caller
 * locks is the row it works on, and a second read would cost a round trip per lock.
 */
import { NotFoundError } from '../../domain/errors.js';
import { Prisma, type Account, type Budget, type BudgetGroup, type Entry, type EntryKind, type Transaction, type Transfer } from '../../generated/prisma/client.js';
// A lock statement cancelled by statement_timeout was waiting its turn: contention, retried.
import { waitingForLock } from './contention.js';
import type { Tx } from './unit-of-work.js';
import type { Viewer } from './viewer.js';

const ENTRY_TYPE_NAME: Record<EntryKind, 'Expense' | 'Income'> = { EXPENSE: 'Expense', INCOME: 'Income' };

/** Serialises changes to the organization's category tree. */
export async function lockCategoryTree(tx: Tx, viewer: Viewer): Promise<void> {
  await waitingForLock(tx, () => tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${'categories:' + viewer.organizationId}))`);
}

/**
 * `$queryRaw` returns a PostgreSQL array of enum values as its text form (`{A,B}`): the driver
 * knows no parser for the enum's array type. Enum labels hold no commas, quotes or braces.
 */
function enumArray(value: unknown): string[] {
  if (Array.isArray(value)) return value as string[];
  const text = String(value);
  return text === '{}' ? [] : text.slice(1, -1).split(',');
}

/** An expense or income of this kind; a record of the other kind answers NOT_FOUND like a missing one. */
export async function lockEntry(tx: Tx, viewer: Viewer, id: string, kind: EntryKind, field = 'id'): Promise<Entry> {
  const [entry] = await waitingForLock(tx, () => tx.$queryRaw<Entry[]>`
    SELECT * FROM "Entry"
     WHERE id = ${id}::uuid AND "organizationId" = ${viewer.organizationId}::uuid AND kind = ${kind}::"EntryKind"
       FOR UPDATE`);
  if (!entry) throw new NotFoundError(ENTRY_TYPE_NAME[kind], field);
  return entry;
}

export async function lockTransfer(tx: Tx, viewer: Viewer, id: string, field = 'id'): Promise<Transfer> {
  const [transfer] = await waitingForLock(tx, () => tx.$queryRaw<Transfer[]>`
    SELECT * FROM "Transfer" WHERE id = ${id}::uuid AND "organizationId" = ${viewer.organizationId}::uuid FOR UPDATE`);
  if (!transfer) throw new NotFoundError('Transfer', field);
  return transfer;
}

/** An external transaction (bank / card), not the database's. */
export async function lockTransaction(tx: Tx, viewer: Viewer, transactionId: string, field = 'transactionId'): Promise<Transaction> {
  const [transaction] = await waitingForLock(tx, () => tx.$queryRaw<Transaction[]>`
    SELECT * FROM "Transaction" WHERE id = ${transactionId}::uuid AND "organizationId" = ${viewer.organizationId}::uuid FOR UPDATE`);
  if (!transaction) throw new NotFoundError('Transaction', field);
  return transaction;
}

/** One account. Several accounts: `lockAccounts`, which takes them in id order. */
export function lockAccount(tx: Tx, viewer: Viewer, accountId: string, field = 'accountId'): Promise<Account> {
  return accountLockedFor(tx, viewer, accountId, field, ACCOUNT_LOCK.NO_KEY_UPDATE);
}

/** The strengths an account is locked with (module comment), as SQL the statement takes verbatim. */
const ACCOUNT_LOCK = {
  NO_KEY_UPDATE: Prisma.raw('FOR NO KEY UPDATE'),
  UPDATE: Prisma.raw('FOR UPDATE'),
  KEY_SHARE: Prisma.raw('FOR KEY SHARE'),
} as const;

async function accountLockedFor(tx: Tx, viewer: Viewer, accountId: string, field: string, strength: Prisma.Sql): Promise<Account> {
  const [account] = await waitingForLock(tx, () => tx.$queryRaw<Account[]>`
    SELECT * FROM "Account" WHERE id = ${accountId}::uuid AND "organizationId" = ${viewer.organizationId}::uuid ${strength}`);
  if (!account) throw new NotFoundError('Account', field);
  return account;
}

/** A category as a new record's checks need it. */
export interface CategoryKindAndTitle {
  kind: EntryKind;
  title: string;
}

/**
 * `lockAccount`, also reading in the same statement the category a new record names (null when it
 * names none, or one that is not in this organization): create-and-post checks its category
 * without a round trip of its own. Only the account is locked.
 */
export async function lockAccountReadingCategory(
  tx: Tx,
  viewer: Viewer,
  accountId: string,
  categoryId: string | null,
): Promise<{ account: Account; category: CategoryKindAndTitle | null }> {
  const [row] = await waitingForLock(tx, () => tx.$queryRaw<Array<Account & { categoryKind: EntryKind | null; categoryTitle: string | null }>>`
    SELECT a.*, c.kind::text AS "categoryKind", c.title AS "categoryTitle"
      FROM "Account" a
      LEFT JOIN "Category" c ON c.id = ${categoryId}::uuid AND c."organizationId" = ${viewer.organizationId}::uuid
     WHERE a.id = ${accountId}::uuid AND a."organizationId" = ${viewer.organizationId}::uuid
       FOR NO KEY UPDATE OF a`);
  if (!row) throw new NotFoundError('Account', 'accountId');
  const { categoryKind, categoryTitle, ...account } = row;
  return { account, category: categoryKind && categoryTitle !== null ? { kind: categoryKind, title: categoryTitle } : null };
}

/** The account about to be closed: FOR UPDATE, see the module comment. */
export function lockAccountToClose(tx: Tx, viewer: Viewer, accountId: string, field = 'id'): Promise<Account> {
  return accountLockedFor(tx, viewer, accountId, field, ACCOUNT_LOCK.UPDATE);
}

/**
 * The account a row about to be written names (an unposted record or transfer), held FOR KEY
 * SHARE so a concurrent close waits for this transaction, and read after any close that committed
 * first. Does not wait for postings or other writers.
 */
export function shareAccount(tx: Tx, viewer: Viewer, accountId: string, field = 'accountId'): Promise<Account> {
  return accountLockedFor(tx, viewer, accountId, field, ACCOUNT_LOCK.KEY_SHARE);
}

/** Accounts in id order, so two operations on the same accounts (opposite transfers) cannot deadlock. */
export async function lockAccounts(tx: Tx, viewer: Viewer, accountIds: Iterable<string>, field = 'accountId'): Promise<Map<string, Account>> {
  const accounts = new Map<string, Account>();
  for (const id of [...new Set(accountIds)].sort()) accounts.set(id, await lockAccount(tx, viewer, id, field));
  return accounts;
}

export async function lockBudget(tx: Tx, viewer: Viewer, budgetId: string, field = 'budgetId'): Promise<Budget> {
  const [budget] = await waitingForLock(tx, () => tx.$queryRaw<Budget[]>`
    SELECT * FROM "Budget" WHERE id = ${budgetId}::uuid AND "organizationId" = ${viewer.organizationId}::uuid FOR UPDATE`);
  if (!budget) throw new NotFoundError('Budget', field);
  return { ...budget, config: enumArray(budget.config) as Budget['config'] };
}

/** Budgets in id order (an edit moving spend between two budgets, a transaction split across several). */
export async function lockBudgets(tx: Tx, viewer: Viewer, budgetIds: Iterable<string>, field = 'budgetId'): Promise<Map<string, Budget>> {
  const budgets = new Map<string, Budget>();
  for (const id of [...new Set(budgetIds)].sort()) budgets.set(id, await lockBudget(tx, viewer, id, field));
  return budgets;
}

/** A budget group, for an edit (see the strengths above). */
export async function lockBudgetGroup(tx: Tx, viewer: Viewer, id: string, field = 'id'): Promise<BudgetGroup> {
  const [group] = await waitingForLock(tx, () => tx.$queryRaw<BudgetGroup[]>`
    SELECT * FROM "BudgetGroup" WHERE id = ${id}::uuid AND "organizationId" = ${viewer.organizationId}::uuid FOR NO KEY UPDATE`);
  if (!group) throw new NotFoundError('BudgetGroup', field);
  return group;
}

/** The models of allocation targets; the name goes into SQL, so only these constants are accepted. */
const TARGET_TABLES = new Set(['Employee', 'Contractor', 'Project', 'Invoice']);

/** An allocation target (employee, contractor, project, invoice), for an edit (see the strengths above). */
export async function lockAllocationTarget<Row>(tx: Tx, viewer: Viewer, model: 'Employee' | 'Contractor' | 'Project' | 'Invoice', id: string, field = 'id'): Promise<Row> {
  if (!TARGET_TABLES.has(model)) throw new Error(`Not an allocation target: ${model}`);
  const [row] = await waitingForLock(tx, () =>
    tx.$queryRawUnsafe<Row[]>(`SELECT * FROM "${model}" WHERE id = $1::uuid AND "organizationId" = $2::uuid FOR NO KEY UPDATE`, id, viewer.organizationId),
  );
  if (!row) throw new NotFoundError(model, field);
  return row;
}

/**
 * Expense and income records (CRM "расход" / "доход"): add, update, delete. Both kinds live in the
 * one `Entry` table and obey the same rules; `kind` says which.
 *
 * - The period (year, month) follows the plan date; without one it is the month of creation.
 * - `post: true` on create/update posts the record in the same transaction. If the account lacks
 *   the funds the record is still saved, unposted, and the result carries the reason (the CRM's
 *   documented behaviour: "Запись добавлена. Расход не проведен…"). Any other refusal refuses all.
 * - Updates are partial: an omitted field is kept, an explicit null clears it (title, amount and
 *   account cannot be cleared). Changing the money of a posted record (amount, account, budget or
 *   plan date) moves the difference on the accounts and budgets atomically, or is refused with
 *   nothing changed.
 * - A posted record cannot be deleted (ENTRY_POSTED): unpost it first. Deleting one deletes its
 *   attachments too: their rows in the transaction, their stored files after it commits.
 * - Each change writes one changelog event (NEW, UPDATED with from → to, DELETED); a create or
 *   update that also posts writes the POSTED event after it, as the CRM's changelog does.
 */
import {
  AccountClosedError,
  BudgetFrozenError,
  CategoryKindMismatchError,
  CurrencyMismatchError,
  EntryPostedError,
  InsufficientFundsError,
  InvalidAmountError,
  InvalidInputError,
  NotFoundError,
  TotalOutOfRangeError,
} from '../../domain/errors.js';
import { formatMoney, parseMoney } from '../../domain/money.js';
import { optionalText, requireTitle } from '../../domain/text.js';
import type { Account, BudgetAlert, Entry, EntryKind } from '../../generated/prisma/client.js';
import type { AttachmentStorage } from '../attachments/attachment-storage.js';
import { diffFields, recordChange, recordChanges, type ChangeRecord, type Changes } from '../core/changelog.js';
import { rethrowMissingReference } from '../core/database-errors.js';
import { emitBudgetAlerts } from '../core/events.js';
import { lockAccountReadingCategory, lockBudget, lockEntry } from '../core/row-locks.js';
import { errorsOf, service } from '../core/service.js';
import type { Tx, UnitOfWork } from '../core/unit-of-work.js';
import type { Viewer } from '../core/viewer.js';
import { changeSpend } from '../budgets/spend.js';
import { requireOpen } from './accounts.js';
import { applyBalanceChanges, checkBalanceChange } from './balances.js';
import { writeWithBudgetRecharge, type EntryData } from './entry-budget-spend.js';
import { insertEntryRow, type NewEntry } from './entry-insert.js';
import { findBudgetFor, findCategoryOfKind, findCounterparty, findOpenAccount, requireCategoryOfKind } from './entry-references.js';
import { balanceEffect, countedBudget, KIND_NAME, postedComment, postingWhat, postLockedEntry, type EntryResult } from './posting.js';

const MAX_INVOICE_NUMBER_LENGTH = 100;
const MAX_DEAL_REF_LENGTH = 200;

/** The fields a client sets on a record. Omitted (undefined) keeps, null clears. */
export interface EntryFieldsInput {
  title?: string | null;
  /** Decimal string in the account's currency, greater than zero. */
  amount?: string | null;
  accountId?: string | null;
  categoryId?: string | null;
  description?: string | null;
  plannedDate?: Date | null;
  invoiceNumber?: string | null;
  invoiceDate?: Date | null;
  invoicePaidDate?: Date | null;
  dealRef?: string | null;
  counterpartyId?: string | null;
  budgetId?: string | null;
  /** Post in the same transaction (CRM `do: "on"`). false/omitted leaves the posting as it is. */
  post?: boolean | null;
}

export interface CreateEntryInput extends EntryFieldsInput {
  kind: EntryKind;
  title: string;
  amount: string;
  accountId: string;
}

export interface UpdateEntryInput extends EntryFieldsInput {
  id: string;
  kind: EntryKind;
}

export interface DeleteEntryInput {
  id: string;
  /** Where the record's attachment files are stored; they are removed after the delete commits. */
  storage: AttachmentStorage;
}

export interface EntryWriteResult extends EntryResult {
  /** Set when `post` was asked for and the account lacked the funds: the record was saved unposted. */
  notPostedReason: InsufficientFundsError | null;
}


const isoDate = (date: Date | null) => (date ? date.toISOString().slice(0, 10) : null);

/** A record's fields as the changelog shows them: money as a decimal string, dates as YYYY-MM-DD. */
function changelogView(data: EntryData, currency: string) {
  return {
    title: data.title,
    description: data.description,
    categoryId: data.categoryId,
    accountId: data.accountId,
    amount: formatMoney(data.amountMinor, currency),
    period: `${data.periodMonth}.${data.periodYear}`,
    plannedDate: isoDate(data.plannedDate),
    invoiceNumber: data.invoiceNumber,
    invoiceDate: isoDate(data.invoiceDate),
    invoicePaidDate: isoDate(data.invoicePaidDate),
    dealRef: data.dealRef,
    counterpartyId: data.counterpartyId,
    budgetId: data.budgetId,
  };
}

function periodOf(
  plannedDate: Date | null | undefined,
  fallback: { periodYear: number; periodMonth: number },
): { periodYear: number; periodMonth: number } {
  return plannedDate
    ? { periodYear: plannedDate.getUTCFullYear(), periodMonth: plannedDate.getUTCMonth() + 1 }
    : { periodYear: fallback.periodYear, periodMonth: fallback.periodMonth };
}

/** Posts a freshly written record if asked; short funds leave it unposted with the reason. */
async function postIfAsked(tx: Tx, viewer: Viewer, entry: Entry, post: boolean | null | undefined): Promise<EntryWriteResult> {
  if (!post || entry.posted) return { entry, alerts: [], notPostedReason: null };
  try {
    return { ...(await postLockedEntry(tx, viewer, entry)), notPostedReason: null };
  } catch (error) {
    // Safe to continue the transaction: funds are checked before any posting write.
    if (error instanceof InsufficientFundsError) return { entry, alerts: [], notPostedReason: error };
    throw error;
  }
}

/**
 * CRM "add" (createExpense / createIncome below).
 * InvalidInputError: empty/over-long title or text, a budget on an income. InvalidAmountError:
 * zero, negative, malformed or over-precise amount. NotFoundError: account, category, counterparty
 * or budget not in this organization. CurrencyMismatchError: the budget's currency.
 * BudgetFrozenError: posting would pass an AUTO_FREEZE budget's limit.
 * Insufficient funds with `post` is not thrown: see `notPostedReason`.
 */
async function insertEntry({ tx, viewer }: UnitOfWork, input: CreateEntryInput): Promise<EntryWriteResult> {
  const title = requireTitle(input.title);
  const description = optionalText(input.description, 'description') ?? null;
  const invoiceNumber = optionalText(input.invoiceNumber, 'invoiceNumber', MAX_INVOICE_NUMBER_LENGTH) ?? null;
  const dealRef = optionalText(input.dealRef, 'dealRef', MAX_DEAL_REF_LENGTH) ?? null;
  // Posting locks the account (and changeSpend the budget) before the insert: the insert's
  // foreign keys take KEY SHARE locks on the same rows, and two creates each holding KEY SHARE on
  // the budget while waiting for FOR UPDATE would deadlock. Order: account, budget (core/row-locks.ts).
  // The lock's statement also reads the category.
  const locked = input.post ? await lockAccountReadingCategory(tx, viewer, input.accountId, input.categoryId ?? null) : null;
  if (locked) requireOpen(locked.account);
  const account = locked?.account ?? (await findOpenAccount(tx, viewer, input.accountId));
  const amountMinor = parseMoney(input.amount, account.currency, 'amount', 'positive');
  if (input.categoryId && locked) requireCategoryOfKind(locked.category, input.kind);
  else if (input.categoryId) await findCategoryOfKind(tx, viewer, input.categoryId, input.kind);
  if (input.counterpartyId) await findCounterparty(tx, viewer, input.counterpartyId);
  if (input.budgetId) await findBudgetFor(tx, viewer, input.budgetId, input.kind, account);
  const refusal = input.post ? postingRefusal(account, input.kind, amountMinor) : null;
  const posted = Boolean(input.post) && !refusal;
  const now = new Date();
  const row: NewEntry = {
    organizationId: viewer.organizationId,
    kind: input.kind,
    title,
    description,
    categoryId: input.categoryId ?? null,
    accountId: account.id,
    amountMinor,
    ...periodOf(input.plannedDate, { periodYear: now.getUTCFullYear(), periodMonth: now.getUTCMonth() + 1 }),
    plannedDate: input.plannedDate ?? null,
    invoiceNumber,
    invoiceDate: input.invoiceDate ?? null,
    invoicePaidDate: input.invoicePaidDate ?? null,
    dealRef,
    counterpartyId: input.counterpartyId ?? null,
    budgetId: input.budgetId ?? null,
    authorId: viewer.userId,
    // Created posted rather than inserted and then updated: one write of the row.
    posted,
    postedAt: posted ? now : null,
  };
  // The balance moves in the insert's statement (checked above by postingRefusal). A category,
  // budget or counterparty deleted since it was checked answers NOT_FOUND, as if missing.
  const create = () => insertEntryRow(tx, row, now, posted ? balanceEffect(row) : 0n).catch(rethrowMissingReference);
  const added: ChangeRecord = {
    entityType: 'Entry',
    entityId: '',
    action: 'NEW',
    nodeType: KIND_NAME[input.kind],
    comment: `Added ${KIND_NAME[input.kind].toLowerCase()} of ${formatMoney(amountMinor, account.currency)} ${account.currency}`,
  };
  if (!posted) {
    const entry = await create();
    await recordChange(tx, viewer, { ...added, entityId: entry.id });
    return { entry, alerts: [], notPostedReason: refusal };
  }
  const counted = countedBudget({ kind: input.kind, budgetId: input.budgetId ?? null });
  const { result: entry, alerts } = await changeSpend(tx, viewer, counted, create, { currency: account.currency });
  await recordChanges(tx, viewer, [
    { ...added, entityId: entry.id },
    { entityType: 'Entry', entityId: entry.id, action: 'POSTED', nodeType: KIND_NAME[entry.kind], comment: postedComment(entry, account.currency) },
  ]);
  return { entry, alerts, notPostedReason: null };
}

/**
 * Why a new record cannot be posted on its locked account: short funds, answered as
 * `notPostedReason` (the record is saved unposted). Any other refusal is thrown.
 */
function postingRefusal(account: Account, kind: EntryKind, amountMinor: bigint): InsufficientFundsError | null {
  try {
    checkBalanceChange(account, balanceEffect({ kind, amountMinor }), postingWhat(kind));
    return null;
  } catch (error) {
    if (error instanceof InsufficientFundsError) return error;
    throw error;
  }
}

/** The record's fields after applying a partial update, each checked. */
async function nextEntryData(
  tx: Tx,
  viewer: Viewer,
  before: Entry,
  input: UpdateEntryInput,
): Promise<{ data: EntryData; account: Account; previousAccount: Account }> {
  if (input.title === null) throw new InvalidInputError('title cannot be cleared', 'title');
  if (input.amount === null) throw new InvalidAmountError('amount cannot be cleared', 'amount');
  if (input.accountId === null) throw new InvalidInputError('accountId cannot be cleared', 'accountId');
  const title = input.title === undefined ? before.title : requireTitle(input.title);
  const keep = <T>(value: T | undefined, current: T): T => (value === undefined ? current : value);

  const previousAccount = await tx.account.findUniqueOrThrow({ where: { id: before.accountId } });
  const accountChanged = input.accountId !== undefined && input.accountId !== before.accountId;
  const account = accountChanged ? await findOpenAccount(tx, viewer, input.accountId!) : previousAccount;
  let amountMinor = before.amountMinor;
  if (input.amount !== undefined) {
    amountMinor = parseMoney(input.amount, account.currency, 'amount', 'positive');
  } else if (accountChanged) {
    if (previousAccount.currency !== account.currency) {
      throw new CurrencyMismatchError(
        `Account "${account.name}" is in ${account.currency}; give the amount in ${account.currency} when moving the record there`,
        'amount',
      );
    }
  }

  const categoryId = keep(input.categoryId, before.categoryId);
  if (categoryId && categoryId !== before.categoryId) await findCategoryOfKind(tx, viewer, categoryId, before.kind);
  const counterpartyId = keep(input.counterpartyId, before.counterpartyId);
  if (counterpartyId && counterpartyId !== before.counterpartyId) await findCounterparty(tx, viewer, counterpartyId);
  const budgetId = keep(input.budgetId, before.budgetId);
  if (budgetId && (budgetId !== before.budgetId || accountChanged)) await findBudgetFor(tx, viewer, budgetId, before.kind, account);

  const plannedDate = keep(input.plannedDate, before.plannedDate);
  return {
    account,
    previousAccount,
    data: {
      title,
      description: keep(optionalText(input.description, 'description'), before.description),
      categoryId,
      accountId: account.id,
      amountMinor,
      ...periodOf(plannedDate, before),
      plannedDate,
      invoiceNumber: keep(optionalText(input.invoiceNumber, 'invoiceNumber', MAX_INVOICE_NUMBER_LENGTH), before.invoiceNumber),
      invoiceDate: keep(input.invoiceDate, before.invoiceDate),
      invoicePaidDate: keep(input.invoicePaidDate, before.invoicePaidDate),
      dealRef: keep(optionalText(input.dealRef, 'dealRef', MAX_DEAL_REF_LENGTH), before.dealRef),
      counterpartyId,
      budgetId,
    },
  };
}

/**
 * CRM "update" (updateExpense / updateIncome below): partial; see the module comment.
 * NotFoundError: the record, or a referenced account/category/counterparty/budget.
 * InvalidInputError, InvalidAmountError: incl. clearing title/amount/account.
 * InsufficientFundsError: the new money of a posted record does not fit (nothing changes).
 * BudgetFrozenError: the new spend of a posted expense would pass an AUTO_FREEZE limit.
 */
async function changeEntry({ tx, viewer }: UnitOfWork, input: UpdateEntryInput): Promise<EntryWriteResult> {
  const before = await lockEntry(tx, viewer, input.id, input.kind);
  const { data, account, previousAccount } = await nextEntryData(tx, viewer, before, input);
  const changes: Changes = diffFields(changelogView(before, previousAccount.currency), changelogView(data, account.currency));
  let entry = before;
  let alerts: BudgetAlert[] = [];
  if (Object.keys(changes).length > 0) {
    if (before.posted) {
      await applyBalanceChanges(
        tx,
        viewer,
        [
          { accountId: before.accountId, deltaMinor: -balanceEffect(before) },
          { accountId: data.accountId, deltaMinor: balanceEffect({ kind: before.kind, amountMinor: data.amountMinor }) },
        ],
        `Changing this posted ${KIND_NAME[before.kind].toLowerCase()}`,
      );
    }
    ({ entry, alerts } = await writeWithBudgetRecharge(tx, viewer, before, data, () =>
      tx.entry.update({ where: { id: before.id }, data }).catch(rethrowMissingReference),
    ));
    await recordChange(tx, viewer, { entityType: 'Entry', entityId: before.id, action: 'UPDATED', nodeType: KIND_NAME[before.kind], changes });
  }
  const posted = await postIfAsked(tx, viewer, entry, input.post);
  return { ...posted, alerts: [...alerts, ...posted.alerts] };
}

/** CRM "delete": only an unposted record, with its attachments (metadata now, files after commit). */
async function removeEntry(uow: UnitOfWork, input: DeleteEntryInput, kind: EntryKind): Promise<Entry> {
  const { tx, viewer } = uow;
  const entry = await lockEntry(tx, viewer, input.id, kind);
  if (entry.posted) {
    throw new EntryPostedError(`"${entry.title}" is posted; unpost it before deleting it`, 'id');
  }
  const account = await tx.account.findUniqueOrThrow({ where: { id: entry.accountId } });
  // Uploads hold the record with FOR KEY SHARE, so after lockEntry no new attachment can appear.
  const attachments = await tx.attachment.findMany({ where: { entryId: entry.id }, select: { id: true, fileName: true, storageKey: true } });
  await tx.attachment.deleteMany({ where: { entryId: entry.id } });
  await tx.entry.delete({ where: { id: entry.id } });
  const files = attachments.length > 0 ? ` with ${attachments.length} attached file(s): ${attachments.map((a) => `"${a.fileName}"`).join(', ')}` : '';
  await recordChange(tx, viewer, {
    entityType: 'Entry',
    entityId: entry.id,
    action: 'DELETED',
    nodeType: KIND_NAME[entry.kind],
    comment: `Deleted "${entry.title}" (${formatMoney(entry.amountMinor, account.currency)} ${account.currency})${files}`,
  });
  await recordChanges(
    tx,
    viewer,
    attachments.map((attachment) => ({ entityType: 'Attachment', entityId: attachment.id, action: 'DELETED', comment: `${attachment.fileName} (with its record)` })),
  );
  // After commit: a rolled-back delete must not lose the files; a file left by a crash here is only wasted space.
  const storageKeys = attachments.map((attachment) => attachment.storageKey);
  uow.afterCommit(() => input.storage.removeAll(storageKeys));
  return entry;
}

/** Runs a write and announces the budget alerts it recorded (delivered after commit). */
async function announcing(uow: UnitOfWork, write: Promise<EntryWriteResult>): Promise<EntryWriteResult> {
  const result = await write;
  emitBudgetAlerts(uow, result.alerts);
  return result;
}

type NewEntryInput = Omit<CreateEntryInput, 'kind'>;
type ChangedEntryInput = Omit<UpdateEntryInput, 'kind'>;

// Budgets only apply to expenses: an income never meets a frozen budget or a budget's currency.
const CREATE_ERRORS = [InvalidInputError, InvalidAmountError, NotFoundError, AccountClosedError, CategoryKindMismatchError];

// Posting at once can pass a budget's largest total (TOTAL_OUT_OF_RANGE).
export const createExpense = service(
  [...CREATE_ERRORS, CurrencyMismatchError, BudgetFrozenError, TotalOutOfRangeError],
  (uow, input: NewEntryInput) => announcing(uow, insertEntry(uow, { ...input, kind: 'EXPENSE' })),
);
// An income posted at once, or a posted edit that puts money back, can pass the largest balance.
export const createIncome = service([...CREATE_ERRORS, TotalOutOfRangeError], (uow, input: NewEntryInput) => insertEntry(uow, { ...input, kind: 'INCOME' }));

// Moving a record to an account in another currency without a new amount is CURRENCY_MISMATCH for both kinds.
const UPDATE_ERRORS = [...CREATE_ERRORS, CurrencyMismatchError, InsufficientFundsError, TotalOutOfRangeError];

export const updateExpense = service(
  [...UPDATE_ERRORS, BudgetFrozenError],
  (uow, input: ChangedEntryInput) => announcing(uow, changeEntry(uow, { ...input, kind: 'EXPENSE' })),
);
export const updateIncome = service(UPDATE_ERRORS, (uow, input: ChangedEntryInput) => changeEntry(uow, { ...input, kind: 'INCOME' }));

export const deleteExpense = service([NotFoundError, EntryPostedError], (uow, input: DeleteEntryInput) => removeEntry(uow, input, 'EXPENSE'));
export const deleteIncome = service([NotFoundError, EntryPostedError], (uow, input: DeleteEntryInput) => removeEntry(uow, input, 'INCOME'));

/** Either kind, named by `input.kind` (the CLI, the seed, tests); the mutations use the per-kind operations. */
export const createEntry = service(errorsOf(createExpense, createIncome), (uow, input: CreateEntryInput) =>
  input.kind === 'EXPENSE' ? createExpense(uow, input) : createIncome(uow, input),
);
export const updateEntry = service(errorsOf(updateExpense, updateIncome), (uow, input: UpdateEntryInput) =>
  input.kind === 'EXPENSE' ? updateExpense(uow, input) : updateIncome(uow, input),
);
export const deleteEntry = service(deleteExpense.errors, (uow, input: DeleteEntryInput & { kind: EntryKind }) =>
  input.kind === 'EXPENSE' ? deleteExpense(uow, input) : deleteIncome(uow, input),
);

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
import { CurrencyMismatchError, EntryPostedError, InsufficientFundsError, InvalidAmountError, InvalidInputError } from '../domain/errors.js';
import { formatMoney, parseMoney } from '../domain/money.js';
import { optionalText, requireTitle } from '../domain/text.js';
import type { Db } from '../db/open.js';
import type { Account, BudgetAlert, Entry, EntryKind } from '../generated/prisma/client.js';
import { lockAccount } from './accounts.js';
import type { AttachmentStorage } from './attachment-storage.js';
import { applyBalanceChanges } from './balances.js';
import { lockBudget } from './budget-spend.js';
import { diffFields, recordChange, recordChanges, type Changes } from './changelog.js';
import { writeWithBudgetRecharge, type EntryData } from './entry-budget.js';
import { findBudgetFor, findCategoryOfKind, findCounterparty, findOpenAccount } from './entry-references.js';
import { balanceEffect, KIND_NAME, lockEntry, postLockedEntry, type EntryResult } from './posting.js';
import { publishingAlerts } from './alert-bus.js';
import { inTransaction, type Tx } from './transaction.js';
import type { Viewer } from './viewer.js';

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
 * CRM "add".
 * @throws InvalidInputError empty/over-long title or text, a budget on an income
 * @throws InvalidAmountError zero, negative, malformed or over-precise amount
 * @throws NotFoundError account, category, counterparty or budget not in this organization
 * @throws AccountClosedError, CategoryKindMismatchError, CurrencyMismatchError (budget currency)
 * @throws BudgetFrozenError when posting would pass an AUTO_FREEZE budget's limit
 * Insufficient funds with `post` is not thrown: see `notPostedReason`.
 */
export async function createEntry(db: Db, viewer: Viewer, input: CreateEntryInput): Promise<EntryWriteResult> {
  const title = requireTitle(input.title);
  const description = optionalText(input.description, 'description') ?? null;
  const invoiceNumber = optionalText(input.invoiceNumber, 'invoiceNumber', MAX_INVOICE_NUMBER_LENGTH) ?? null;
  const dealRef = optionalText(input.dealRef, 'dealRef', MAX_DEAL_REF_LENGTH) ?? null;
  return publishingAlerts(db, inTransaction(db, async (tx) => {
    const account = await findOpenAccount(tx, viewer, input.accountId);
    const amountMinor = parseMoney(input.amount, account.currency, 'amount', 'positive');
    if (input.categoryId) await findCategoryOfKind(tx, viewer, input.categoryId, input.kind);
    if (input.counterpartyId) await findCounterparty(tx, viewer, input.counterpartyId);
    if (input.budgetId) await findBudgetFor(tx, viewer, input.budgetId, input.kind, account);
    if (input.post) {
      // Posting will lock the account (and budget) rows FOR UPDATE. Take those locks before the
      // insert: the insert's foreign keys take KEY SHARE locks on the same rows, and two creates
      // each holding KEY SHARE while waiting to upgrade would deadlock. Order: account, budget.
      await lockAccount(tx, viewer, account.id);
      if (input.budgetId) await lockBudget(tx, viewer, input.budgetId);
    }
    const now = new Date();
    const entry = await tx.entry.create({
      data: {
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
      },
    });
    await recordChange(tx, viewer, {
      entityType: 'Entry',
      entityId: entry.id,
      action: 'NEW',
      comment: `Added ${KIND_NAME[input.kind].toLowerCase()} of ${formatMoney(amountMinor, account.currency)} ${account.currency}`,
    });
    return postIfAsked(tx, viewer, entry, input.post);
  }));
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
 * CRM "update": partial; see the module comment.
 * @throws NotFoundError the record (or a referenced account/category/counterparty/budget)
 * @throws InvalidInputError, InvalidAmountError (incl. clearing title/amount/account)
 * @throws AccountClosedError, CategoryKindMismatchError, CurrencyMismatchError
 * @throws InsufficientFundsError the new money of a posted record does not fit (nothing changes)
 * @throws BudgetFrozenError the new spend of a posted expense would pass an AUTO_FREEZE limit
 */
export async function updateEntry(db: Db, viewer: Viewer, input: UpdateEntryInput): Promise<EntryWriteResult> {
  return publishingAlerts(db, inTransaction(db, async (tx) => {
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
      ({ entry, alerts } = await writeWithBudgetRecharge(tx, viewer, before, data, { before: previousAccount.currency, after: account.currency }, () =>
        tx.entry.update({ where: { id: before.id }, data }),
      ));
      await recordChange(tx, viewer, { entityType: 'Entry', entityId: before.id, action: 'UPDATED', changes });
    }
    const posted = await postIfAsked(tx, viewer, entry, input.post);
    return { ...posted, alerts: [...alerts, ...posted.alerts] };
  }));
}

/**
 * CRM "delete": only an unposted record, with its attachments (metadata now, files after commit).
 * @throws NotFoundError, EntryPostedError
 */
export async function deleteEntry(db: Db, viewer: Viewer, input: { id: string; kind: EntryKind }, storage: AttachmentStorage): Promise<Entry> {
  const { entry, storageKeys } = await inTransaction(db, async (tx) => {
    const entry = await lockEntry(tx, viewer, input.id, input.kind);
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
      comment: `Deleted "${entry.title}" (${formatMoney(entry.amountMinor, account.currency)} ${account.currency})${files}`,
    });
    await recordChanges(
      tx,
      viewer,
      attachments.map((attachment) => ({ entityType: 'Attachment', entityId: attachment.id, action: 'DELETED', comment: `${attachment.fileName} (with its record)` })),
    );
    return { entry, storageKeys: attachments.map((attachment) => attachment.storageKey) };
  });
  // After commit: a rolled-back delete must not lose the files; a file left by a crash here is only wasted space.
  await storage.removeAll(storageKeys);
  return entry;
}

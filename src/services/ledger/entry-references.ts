/**
 * Checks on what an expense or income record points at: its account, category, counterparty and
 * budget. Each answers NOT_FOUND for an id outside the viewer's organization, exactly as for a
 * missing one.
 */
import {
  CategoryKindMismatchError,
  CurrencyMismatchError,
  InvalidInputError,
  NotFoundError,
} from '../../domain/errors.js';
import type { Account, Budget, Category, Counterparty, EntryKind } from '../../generated/prisma/client.js';
import { requireOpen } from './accounts.js';
import { findCategory } from './categories.js';
import { shareAccount, type CategoryKindAndTitle } from '../core/row-locks.js';
import type { Tx } from '../core/unit-of-work.js';
import type { Viewer } from '../core/viewer.js';

/** @throws NotFoundError, AccountClosedError */
export async function findOpenAccount(tx: Tx, viewer: Viewer, accountId: string, field = 'accountId'): Promise<Account> {
  // Held against a concurrent close until this transaction ends (core/row-locks.ts).
  const account = await shareAccount(tx, viewer, accountId, field);
  requireOpen(account, field);
  return account;
}

/** @throws NotFoundError, CategoryKindMismatchError (an income under an expense category) */
export async function findCategoryOfKind(tx: Tx, viewer: Viewer, categoryId: string, kind: EntryKind): Promise<Category> {
  const category = await findCategory(tx, viewer, categoryId, 'categoryId');
  requireCategoryOfKind(category, kind);
  return category;
}

/**
 * The checks of findCategoryOfKind on a category already read (null: not in this organization).
 * @throws NotFoundError, CategoryKindMismatchError
 */
export function requireCategoryOfKind(category: CategoryKindAndTitle | null, kind: EntryKind): void {
  if (!category) throw new NotFoundError('Category', 'categoryId');
  if (category.kind !== kind) {
    throw new CategoryKindMismatchError(
      `"${category.title}" is an ${category.kind} category; this record is an ${kind}`,
      'categoryId',
    );
  }
}

/** @throws NotFoundError */
export async function findCounterparty(tx: Tx, viewer: Viewer, counterpartyId: string): Promise<Counterparty> {
  const counterparty = await tx.counterparty.findFirst({ where: { id: counterpartyId, organizationId: viewer.organizationId } });
  if (!counterparty) throw new NotFoundError('Counterparty', 'counterpartyId');
  return counterparty;
}

/**
 * A budget an expense may count against: only expenses have budgets, and the budget must be in the
 * account's currency (checked at link time so a later posting cannot fail on it).
 * @throws InvalidInputError (an income), NotFoundError, CurrencyMismatchError
 */
export async function findBudgetFor(tx: Tx, viewer: Viewer, budgetId: string, kind: EntryKind, account: Account): Promise<Budget> {
  if (kind !== 'EXPENSE') throw new InvalidInputError('Only expenses count against budgets', 'budgetId');
  const budget = await tx.budget.findFirst({ where: { id: budgetId, organizationId: viewer.organizationId } });
  if (!budget) throw new NotFoundError('Budget', 'budgetId');
  if (budget.currency !== account.currency) {
    throw new CurrencyMismatchError(
      `Budget "${budget.name}" is in ${budget.currency}; account "${account.name}" is in ${account.currency}`,
      'budgetId',
    );
  }
  return budget;
}

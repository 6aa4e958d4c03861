/**
 * The demo organization's story, as plain data and one function that writes it through the
 * services (so the demo obeys the same rules as real data and every change is in the changelog).
 *
 * Two stories, one currency each, dated in the current year so that "this year" filters and the
 * budgets' windows find them:
 * - the CRM ledger in RUB (seed 004): a current account and a cash desk, a supplier and a partner,
 *   posted and unposted expenses and incomes, one saved unposted for lack of funds, a transfer;
 * - the budgets in EUR (seed 000): an EUR account whose expenses charge the EUR budgets;
 *   "EMEA Marketing FY<yy>" (SPEND_ALERTS) is in WARNING with its 80 % alert recorded, "Team
 *   offsite" (AUTO_FREEZE) is FROZEN at its limit and an expense's posting was refused.
 *
 * Every README example and every GraphiQL tab returns data on it (test/services/demo-seed.test.ts).
 */
import type { Db } from '../db/open.js';
import { BudgetFrozenError } from '../domain/errors.js';
import type { EntryKind } from '../generated/prisma/client.js';
import { createAccount } from '../services/ledger/accounts.js';
import { createBudgetTransaction } from '../services/budgets/budget-transactions.js';
import { createBudget, createBudgetGroup } from '../services/budgets/budgets.js';
import { createCounterparty } from '../services/ledger/counterparties.js';
import { createEntry } from '../services/ledger/entries.js';
import { postEntry } from '../services/ledger/posting.js';
import { createTransaction } from '../services/budgets/external-transactions.js';
import { transferFunds } from '../services/ledger/transfers.js';
import type { Viewer } from '../services/core/viewer.js';
import { runService } from '../services/core/service.js';

type AccountKey = 'current' | 'cash' | 'eur';
type CounterpartyKey = 'supplier' | 'partner' | 'agency';
type BudgetKey = 'emea' | 'offsite';

interface StoryEntry {
  kind: EntryKind;
  title: string;
  amount: string;
  account: AccountKey;
  /** Title of a subcategory of the CRM tree (unique within its kind). */
  category: string;
  /** Days before today (clamped to 1 January, so every date is in the current year). */
  daysAgo: number;
  counterparty?: CounterpartyKey;
  budget?: BudgetKey;
  dealRef?: string;
  /** Ask to post at creation; without the funds it is saved unposted (notPostedReason). */
  post: boolean;
}

export const DEMO_STORY = {
  accounts: {
    current: { name: 'Расчётный счёт', bank: 'Модульбанк (ИП)', currency: 'RUB', openingBalance: '250000.00' },
    cash: { name: 'Касса', bank: null, currency: 'RUB', openingBalance: '20000.00' },
    eur: { name: 'EUR operating', bank: 'Commerzbank', currency: 'EUR', openingBalance: '40000.00' },
  },
  counterparties: {
    supplier: { kind: 'SUPPLIER', name: 'ООО «Картридж-Сервис»' },
    partner: { kind: 'PARTNER', name: 'ИП Смирнов (партнёр)' },
    agency: { kind: 'SUPPLIER', name: 'Brightline Media GmbH' },
  },
  budgetGroup: 'EMEA Marketing',
  budgets: {
    // 16 500.00 of 20 000.00 charged: 82.5 % → WARNING, the 80 % alert recorded.
    emea: { name: (year: number) => `EMEA Marketing FY${String(year % 100).padStart(2, '0')}`, type: 'GLOBAL', granularity: 'MONTH', config: ['SPEND_ALERTS'], limit: '20000.00', currency: 'EUR', inGroup: true },
    // 3 000.00 of 3 000.00: FROZEN, so the next expense charging it is refused.
    offsite: { name: () => 'Team offsite', type: 'GLOBAL', granularity: 'QUARTER', config: ['AUTO_FREEZE', 'SPEND_ALERTS'], limit: '3000.00', currency: 'EUR', inGroup: false },
  },
  entries: [
    { kind: 'INCOME', title: 'Оплата по сделке 982', amount: '150000.00', account: 'current', category: 'Прочие доходы', daysAgo: 40, counterparty: 'partner', dealRef: '982', post: true },
    { kind: 'INCOME', title: 'Инвестиции партнёра (ожидается)', amount: '50000.00', account: 'current', category: 'Инвестиции', daysAgo: 2, counterparty: 'partner', post: false },
    { kind: 'EXPENSE', title: 'Аренда офиса', amount: '45000.00', account: 'current', category: 'Аренда офиса', daysAgo: 30, post: true },
    { kind: 'EXPENSE', title: 'Налог УСН за квартал', amount: '12000.00', account: 'current', category: 'Бюджет: налоги, взносы, пфр', daysAgo: 20, post: true },
    { kind: 'EXPENSE', title: 'Заправка принтера', amount: '1000.00', account: 'current', category: 'Оборудование', daysAgo: 5, counterparty: 'supplier', dealRef: '982', post: false },
    // The cash desk holds 35 000.00 after the transfer: this one is saved unposted, and says why.
    { kind: 'EXPENSE', title: 'Премия отделу продаж', amount: '60000.00', account: 'cash', category: 'Премия', daysAgo: 1, post: true },
    { kind: 'EXPENSE', title: 'Trade fair booth', amount: '9000.00', account: 'eur', category: 'Вебинары', daysAgo: 25, counterparty: 'agency', budget: 'emea', post: true },
    { kind: 'EXPENSE', title: 'Search ads campaign', amount: '7000.00', account: 'eur', category: 'Интернет-реклама', daysAgo: 10, counterparty: 'agency', budget: 'emea', post: true },
    // Unposted, charging the WARNING budget: GraphiQL's PostExpense tab posts it.
    { kind: 'EXPENSE', title: 'Webinar platform', amount: '1200.00', account: 'eur', category: 'Вебинары', daysAgo: 3, budget: 'emea', post: false },
    { kind: 'EXPENSE', title: 'Offsite venue', amount: '3000.00', account: 'eur', category: 'Командировочные', daysAgo: 15, budget: 'offsite', post: true },
    // Its posting is refused: the offsite budget is frozen at its limit.
    { kind: 'EXPENSE', title: 'Offsite dinner', amount: '250.00', account: 'eur', category: 'Командировочные', daysAgo: 14, budget: 'offsite', post: false },
  ] satisfies StoryEntry[],
  transfer: { from: 'current', to: 'cash', amount: '15000.00', title: 'Перемещение_22' },
  /** An external (card) transaction charged to the EMEA budget through a budget transaction. */
  externalTransaction: { externalId: 'card-2041', amount: '500.00', currency: 'EUR', direction: 'DEBIT', counterpartyName: 'LinkedIn Ads', daysAgo: 8, charge: '500.00' },
  /** The expense whose posting the story tries, and which AUTO_FREEZE refuses. */
  refusedPosting: 'Offsite dinner',
} as const;

/** Today minus `days`, at midnight UTC, never before 1 January of today's year. */
export function storyDate(today: Date, days: number): Date {
  const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - days));
  const newYear = new Date(Date.UTC(today.getUTCFullYear(), 0, 1));
  return day < newYear ? newYear : day;
}

/**
 * Writes the story for the organization of `viewer`, whose CRM category tree exists already.
 * @param today the story's dates are relative to it (tests pass a fixed one)
 */
export async function tellDemoStory(db: Db, viewer: Viewer, today = new Date()): Promise<void> {
  const year = today.getUTCFullYear();
  const story = DEMO_STORY;

  const accounts = {} as Record<AccountKey, string>;
  for (const [key, account] of Object.entries(story.accounts)) {
    accounts[key as AccountKey] = (await runService(db, viewer, createAccount, account)).id;
  }
  const counterparties = {} as Record<CounterpartyKey, string>;
  for (const [key, counterparty] of Object.entries(story.counterparties)) {
    counterparties[key as CounterpartyKey] = (await runService(db, viewer, createCounterparty, counterparty)).id;
  }
  const group = await runService(db, viewer, createBudgetGroup, { name: story.budgetGroup });
  const budgets = {} as Record<BudgetKey, string>;
  for (const [key, budget] of Object.entries(story.budgets)) {
    budgets[key as BudgetKey] = (
      await runService(db, viewer, createBudget, {
        name: budget.name(year),
        type: budget.type,
        granularity: budget.granularity,
        dateFrom: new Date(Date.UTC(year, 0, 1)),
        dateTo: new Date(Date.UTC(year, 11, 31)),
        budgetGroupId: budget.inGroup ? group.id : null,
        config: budget.config,
        limit: budget.limit,
        currency: budget.currency,
      })
    ).id;
  }

  const categories = await db.category.findMany({ where: { organizationId: viewer.organizationId }, select: { id: true, title: true, kind: true } });
  const categoryId = (kind: EntryKind, title: string) => {
    const found = categories.find((category) => category.kind === kind && category.title === title);
    if (!found) throw new Error(`demo story: no ${kind} category "${title}"`);
    return found.id;
  };

  const entryIds = new Map<string, { id: string; kind: EntryKind }>();
  const create = async (entry: StoryEntry) => {
    const { entry: written } = await runService(db, viewer, createEntry, {
      kind: entry.kind,
      title: entry.title,
      amount: entry.amount,
      accountId: accounts[entry.account],
      categoryId: categoryId(entry.kind, entry.category),
      plannedDate: storyDate(today, entry.daysAgo),
      counterpartyId: entry.counterparty ? counterparties[entry.counterparty] : null,
      budgetId: entry.budget ? budgets[entry.budget] : null,
      dealRef: entry.dealRef ?? null,
      post: entry.post,
    });
    entryIds.set(entry.title, { id: written.id, kind: entry.kind });
  };
  // The ledger first, in the order the money arrives: the income before the rent it pays, the
  // transfer to the cash desk before the bonus that is too large for it.
  const [cashBonus] = story.entries.filter((entry) => entry.account === 'cash');
  for (const entry of story.entries) if (entry !== cashBonus) await create(entry);
  await runService(db, viewer, transferFunds, {
    fromAccountId: accounts[story.transfer.from],
    toAccountId: accounts[story.transfer.to],
    amount: story.transfer.amount,
    title: story.transfer.title,
    post: true,
  });
  if (cashBonus) await create(cashBonus);

  const external = story.externalTransaction;
  const transaction = await runService(db, viewer, createTransaction, {
    externalId: external.externalId,
    date: storyDate(today, external.daysAgo),
    amount: external.amount,
    currency: external.currency,
    direction: external.direction,
    counterpartyName: external.counterpartyName,
  });
  await runService(db, viewer, createBudgetTransaction, { budgetId: budgets.emea, transactionId: transaction.id, amount: external.charge });

  // AUTO_FREEZE at work: the frozen budget refuses this posting, and the expense stays unposted.
  const refused = entryIds.get(story.refusedPosting)!;
  try {
    await runService(db, viewer, postEntry, refused);
    throw new Error(`demo story: posting "${story.refusedPosting}" should have been refused by AUTO_FREEZE`);
  } catch (error) {
    if (!(error instanceof BudgetFrozenError)) throw error;
  }
}

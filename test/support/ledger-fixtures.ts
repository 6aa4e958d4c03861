/**
 * Small named fixtures for ledger tests (Redwood-scenario style), written through the services so
 * they obey the same rules as real data, plus the balance invariant every test re-checks.
 */
import { expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from '../../src/db/open.js';
import type { Account, Category, Counterparty } from '../../src/generated/prisma/client.js';
import { createAccount } from '../../src/services/ledger/accounts.js';
import { AttachmentStorage, DEFAULT_MAX_UPLOAD_BYTES } from '../../src/services/attachments/attachment-storage.js';
import { createCategory } from '../../src/services/ledger/categories.js';
import { createCounterparty } from '../../src/services/ledger/counterparties.js';
import { createOrganization } from '../../src/services/core/organizations.js';
import type { Viewer } from '../../src/services/core/viewer.js';
import { runService } from '../../src/services/core/service.js';

export interface LedgerScenario {
  /** RUB, opening 1000.00 */
  cash: Account;
  /** RUB, opening 0.00 */
  bank: Account;
  /** EUR, opening 500.00 */
  euro: Account;
  office: Category;
  rent: Category;
  phone: Category;
  salesIncome: Category;
  supplier: Counterparty;
  partner: Counterparty;
}

export async function ledgerScenario(db: Db, viewer: Viewer): Promise<LedgerScenario> {
  const cash = await runService(db, viewer, createAccount, { name: 'Касса', currency: 'RUB', openingBalance: '1000.00' });
  const bank = await runService(db, viewer, createAccount, { name: 'Модульбанк', currency: 'RUB', openingBalance: '0' });
  const euro = await runService(db, viewer, createAccount, { name: 'Euro account', currency: 'EUR', openingBalance: '500.00' });
  const office = await runService(db, viewer, createCategory, { title: 'Расходы на офис', kind: 'EXPENSE' });
  const rent = await runService(db, viewer, createCategory, { title: 'Аренда офиса', kind: 'EXPENSE', parentId: office.id });
  const phone = await runService(db, viewer, createCategory, { title: 'Телефония', kind: 'EXPENSE' });
  const salesIncome = await runService(db, viewer, createCategory, { title: 'Прочие поступления', kind: 'INCOME' });
  const supplier = await runService(db, viewer, createCounterparty, { kind: 'SUPPLIER', name: 'Первая компания поставок, ООО' });
  const partner = await runService(db, viewer, createCounterparty, { kind: 'PARTNER', name: 'Partner LLC' });
  return { cash, bank, euro, office, rent, phone, salesIncome, supplier, partner };
}

/** Balance recomputed from history: opening + posted incomes − posted expenses ± posted transfers. */
export async function balanceFromHistory(db: Db, accountId: string): Promise<bigint> {
  const [row] = await db.$queryRaw<{ balance: bigint }[]>`
    SELECT a."openingBalanceMinor"
      + COALESCE((SELECT SUM(CASE WHEN e.kind = 'INCOME' THEN e."amountMinor" ELSE -e."amountMinor" END)
                    FROM "Entry" e WHERE e."accountId" = a.id AND e.posted), 0)
      + COALESCE((SELECT SUM(t."amountMinor") FROM "Transfer" t WHERE t."toAccountId" = a.id AND t.posted), 0)
      - COALESCE((SELECT SUM(t."amountMinor") FROM "Transfer" t WHERE t."fromAccountId" = a.id AND t.posted), 0) AS balance
    FROM "Account" a WHERE a.id = ${accountId}::uuid`;
  return BigInt(row!.balance);
}

/** Asserts the running balance equals the balance recomputed from history; returns it. */
export async function expectBalanceInvariant(db: Db, accountId: string): Promise<bigint> {
  const account = await db.account.findUniqueOrThrow({ where: { id: accountId } });
  const fromHistory = await balanceFromHistory(db, accountId);
  if (account.balanceMinor !== fromHistory) {
    throw new Error(`Balance invariant broken on ${account.name}: running ${account.balanceMinor}, history ${fromHistory}`);
  }
  if (account.balanceMinor < 0n) throw new Error(`Account ${account.name} is overdrawn: ${account.balanceMinor}`);
  return account.balanceMinor;
}

/** Everything a refused call must leave untouched, for before/after comparison. */
export async function ledgerSnapshot(db: Db, organizationId: string) {
  const [accounts, entries, transfers, events, alerts] = await Promise.all([
    db.account.findMany({ where: { organizationId }, orderBy: { id: 'asc' } }),
    db.entry.findMany({ where: { organizationId }, orderBy: { id: 'asc' } }),
    db.transfer.findMany({ where: { organizationId }, orderBy: { id: 'asc' } }),
    db.changelogEvent.count({ where: { organizationId } }),
    db.budgetAlert.count({ where: { organizationId } }),
  ]);
  return { accounts, entries, transfers, events, alerts };
}

/** Expects `call` to be refused with `code` and the organization's ledger to be exactly as before. */
export async function expectRefusedLedgerUnchanged(db: Db, organizationId: string, call: () => Promise<unknown>, code: string) {
  const before = await ledgerSnapshot(db, organizationId);
  await expect(call()).rejects.toMatchObject({ code });
  expect(await ledgerSnapshot(db, organizationId)).toEqual(before);
}

/**
 * A fresh organization with the ledger scenario, and a second one for tenancy checks. Tests take
 * new ones each time: fixtures stay small and tests independent.
 */
export async function ledgerOrganizations(db: Db): Promise<{ viewer: Viewer; other: Viewer; s: LedgerScenario }> {
  const first = await createOrganization(db, { name: 'Org' });
  const second = await createOrganization(db, { name: 'Other org' });
  const viewer = { organizationId: first.organization.id, userId: first.key.userId };
  const other = { organizationId: second.organization.id, userId: second.key.userId };
  return { viewer, other, s: await ledgerScenario(db, viewer) };
}

export async function eventsOf(db: Db, entityId: string) {
  return db.changelogEvent.findMany({ where: { entityId }, orderBy: { seq: 'asc' } });
}

/** Attachment storage in a fresh temporary directory, for services that store or remove files. */
export function scratchStorage(): AttachmentStorage {
  return new AttachmentStorage({ directory: mkdtempSync(path.join(tmpdir(), 'allot-ledger-files-')), maxBytes: DEFAULT_MAX_UPLOAD_BYTES });
}

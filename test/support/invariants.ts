/**
 * Invariants of the stored data that must hold after anything: a crash mid-write, a fuzzing run,
 * a race. Each check is one SQL query over the whole database (all organizations) returning the
 * rows that break it, so a failure names the culprit. Extend the list as the domain grows.
 *
 * Used by the crash-safety test (after SIGKILL and restart) and the fuzzing test.
 */
import type { Db } from '../../src/db/open.js';

export interface Violation {
  rule: string;
  rows: unknown[];
}

interface Check {
  rule: string;
  sql: string;
}

const CHECKS: Check[] = [
  {
    rule: 'account balance = opening + posted incomes − posted expenses + posted transfers in − posted transfers out',
    sql: `
      SELECT a.id, a."balanceMinor"::text AS balance, (a."openingBalanceMinor"
        + COALESCE((SELECT SUM(CASE WHEN e.kind = 'INCOME' THEN e."amountMinor" ELSE -e."amountMinor" END)
                    FROM "Entry" e WHERE e."accountId" = a.id AND e.posted), 0)
        + COALESCE((SELECT SUM(t."amountMinor") FROM "Transfer" t
                    WHERE t."toAccountId" = a.id AND t.posted AND t."cancelledAt" IS NULL), 0)
        - COALESCE((SELECT SUM(t."amountMinor") FROM "Transfer" t
                    WHERE t."fromAccountId" = a.id AND t.posted AND t."cancelledAt" IS NULL), 0))::text AS expected
      FROM "Account" a`,
  },
  { rule: 'no account balance is negative', sql: `SELECT id, "balanceMinor"::text AS balance FROM "Account" WHERE "balanceMinor" < 0` },
  {
    rule: 'every account and category has the changelog event that created it',
    sql: `
      SELECT 'Account' AS type, id FROM "Account" x
       WHERE NOT EXISTS (SELECT 1 FROM "ChangelogEvent" c WHERE c."entityId" = x.id AND c."entityType" = 'Account' AND c.action = 'NEW')
      UNION ALL
      SELECT 'Category', id FROM "Category" x
       WHERE NOT EXISTS (SELECT 1 FROM "ChangelogEvent" c WHERE c."entityId" = x.id AND c."entityType" = 'Category' AND c.action = 'NEW')`,
  },
  {
    rule: "a field's current value is the `to` of the latest changelog event that changed it (change and event are atomic)",
    sql: `
      WITH latest AS (
        SELECT DISTINCT ON (c."entityType", c."entityId", f.key) c."entityType", c."entityId", f.key AS field, f.value->'to' AS value
        FROM "ChangelogEvent" c, jsonb_each(c.changes) f
        WHERE c."entityType" IN ('Account', 'Category')
        ORDER BY c."entityType", c."entityId", f.key, c.seq DESC)
      SELECT l.* FROM latest l JOIN "Account" a ON l."entityType" = 'Account' AND a.id = l."entityId"
       WHERE l.field IN ('name', 'bank') AND to_jsonb(CASE l.field WHEN 'name' THEN a.name ELSE a.bank END) IS DISTINCT FROM l.value
      UNION ALL
      SELECT l.* FROM latest l JOIN "Category" k ON l."entityType" = 'Category' AND k.id = l."entityId"
       WHERE l.field IN ('title', 'parentId')
         AND to_jsonb(CASE l.field WHEN 'title' THEN k.title ELSE k."parentId"::text END) IS DISTINCT FROM l.value`,
  },
  {
    rule: 'every expense, income, transfer, budget and transaction has the changelog event that created it',
    sql: `
      SELECT 'Entry' AS type, id FROM "Entry" x
       WHERE NOT EXISTS (SELECT 1 FROM "ChangelogEvent" c WHERE c."entityId" = x.id AND c."entityType" = 'Entry' AND c.action = 'NEW')
      UNION ALL
      SELECT 'Transfer', id FROM "Transfer" x
       WHERE NOT EXISTS (SELECT 1 FROM "ChangelogEvent" c WHERE c."entityId" = x.id AND c."entityType" = 'Transfer' AND c.action = 'NEW')
      UNION ALL
      SELECT 'Budget', id FROM "Budget" x
       WHERE NOT EXISTS (SELECT 1 FROM "ChangelogEvent" c WHERE c."entityId" = x.id AND c."entityType" = 'Budget' AND c.action = 'NEW')
      UNION ALL
      SELECT 'Transaction', id FROM "Transaction" x
       WHERE NOT EXISTS (SELECT 1 FROM "ChangelogEvent" c WHERE c."entityId" = x.id AND c."entityType" = 'Transaction' AND c.action = 'NEW')`,
  },
  {
    rule: 'a posted entry has postedAt, a posted transfer is not cancelled',
    sql: `SELECT 'Entry' AS type, id FROM "Entry" WHERE posted AND "postedAt" IS NULL
          UNION ALL
          SELECT 'Transfer', id FROM "Transfer" WHERE posted AND "cancelledAt" IS NOT NULL`,
  },
  {
    // Charges and edits of the budget itself (a lower limit, a wider window, AUTO_FREEZE switched
    // on) are all refused past the limit, so no AUTO_FREEZE budget is ever over it.
    rule: 'no AUTO_FREEZE budget is over its limit (spend = posted linked expenses + budget transactions in the window)',
    sql: `
      SELECT b.id, b."limitMinor"::text AS limit, spend.spent::text AS spent FROM "Budget" b,
      LATERAL (SELECT
          COALESCE((SELECT SUM(e."amountMinor") FROM "Entry" e
                     WHERE e."budgetId" = b.id AND e.kind = 'EXPENSE' AND e.posted
                       AND COALESCE(e."plannedDate", make_date(e."periodYear", e."periodMonth", 1)) BETWEEN b."dateFrom" AND b."dateTo"), 0)
        + COALESCE((SELECT SUM(bt."amountMinor") FROM "BudgetTransaction" bt JOIN "Transaction" t ON t.id = bt."transactionId"
                     WHERE bt."budgetId" = b.id AND t.date BETWEEN b."dateFrom" AND b."dateTo"), 0) AS spent) spend
      WHERE 'AUTO_FREEZE' = ANY(b.config::text[]) AND spend.spent > b."limitMinor"`,
  },
  {
    rule: "a transaction's budget parts never add up to more than its amount, and are in its organization",
    sql: `SELECT t.id, t."amountMinor"::text AS amount, SUM(bt."amountMinor")::text AS parts
            FROM "Transaction" t JOIN "BudgetTransaction" bt ON bt."transactionId" = t.id
           GROUP BY t.id HAVING SUM(bt."amountMinor") > t."amountMinor" OR bool_or(bt."organizationId" <> t."organizationId")`,
  },
  {
    rule: 'a category has its parent’s kind and organization',
    sql: `SELECT c.id FROM "Category" c JOIN "Category" p ON p.id = c."parentId"
           WHERE p.kind <> c.kind OR p."organizationId" <> c."organizationId"`,
  },
  {
    rule: 'records and transfers stay inside their account’s organization',
    sql: `SELECT e.id FROM "Entry" e JOIN "Account" a ON a.id = e."accountId" WHERE a."organizationId" <> e."organizationId"
          UNION ALL
          SELECT t.id FROM "Transfer" t JOIN "Account" a ON a.id IN (t."fromAccountId", t."toAccountId")
           WHERE a."organizationId" <> t."organizationId"`,
  },
];

export async function findInvariantViolations(db: Db): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const check of CHECKS) {
    let rows = await db.$queryRawUnsafe<Array<Record<string, unknown>>>(check.sql);
    if (check.rule.startsWith('account balance')) rows = rows.filter((row) => row.balance !== row.expected);
    if (rows.length > 0) violations.push({ rule: check.rule, rows: rows.slice(0, 5) });
  }
  return violations;
}

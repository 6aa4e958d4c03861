/**
 * Inserts an expense or income record and, when it is created posted, moves its account's balance,
 * in one statement (a data-modifying CTE). Create-and-post is the write integrations run most, and
 * every round trip inside its transaction holds the account's lock a little longer; Prisma would
 * send the insert and the balance update as two statements, hence raw SQL here.
 *
 * The caller has checked everything first: the references (the database's foreign keys still
 * refuse one deleted meanwhile, see core/database-errors.ts) and, for a posted record, the balance
 * change on the account it holds locked (balances.ts `checkBalanceChange`). This is the only write
 * of `Account.balanceMinor` outside balances.ts.
 */
import type { Entry } from '../../generated/prisma/client.js';
import type { Tx } from '../core/unit-of-work.js';

/** A record's columns as the services fill them; the id and timestamps are the insert's. */
export type NewEntry = Omit<Entry, 'id' | 'createdAt' | 'updatedAt'>;

/** A `@db.Date` column's value as PostgreSQL reads a date, whatever the session's time zone. */
const dateOnly = (date: Date | null) => (date ? date.toISOString().slice(0, 10) : null);

/**
 * @param balanceDeltaMinor what the record moves on its account now: its balance effect when it is
 *   created posted, 0 (no update) otherwise.
 */
export async function insertEntryRow(tx: Tx, row: NewEntry, at: Date, balanceDeltaMinor: bigint): Promise<Entry> {
  const [entry] = await tx.$queryRaw<Entry[]>`
    WITH balance AS (
      UPDATE "Account" SET "balanceMinor" = "balanceMinor" + ${balanceDeltaMinor}::bigint, "updatedAt" = ${at}::timestamptz
       WHERE id = ${row.accountId}::uuid AND ${balanceDeltaMinor}::bigint <> 0
    )
    INSERT INTO "Entry" (id, "organizationId", kind, title, description, "categoryId", "accountId", "amountMinor",
                         "periodYear", "periodMonth", "plannedDate", "invoiceNumber", "invoiceDate", "invoicePaidDate",
                         "dealRef", "counterpartyId", "budgetId", posted, "postedAt", "authorId", "createdAt", "updatedAt")
    VALUES (gen_random_uuid(), ${row.organizationId}::uuid, ${row.kind}::"EntryKind", ${row.title}, ${row.description},
            ${row.categoryId}::uuid, ${row.accountId}::uuid, ${row.amountMinor}::bigint,
            ${row.periodYear}::int, ${row.periodMonth}::int, ${dateOnly(row.plannedDate)}::date, ${row.invoiceNumber},
            ${dateOnly(row.invoiceDate)}::date, ${dateOnly(row.invoicePaidDate)}::date,
            ${row.dealRef}, ${row.counterpartyId}::uuid, ${row.budgetId}::uuid, ${row.posted}, ${row.postedAt}::timestamptz,
            ${row.authorId}::uuid, ${at}::timestamptz, ${at}::timestamptz)
    RETURNING *`;
  return entry!;
}

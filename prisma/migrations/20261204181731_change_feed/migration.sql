-- AlterTable
ALTER TABLE "ChangelogEvent" ADD COLUMN     "nodeType" TEXT,
ADD COLUMN     "txId" BIGINT NOT NULL DEFAULT ((pg_current_xact_id())::text)::bigint;

-- CreateIndex
CREATE INDEX "ChangelogEvent_organizationId_txId_seq_idx" ON "ChangelogEvent"("organizationId", "txId", "seq");

-- Backfill: the GraphQL type of what each existing event is about. An entry's kind is read from
-- the entry; an entry deleted before this migration left no kind behind, so its events stay
-- untyped and the change feed leaves them out (the object no longer exists either).
UPDATE "ChangelogEvent" SET "nodeType" = "entityType" WHERE "entityType" <> 'Entry';
UPDATE "ChangelogEvent" c SET "nodeType" = CASE e.kind WHEN 'EXPENSE' THEN 'Expense' ELSE 'Income' END
  FROM "Entry" e WHERE c."entityType" = 'Entry' AND e.id = c."entityId";

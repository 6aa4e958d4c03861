-- DropIndex
DROP INDEX "Account_organizationId_createdAt_idx";

-- DropIndex
DROP INDEX "Transfer_organizationId_createdAt_idx";

-- CreateIndex
CREATE INDEX "Account_organizationId_createdAt_id_idx" ON "Account"("organizationId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Entry_organizationId_kind_periodYear_createdAt_id_idx" ON "Entry"("organizationId", "kind", "periodYear", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Transaction_organizationId_date_id_idx" ON "Transaction"("organizationId", "date" DESC, "id");

-- CreateIndex
CREATE INDEX "Transfer_organizationId_createdAt_id_idx" ON "Transfer"("organizationId", "createdAt" DESC, "id" DESC);

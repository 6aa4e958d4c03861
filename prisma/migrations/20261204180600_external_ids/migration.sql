-- AlterTable
ALTER TABLE "Budget" ADD COLUMN     "externalId" TEXT;

-- AlterTable
ALTER TABLE "BudgetGroup" ADD COLUMN     "externalId" TEXT;

-- AlterTable
ALTER TABLE "Contractor" ADD COLUMN     "externalId" TEXT;

-- AlterTable
ALTER TABLE "Employee" ADD COLUMN     "externalId" TEXT;

-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN     "externalId" TEXT;

-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "externalId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Budget_organizationId_externalId_key" ON "Budget"("organizationId", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "BudgetGroup_organizationId_externalId_key" ON "BudgetGroup"("organizationId", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "Contractor_organizationId_externalId_key" ON "Contractor"("organizationId", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "Employee_organizationId_externalId_key" ON "Employee"("organizationId", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_organizationId_externalId_key" ON "Invoice"("organizationId", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "Project_organizationId_externalId_key" ON "Project"("organizationId", "externalId");

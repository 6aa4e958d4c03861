-- CreateTable
CREATE TABLE "AttachmentChunk" (
    "attachmentId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "bytes" BYTEA NOT NULL,

    CONSTRAINT "AttachmentChunk_pkey" PRIMARY KEY ("attachmentId","seq")
);

-- CreateIndex
CREATE INDEX "Attachment_storageKey_idx" ON "Attachment"("storageKey");

-- AddForeignKey
ALTER TABLE "AttachmentChunk" ADD CONSTRAINT "AttachmentChunk_attachmentId_fkey" FOREIGN KEY ("attachmentId") REFERENCES "Attachment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Uploads are mostly compressed already (PDF, PNG, JPEG): store them out of line without
-- trying to compress them again (Prisma cannot say this; it does not affect its diff).
ALTER TABLE "AttachmentChunk" ALTER COLUMN "bytes" SET STORAGE EXTERNAL;

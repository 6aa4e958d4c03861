/**
 * The orphan sweep (src/services/attachments/orphan-sweep.ts): files of the attachments directory
 * that no Attachment row names and that are older than the minimum age are removed; named files,
 * young files (an upload in flight) and anything outside `<organization>/<file>` are kept.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentStorage } from '../../../src/services/attachments/attachment-storage.js';
import { uploadAttachment } from '../../../src/services/attachments/attachments.js';
import { sweepOrphanedAttachmentFiles } from '../../../src/services/attachments/orphan-sweep.js';
import { createOrganization } from '../../../src/services/core/organizations.js';
import { runService } from '../../../src/services/core/service.js';
import { transactionFixture } from '../../support/budget-fixtures.js';
import { openTestDatabase, type TestDatabase } from '../../support/database.js';

const PDF = new TextEncoder().encode('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');
const HOUR = 60 * 60 * 1000;

describe('sweepOrphanedAttachmentFiles', () => {
  let database: TestDatabase;
  let storage: AttachmentStorage;
  beforeAll(async () => {
    database = await openTestDatabase();
    storage = new AttachmentStorage({ directory: mkdtempSync(path.join(tmpdir(), 'allot-sweep-')), maxBytes: 1024 * 1024 });
  });
  afterAll(async () => {
    await database.close();
    rmSync(storage.directory, { recursive: true, force: true });
  });

  it('removes old files no row names (and old .partial leftovers); keeps named, young and foreign files', async () => {
    const { organization, key } = await createOrganization(database.prisma, { name: 'Sweep' });
    const viewer = { organizationId: organization.id, userId: key.userId };
    const transaction = await transactionFixture(database.prisma, viewer);
    const kept = await runService(database.prisma, viewer, uploadAttachment, { storage, transactionId: transaction.id, file: new File([PDF as BlobPart], 'kept.pdf') });
    const folder = path.join(storage.directory, organization.id);
    const file = (name: string, ageMs: number) => {
      mkdirSync(path.dirname(path.join(storage.directory, name)), { recursive: true });
      writeFileSync(path.join(storage.directory, name), 'x');
      const when = new Date(Date.now() - ageMs);
      utimesSync(path.join(storage.directory, name), when, when);
      return name;
    };
    const keptPath = path.join(storage.directory, kept.storageKey!);
    utimesSync(keptPath, new Date(Date.now() - 2 * HOUR), new Date(Date.now() - 2 * HOUR));
    const oldOrphan = file(`${organization.id}/${randomUUID()}`, 2 * HOUR);
    const oldPartial = file(`${organization.id}/${randomUUID()}.partial`, 2 * HOUR);
    const youngOrphan = file(`${organization.id}/${randomUUID()}`, 60_000);
    const foreign = file(`not-an-organization/${randomUUID()}`, 2 * HOUR);
    const rowsBefore = await database.prisma.attachment.count();

    const removed = await sweepOrphanedAttachmentFiles(database.prisma, storage);
    expect(removed.sort()).toEqual([oldOrphan, oldPartial].sort());
    expect(existsSync(keptPath)).toBe(true);
    expect(existsSync(path.join(storage.directory, youngOrphan))).toBe(true);
    expect(existsSync(path.join(storage.directory, foreign))).toBe(true);
    expect(existsSync(path.join(storage.directory, oldOrphan))).toBe(false);
    expect(existsSync(folder)).toBe(true);
    expect(await database.prisma.attachment.count()).toBe(rowsBefore);
    // Nothing left to do the second time.
    expect(await sweepOrphanedAttachmentFiles(database.prisma, storage)).toEqual([]);
  });

  it('does nothing when the directory does not exist yet', async () => {
    const missing = new AttachmentStorage({ directory: path.join(storage.directory, 'never-created'), maxBytes: 1 });
    expect(await sweepOrphanedAttachmentFiles(database.prisma, missing)).toEqual([]);
  });
});

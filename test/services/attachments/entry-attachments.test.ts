/**
 * Attachments of expense and income records (CRM `fid` / `files`), through real GraphQL multipart
 * requests (yoga.fetch): the bytes on disk, the record's changelog, the exactly-one-owner rule,
 * tenancy, posting keeps files, deleting a record removes its files, and refusals change nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId as gid } from '../../../src/graphql/global-id.js';
import { createAttachment, uploadAttachment } from '../../../src/services/attachments/attachments.js';
import { createEntry, deleteEntry } from '../../../src/services/ledger/entries.js';
import { postEntry } from '../../../src/services/ledger/posting.js';
import { createTestApp, type TestApp, type TestTenant } from '../../support/app.js';
import { usingPostgres } from '../../support/database.js';
import { transactionFixture } from '../../support/budget-fixtures.js';
import { ledgerScenario, type LedgerScenario } from '../../support/ledger-fixtures.js';
import { runService } from '../../../src/services/core/service.js';

let app: TestApp;
let s: LedgerScenario;

beforeAll(async () => {
  app = await createTestApp({ maxUploadBytes: 4096 });
  s = await ledgerScenario(app.database.prisma, app.orgA.viewer);
});
afterAll(() => app.close());

const PDF = new TextEncoder().encode('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

const UPLOAD = `mutation($input: UploadAttachmentInput!) {
  uploadAttachment(input: $input) {
    __typename
    ... on UploadAttachmentSuccess {
      attachment { id fileName contentType sizeBytes stored transaction { id } entry { __typename id title } }
    }
    ... on Error { code message field }
  }
}`;

/** A GraphQL multipart request (the spec's operations / map / file parts) sent through yoga.fetch. */
async function upload(owner: Record<string, string>, bytes: Uint8Array, fileName: string, tenant: TestTenant = app.orgA) {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query: UPLOAD, variables: { input: { ...owner, file: null } } }));
  form.set('map', JSON.stringify({ 0: ['variables.input.file'] }));
  form.set('0', new File([bytes as BlobPart], fileName, { type: 'application/octet-stream' }));
  const response = await app.yoga.fetch('http://allot.test/graphql', {
    method: 'POST',
    headers: { authorization: `Bearer ${tenant.apiKey}`, 'x-allot-csrf': '1' },
    body: form,
  });
  const json = (await response.json()) as { data?: { uploadAttachment: Record<string, any> }; errors?: unknown };
  expect(json.errors).toBeUndefined();
  return json.data!.uploadAttachment;
}

async function newExpense(title = 'Заправка принтера', post = false) {
  return (await runService(app.database.prisma, app.orgA.viewer, createEntry, { kind: 'EXPENSE', title, amount: '10.00', accountId: s.cash.id, post })).entry;
}

async function newIncome(title = 'Оплата по счёту') {
  return (await runService(app.database.prisma, app.orgA.viewer, createEntry, { kind: 'INCOME', title, amount: '10.00', accountId: s.cash.id })).entry;
}

const storedFiles = (): string[] => {
  const root = app.attachments.directory;
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
};

/** Everything an attachment refusal must leave untouched. */
async function snapshot() {
  const db = app.database.prisma;
  return {
    files: storedFiles(),
    attachments: await db.attachment.findMany({ orderBy: { id: 'asc' } }),
    events: await db.changelogEvent.count(),
    entries: await db.entry.findMany({ orderBy: { id: 'asc' } }),
  };
}

const recordHistory = async (id: string) =>
  (await app.gql(`query($id: ID!) { node(id: $id) { ... on Entry { changelog { action comment user { name } } } } }`, { id })).data!.node.changelog as {
    action: string;
    comment: string | null;
  }[];

describe('uploadAttachment to an expense or income', () => {
  it('stores the bytes on disk, shows the file on the expense, and logs it in the expense changelog', async () => {
    const expense = await newExpense();
    const expenseId = gid('Expense', expense.id);
    const result = await upload({ expenseId }, PDF, 'счёт-1100.pdf');
    expect(result).toMatchObject({
      __typename: 'UploadAttachmentSuccess',
      attachment: { fileName: 'счёт-1100.pdf', contentType: 'application/pdf', sizeBytes: PDF.length, stored: true, transaction: null },
    });
    expect(result.attachment.entry).toEqual({ __typename: 'Expense', id: expenseId, title: 'Заправка принтера' });

    const row = await app.database.prisma.attachment.findFirstOrThrow({ where: { entryId: expense.id } });
    expect(row.transactionId).toBeNull();
    expect(new Uint8Array(readFileSync(path.join(app.attachments.directory, row.storageKey!)))).toEqual(PDF);

    const read = await app.gql(`query($id: ID!) { node(id: $id) { ... on Expense { attachments { id fileName sizeBytes } } } }`, { id: expenseId });
    expect(read.data!.node.attachments).toEqual([{ id: result.attachment.id, fileName: 'счёт-1100.pdf', sizeBytes: PDF.length }]);

    const history = await recordHistory(expenseId);
    expect(history.map((event) => event.action)).toEqual(['NEW', 'UPDATED']);
    expect(history[1]!.comment).toBe('Attached file "счёт-1100.pdf"');
  });

  it('attaches to an income with incomeId, and metadata-only files with createAttachment', async () => {
    const income = await newIncome();
    const incomeId = gid('Income', income.id);
    expect((await upload({ incomeId }, PNG, 'платёжка.png')).attachment.entry).toMatchObject({ __typename: 'Income', id: incomeId });
    const created = await app.gql(
      `mutation($input: CreateAttachmentInput!) { createAttachment(input: $input) { __typename ... on CreateAttachmentSuccess { attachment { stored entry { id } } } } }`,
      { input: { incomeId, fileName: 'Акт сверки.pdf', contentType: 'application/pdf', sizeBytes: 2048 } },
    );
    expect(created.data!.createAttachment).toEqual({ __typename: 'CreateAttachmentSuccess', attachment: { stored: false, entry: { id: incomeId } } });
    const read = await app.gql(`query($id: ID!) { node(id: $id) { ... on Income { attachments { fileName stored } } } }`, { id: incomeId });
    expect(read.data!.node.attachments).toEqual([
      { fileName: 'платёжка.png', stored: true },
      { fileName: 'Акт сверки.pdf', stored: false },
    ]);
    expect((await recordHistory(incomeId)).map((event) => event.comment)).toContain('Attached file "Акт сверки.pdf" (metadata only)');
  });

  it('still attaches to a transaction, and logs it on the transaction', async () => {
    const transaction = await transactionFixture(app.database.prisma, app.orgA.viewer);
    const result = await upload({ transactionId: gid('Transaction', transaction.id) }, PDF, 'statement.pdf');
    expect(result.attachment).toMatchObject({ transaction: { id: gid('Transaction', transaction.id) }, entry: null });
    const events = await app.database.prisma.changelogEvent.findMany({ where: { entityId: transaction.id }, orderBy: { seq: 'asc' } });
    expect(events.map((event) => [event.action, event.comment])).toEqual([
      ['NEW', expect.any(String)],
      ['UPDATED', 'Attached file "statement.pdf"'],
    ]);
  });
});

describe('exactly one owner', () => {
  it('INVALID_INPUT with no owner, with two owners, or with an expense and an income; nothing is stored', async () => {
    const expenseId = gid('Expense', (await newExpense()).id);
    const incomeId = gid('Income', (await newIncome()).id);
    const transactionId = gid('Transaction', (await transactionFixture(app.database.prisma, app.orgA.viewer)).id);
    const before = await snapshot();
    const none = await upload({}, PDF, 'a.pdf');
    expect(none).toMatchObject({ code: 'INVALID_INPUT', field: 'transactionId' });
    expect(none.message).toMatch(/exactly one of transactionId, expenseId or incomeId/);
    const two = await upload({ transactionId, expenseId }, PDF, 'a.pdf');
    expect(two).toMatchObject({ code: 'INVALID_INPUT', field: 'expenseId' });
    expect(two.message).toMatch(/exactly one transaction, expense or income; got transactionId and expenseId/);
    expect(await upload({ expenseId, incomeId }, PDF, 'a.pdf')).toMatchObject({ code: 'INVALID_INPUT', field: 'incomeId' });
    const metadata = await app.gql(
      `mutation($input: CreateAttachmentInput!) { createAttachment(input: $input) { ... on Error { code field } } }`,
      { input: { expenseId, incomeId, fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: 1 } },
    );
    expect(metadata.data!.createAttachment).toEqual({ code: 'INVALID_INPUT', field: 'incomeId' });
    expect(await snapshot()).toEqual(before);
  });

  it('the service refuses none or both of transactionId and entryId too', async () => {
    const expense = await newExpense();
    const transaction = await transactionFixture(app.database.prisma, app.orgA.viewer);
    const before = await snapshot();
    const file = { fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: 1 };
    await expect(runService(app.database.prisma, app.orgA.viewer, createAttachment, file)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(runService(app.database.prisma, app.orgA.viewer, createAttachment, { ...file, transactionId: transaction.id, entryId: expense.id })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(await snapshot()).toEqual(before);
  });

  it('INVALID_ID for an Expense id passed as incomeId; NOT_FOUND for an income id dressed as an expense, or a missing record', async () => {
    const expense = await newExpense();
    const income = await newIncome();
    const before = await snapshot();
    expect(await upload({ incomeId: gid('Expense', expense.id) }, PDF, 'a.pdf')).toMatchObject({ code: 'INVALID_ID', field: 'incomeId' });
    expect(await upload({ expenseId: gid('Expense', income.id) }, PDF, 'a.pdf')).toMatchObject({ code: 'NOT_FOUND', field: 'expenseId' });
    expect(await upload({ expenseId: gid('Expense', '00000000-0000-4000-8000-000000000000') }, PDF, 'a.pdf')).toMatchObject({ code: 'NOT_FOUND' });
    expect(await snapshot()).toEqual(before);
  });
});

describe('tenancy', () => {
  it("another organization cannot attach to, list, read or remove a record's attachments", async () => {
    const expense = await newExpense('Secret');
    const expenseId = gid('Expense', expense.id);
    const mine = await upload({ expenseId }, PDF, 'secret.pdf');
    const before = await snapshot();

    expect(await upload({ expenseId }, PDF, 'intruder.pdf', app.orgB)).toMatchObject({ code: 'NOT_FOUND', field: 'expenseId' });
    const metadata = await app.gql(
      `mutation($input: CreateAttachmentInput!) { createAttachment(input: $input) { ... on Error { code field } } }`,
      { input: { expenseId, fileName: 'intruder.pdf', contentType: 'application/pdf', sizeBytes: 1 } },
      app.orgB,
    );
    expect(metadata.data!.createAttachment).toEqual({ code: 'NOT_FOUND', field: 'expenseId' });
    const listed = await app.gql(
      `query($id: ID!, $a: ID!) { attachments(filter: { expenseId: $id }) { totalCount } node(id: $id) { id } a: node(id: $a) { id } }`,
      { id: expenseId, a: mine.attachment.id },
      app.orgB,
    );
    expect(listed.data).toEqual({ attachments: { totalCount: 0 }, node: null, a: null });
    const removed = await app.gql(`mutation($id: ID!) { deleteAttachment(input: { id: $id }) { ... on Error { code } } }`, { id: mine.attachment.id }, app.orgB);
    expect(removed.data!.deleteAttachment).toEqual({ code: 'NOT_FOUND' });
    expect(await snapshot()).toEqual(before);

    const own = await app.gql(`query($id: ID!) { attachments(filter: { expenseId: $id }) { totalCount nodes { fileName } } }`, { id: expenseId });
    expect(own.data!.attachments).toEqual({ totalCount: 1, nodes: [{ fileName: 'secret.pdf' }] });
  });
});

describe('attachments over a record\'s life', () => {
  it('posting and unposting keep the files', async () => {
    const expense = await newExpense('Posted with receipt');
    const expenseId = gid('Expense', expense.id);
    await upload({ expenseId }, PDF, 'receipt.pdf');
    const post = await app.gql(`mutation($id: ID!) { postExpense(input: { id: $id }) { ... on PostExpenseSuccess { expense { posted attachments { fileName } } } } }`, {
      id: expenseId,
    });
    expect(post.data!.postExpense.expense).toEqual({ posted: true, attachments: [{ fileName: 'receipt.pdf' }] });
    const unpost = await app.gql(
      `mutation($id: ID!) { unpostExpense(input: { id: $id }) { ... on UnpostExpenseSuccess { expense { posted attachments { fileName } } } } }`,
      { id: expenseId },
    );
    expect(unpost.data!.unpostExpense.expense).toEqual({ posted: false, attachments: [{ fileName: 'receipt.pdf' }] });
    expect(await app.database.prisma.attachment.count({ where: { entryId: expense.id } })).toBe(1);
  });

  it('deleteAttachment removes the file and logs the removal on the record', async () => {
    const expense = await newExpense();
    const expenseId = gid('Expense', expense.id);
    const uploaded = await upload({ expenseId }, PDF, 'wrong-scan.pdf');
    const row = await app.database.prisma.attachment.findFirstOrThrow({ where: { entryId: expense.id } });
    const onDisk = path.join(app.attachments.directory, row.storageKey!);
    expect(existsSync(onDisk)).toBe(true);
    const removed = await app.gql(`mutation($id: ID!) { deleteAttachment(input: { id: $id }) { __typename } }`, { id: uploaded.attachment.id });
    expect(removed.data!.deleteAttachment.__typename).toBe('DeleteAttachmentSuccess');
    expect(existsSync(onDisk)).toBe(false);
    expect((await recordHistory(expenseId)).map((event) => [event.action, event.comment])).toEqual([
      ['NEW', expect.any(String)],
      ['UPDATED', 'Attached file "wrong-scan.pdf"'],
      ['UPDATED', 'Removed file "wrong-scan.pdf"'],
    ]);
  });

  it('deleting an unposted record deletes its attachments and their files, and logs them', async () => {
    const expense = await newExpense('To be deleted');
    const expenseId = gid('Expense', expense.id);
    await upload({ expenseId }, PDF, 'a.pdf');
    await upload({ expenseId }, PNG, 'b.png');
    const rows = await app.database.prisma.attachment.findMany({ where: { entryId: expense.id } });
    const paths = rows.map((row) => path.join(app.attachments.directory, row.storageKey!));
    expect(paths.map((file) => existsSync(file))).toEqual([true, true]);

    const deleted = await app.gql(`mutation($id: ID!) { deleteExpense(input: { id: $id }) { __typename } }`, { id: expenseId });
    expect(deleted.data!.deleteExpense.__typename).toBe('DeleteExpenseSuccess');
    expect(paths.map((file) => existsSync(file))).toEqual([false, false]);
    expect(await app.database.prisma.attachment.count({ where: { id: { in: rows.map((row) => row.id) } } })).toBe(0);

    const [deletedEvent] = await app.database.prisma.changelogEvent.findMany({ where: { entityId: expense.id, action: 'DELETED' } });
    expect(deletedEvent!.comment).toMatch(/with 2 attached file\(s\): "a\.pdf", "b\.png"$/);
    const attachmentEvents = await app.database.prisma.changelogEvent.findMany({ where: { entityId: { in: rows.map((row) => row.id) }, action: 'DELETED' } });
    expect(attachmentEvents).toHaveLength(2);
  });

  it('ENTRY_POSTED for a posted record with files: the record, its attachments and their files stay', async () => {
    const expense = await newExpense('Posted', true);
    const expenseId = gid('Expense', expense.id);
    await upload({ expenseId }, PDF, 'kept.pdf');
    const before = await snapshot();
    const refused = await app.gql(`mutation($id: ID!) { deleteExpense(input: { id: $id }) { ... on Error { code } } }`, { id: expenseId });
    expect(refused.data!.deleteExpense).toEqual({ code: 'ENTRY_POSTED' });
    expect(await snapshot()).toEqual(before);
  });
});

describe('finding attachments by owner', () => {
  it('filters by expense, by income and by owner type, and Attachment.entry names the record', async () => {
    const tenant = app.orgB;
    const db = app.database.prisma;
    const b = await ledgerScenario(db, tenant.viewer);
    const expense = (await runService(db, tenant.viewer, createEntry, { kind: 'EXPENSE', title: 'E', amount: '1.00', accountId: b.cash.id })).entry;
    const income = (await runService(db, tenant.viewer, createEntry, { kind: 'INCOME', title: 'I', amount: '1.00', accountId: b.cash.id })).entry;
    const transaction = await transactionFixture(db, tenant.viewer);
    const meta = { contentType: 'application/pdf', sizeBytes: 1 };
    await runService(db, tenant.viewer, createAttachment, { ...meta, entryId: expense.id, fileName: 'expense.pdf' });
    await runService(db, tenant.viewer, createAttachment, { ...meta, entryId: income.id, fileName: 'income.pdf' });
    await runService(db, tenant.viewer, createAttachment, { ...meta, transactionId: transaction.id, fileName: 'transaction.pdf' });
    const names = async (filter: Record<string, unknown>) =>
      (await app.gql(`query($filter: AttachmentFilter) { attachments(filter: $filter) { nodes { fileName } } }`, { filter }, tenant)).data!.attachments.nodes
        .map((node: { fileName: string }) => node.fileName)
        .sort();
    expect(await names({ expenseId: gid('Expense', expense.id) })).toEqual(['expense.pdf']);
    expect(await names({ incomeId: gid('Income', income.id) })).toEqual(['income.pdf']);
    expect(await names({ ownerType: 'ENTRY' })).toEqual(['expense.pdf', 'income.pdf']);
    expect(await names({ ownerType: 'TRANSACTION' })).toEqual(['transaction.pdf']);
    // An expense id where an income is expected is a wrong-type id, not an empty list.
    const wrongType = await app.gql(`query($id: ID!) { attachments(filter: { incomeId: $id }) { totalCount } }`, { id: gid('Expense', expense.id) }, tenant);
    expect(wrongType.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_ID', field: 'filter.incomeId' });
    // Filters combine: an expense's files are not a transaction's.
    expect(await names({ expenseId: gid('Expense', expense.id), ownerType: 'TRANSACTION' })).toEqual([]);
    expect(await names({ expenseId: gid('Expense', expense.id), search: 'EXPENSE' })).toEqual(['expense.pdf']);
    await runService(db, tenant.viewer, postEntry, { id: expense.id, kind: 'EXPENSE' });
    const owners = await app.gql(`{ attachments(filter: { ownerType: ENTRY }) { nodes { entry { __typename posted } } } }`, {}, tenant);
    expect(owners.data!.attachments.nodes.map((node: { entry: unknown }) => node.entry)).toEqual(
      expect.arrayContaining([{ __typename: 'Expense', posted: true }, { __typename: 'Income', posted: false }]),
    );
  });
});

describe.skipIf(!usingPostgres)('uploads racing the deletion of their record (PostgreSQL)', () => {
  it('each upload is either deleted with the record or refused with NOT_FOUND; no row or file is left behind', async () => {
    const db = app.database.prisma;
    const viewer = app.orgA.viewer;
    const filesBefore = storedFiles();
    const outcomes = { attached: 0, refused: 0 };
    // The delete starts a little later each round, so it lands before, between and after the uploads.
    for (let round = 0; round < 8; round += 1) {
      const expense = await newExpense(`Race ${round}`);
      const uploads = Array.from({ length: 6 }, (_, n) =>
        runService(db, viewer, uploadAttachment, { storage: app.attachments, entryId: expense.id, entryKind: 'EXPENSE', file: new File([PDF as BlobPart], `r${round}-${n}.pdf`) }),
      );
      const deletion = new Promise((resolve) => setTimeout(resolve, round * 3)).then(() =>
        runService(db, viewer, deleteEntry, { id: expense.id, kind: 'EXPENSE', storage: app.attachments }),
      );
      const settled = await Promise.allSettled([...uploads, deletion]);
      expect(settled.at(-1)!.status).toBe('fulfilled');
      for (const result of settled.slice(0, -1)) {
        // Never a foreign-key crash: the record's row lock orders each upload before or after the delete.
        if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'NOT_FOUND', field: 'expenseId' });
      }
      expect(await db.attachment.count({ where: { entryId: expense.id } })).toBe(0);
      const attached = settled.slice(0, -1).filter((result) => result.status === 'fulfilled').length;
      const deletedWithRecord = await db.changelogEvent.count({ where: { entityType: 'Attachment', action: 'DELETED', comment: { startsWith: `r${round}-` } } });
      expect(deletedWithRecord).toBe(attached);
      outcomes.attached += attached;
      outcomes.refused += uploads.length - attached;
    }
    console.info(`uploads racing a delete: ${outcomes.attached} attached then deleted with the record, ${outcomes.refused} refused`);
    expect(storedFiles()).toEqual(filesBefore);
  });
});

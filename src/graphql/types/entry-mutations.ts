/**
 * The CRM's add / update / doit / undoit / delete for expenses and incomes, as one set of mutations
 * per kind: createExpense, updateExpense, postExpense, unpostExpense, deleteExpense, and the same
 * for Income. Each is declared once for both kinds and runs through the mutation pipeline.
 */
import type { ErrorCode } from '../../domain/errors.js';
import type { EntryKind } from '../../generated/prisma/client.js';
import {
  createExpense,
  createIncome,
  deleteExpense,
  deleteIncome,
  updateExpense,
  updateIncome,
  type EntryWriteResult,
} from '../../services/ledger/entries.js';
import { postExpense, postIncome, unpostExpense, unpostIncome } from '../../services/ledger/posting.js';
import type { Service } from '../../services/core/service.js';
import { builder } from '../builder.js';
import { defineMutation, type InputFieldBuilder } from '../mutation.js';
import { committedRowOr, deletedPayload, withCommittedRow } from '../payloads.js';
import { ExpenseType, IncomeType } from './entry.js';
import { ErrorCodeEnum } from './errors.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind's operations take that kind's input
type AnyService = Service<any, any>;
interface Kind {
  kind: EntryKind;
  name: 'Expense' | 'Income';
  field: 'expense' | 'income';
  type: typeof ExpenseType;
  create: AnyService;
  update: AnyService;
  post: AnyService;
  unpost: AnyService;
  remove: AnyService;
}
const KINDS: Kind[] = [
  { kind: 'EXPENSE', name: 'Expense', field: 'expense', type: ExpenseType, create: createExpense, update: updateExpense, post: postExpense, unpost: unpostExpense, remove: deleteExpense },
  { kind: 'INCOME', name: 'Income', field: 'income', type: IncomeType, create: createIncome, update: updateIncome, post: postIncome, unpost: unpostIncome, remove: deleteIncome },
];

/** Why a record asked to be posted was saved unposted, as JSON (an idempotent replay returns it). */
type NotPostedReason = { message: string; available: string; required: string };
type WriteOutcome = { entryId: string; notPostedReason: NotPostedReason | null };

function writeOutcome(result: EntryWriteResult): WriteOutcome {
  const reason = result.notPostedReason;
  return withCommittedRow(
    { entryId: result.entry.id, notPostedReason: reason && { message: reason.message, available: reason.available, required: reason.required } },
    result.entry,
  );
}

/**
 * Why a record asked to be posted was saved unposted. A plain object, not the error itself:
 * GraphQL treats an Error returned by a resolver as a failure of the field.
 */
const NotPostedReasonType = builder
  .objectRef<{ code: ErrorCode; message: string; available: string; required: string }>('NotPostedReason')
  .implement({
    description: 'The record was saved but not posted: its account lacked the funds (CRM "Расход не проведен…").',
    fields: (t) => ({
      code: t.field({ type: ErrorCodeEnum, description: 'Always INSUFFICIENT_FUNDS.', resolve: (reason) => reason.code }),
      message: t.exposeString('message', { description: 'What was missing, for a person to read; its wording may change.' }),
      available: t.field({
        type: 'Decimal',
        description: 'What the account held when posting was tried, in its currency, e.g. "100.00".',
        resolve: (reason) => reason.available,
      }),
      required: t.field({
        type: 'Decimal',
        description: 'What posting would have taken off the account, in its currency, e.g. "12665.00".',
        resolve: (reason) => reason.required,
      }),
    }),
  });

const ENTRY_IDS = { accountId: 'Account', categoryId: 'Category', counterpartyId: 'Counterparty', budgetId: 'Budget' } as const;

function defineMutations({ kind, name, field, type, create, update, post, unpost, remove }: Kind) {
  const isExpense = kind === 'EXPENSE';
  // Expense and Income are two node types over the one Entry model, so the payloads name the type.
  const entryPayload = (payloadName: string, succeeded?: string) =>
    builder.objectRef<{ entryId: string }>(payloadName).implement({
      description: `${succeeded ?? 'The mutation succeeded.'} Carries the ${type} as it is after the change.`,
      fields: (t) => ({
        [field]: t.prismaField({
          type,
          description: `The ${type}, read after the change was committed, with the client's selection.`,
          resolve: (query, payload, _args, ctx) => ctx.db.entry.findUniqueOrThrow({ ...query, where: { id: payload.entryId } }),
        }),
      }),
    });

  const WritePayload = (payloadName: string, succeeded?: string) =>
    builder.objectRef<WriteOutcome>(payloadName).implement({
      description: `${succeeded ?? 'The mutation succeeded.'} Carries the ${type} as saved, and why it was not posted when so.`,
      fields: (t) => ({
        [field]: t.prismaField({
          type,
          description: `The ${type} as committed, with the client's selection.`,
          resolve: (query, payload, _args, ctx) =>
            committedRowOr(query, payload, () => ctx.db.entry.findUniqueOrThrow({ ...query, where: { id: payload.entryId } })),
        }),
        notPostedReason: t.field({
          type: NotPostedReasonType,
          nullable: true,
          description: 'Set when `post` was asked for but the account lacked the funds: the record was saved unposted.',
          resolve: ({ notPostedReason: reason }) =>
            reason && { code: 'INSUFFICIENT_FUNDS' as const, message: reason.message, available: reason.available, required: reason.required },
        }),
      }),
    });

  const fields = (t: InputFieldBuilder, required: boolean) => ({
    title: t.string({ required, description: 'Required (CRM error 407 when missing).' }),
    amount: t.field({ type: 'Decimal', required, description: 'In the account\'s currency, e.g. "12665.00". Greater than zero.' }),
    accountId: t.id({ required, description: 'CRM "rs".' }),
    categoryId: t.id({ description: `A category of kind ${kind}.` }),
    description: t.string({ description: 'Free text (CRM "des"), at most 10 000 characters.' }),
    plannedDate: t.field({ type: 'Date', description: 'CRM "date_plan"; sets the period (year, month).' }),
    invoiceNumber: t.string({ description: 'The supplier invoice\'s number (CRM "invoice"), at most 100 characters.' }),
    invoiceDate: t.field({ type: 'Date', description: 'The date of the supplier invoice, YYYY-MM-DD (CRM "invoice_date").' }),
    invoicePaidDate: t.field({ type: 'Date', description: 'The day the supplier invoice was paid, YYYY-MM-DD (CRM "invoice_paydate").' }),
    dealRef: t.string({ description: 'CRM "did".' }),
    counterpartyId: t.id({ description: 'A supplier or partner (CRM "clid").' }),
    budgetId: t.id({ description: isExpense ? 'A budget this expense counts against once posted.' : 'Refused: only expenses count against budgets.' }),
    post: t.boolean({ description: 'Post now (CRM do: "on"). If funds are short the record is saved unposted; see notPostedReason.' }),
  });

  defineMutation({
    name: `create${name}`,
    description: isExpense
      ? 'CRM "add" of an expense; with `post: true` it is posted at once when the account holds the funds, else saved unposted with notPostedReason.'
      : 'CRM "add" of an income; with `post: true` its money is put on the account at once.',
    input: (t) => fields(t, true),
    ids: ENTRY_IDS,
    idempotent: true,
    service: create,
    payload: writeOutcome,
    success: WritePayload,
  });

  defineMutation({
    name: `update${name}`,
    description: isExpense
      ? 'CRM "update". For a posted expense a change of amount, account, budget or plan date moves the difference at once, or is refused with nothing changed.'
      : 'CRM "update". For a posted income a change of amount or account moves the difference at once, or is refused with nothing changed.',
    inputDescription: 'Partial: an omitted field is kept, an explicit null clears it (title, amount and accountId cannot be cleared).',
    input: (t) => ({ id: t.id({ required: true, description: `The global id of the ${field} to change.` }), ...fields(t, false) }),
    ids: { id: name, ...ENTRY_IDS },
    service: update,
    payload: writeOutcome,
    success: WritePayload,
  });

  defineMutation({
    name: `post${name}`,
    description: 'CRM "doit".',
    input: (t) => ({ id: t.id({ required: true, description: `The global id of the unposted ${field} to post.` }) }),
    ids: { id: name },
    idempotent: true,
    service: post,
    payload: ({ entry }) => ({ entryId: entry.id }),
    success: entryPayload,
  });

  defineMutation({
    name: `unpost${name}`,
    description: isExpense ? 'CRM "undoit": the money goes back to the account.' : 'CRM "undoit": refused with INSUFFICIENT_FUNDS if the account no longer holds the money.',
    input: (t) => ({ id: t.id({ required: true, description: `The global id of the posted ${field} to unpost.` }) }),
    ids: { id: name },
    service: unpost,
    payload: ({ entry }) => ({ entryId: entry.id }),
    success: entryPayload,
  });

  defineMutation({
    name: `delete${name}`,
    description: 'CRM "delete": only while not posted (ENTRY_POSTED otherwise). Deletes its attachments and their stored files too.',
    input: (t) => ({ id: t.id({ required: true, description: `The global id of the unposted ${field} to delete.` }) }),
    ids: { id: name },
    service: remove,
    serviceInput: (input, ctx) => ({ id: input.id, storage: ctx.attachments }),
    payload: (_entry, input) => ({ deletedId: input.id }),
    success: deletedPayload(`The global id of the deleted ${field}.`),
  });
}

for (const kind of KINDS) defineMutations(kind);

/**
 * The CRM's add / update / doit / undoit / delete for expenses and incomes, as one set of mutations
 * per kind: createExpense, updateExpense, postExpense, unpostExpense, deleteExpense, and the same
 * for Income. Each decodes ids, calls one service function and re-reads the record with the
 * client's selection.
 */
import {
  AccountClosedError,
  AlreadyPostedError,
  BudgetFrozenError,
  CategoryKindMismatchError,
  CurrencyMismatchError,
  EntryPostedError,
  InsufficientFundsError,
  InvalidAmountError,
  InvalidIdError,
  NotFoundError,
  NotPostedError,
} from '../../domain/errors.js';
import type { ErrorCode } from '../../domain/errors.js';
import type { EntryKind } from '../../generated/prisma/client.js';
import { createEntry, deleteEntry, updateEntry, type EntryFieldsInput, type EntryWriteResult } from '../../services/entries.js';
import { withIdempotency } from '../../services/idempotency.js';
import { postEntry, unpostEntry } from '../../services/posting.js';
import { builder } from '../builder.js';
import { decodeIdOf, decodeOptionalIdOf } from '../global-id.js';
import { IDEMPOTENCY_ERRORS, idempotencyKeyField } from '../idempotency.js';
import { ExpenseType, IncomeType } from './entry.js';
import { COMMON_ERRORS, ErrorCodeEnum } from './errors.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
type Kind = { kind: EntryKind; name: 'Expense' | 'Income'; field: 'expense' | 'income'; type: typeof ExpenseType };
const KINDS: Kind[] = [
  { kind: 'EXPENSE', name: 'Expense', field: 'expense', type: ExpenseType },
  { kind: 'INCOME', name: 'Income', field: 'income', type: IncomeType },
];

/** The same fields as the service takes, with ids still as global ids. */
type EntryFieldArgs = EntryFieldsInput;

/** Input ids become uuids (INVALID_ID when malformed or of another type); omitted stays omitted. */
function decodeEntryFields(input: EntryFieldArgs): EntryFieldsInput {
  return {
    ...input,
    accountId: decodeOptionalIdOf('Account', input.accountId, 'accountId'),
    categoryId: decodeOptionalIdOf('Category', input.categoryId, 'categoryId'),
    counterpartyId: decodeOptionalIdOf('Counterparty', input.counterpartyId, 'counterpartyId'),
    budgetId: decodeOptionalIdOf('Budget', input.budgetId, 'budgetId'),
  };
}

/** Why a record asked to be posted was saved unposted, as JSON (an idempotent replay returns it). */
type NotPostedReason = { message: string; available: string; required: string };
type WriteOutcome = { entryId: string; notPostedReason: NotPostedReason | null };

function writeOutcome(result: EntryWriteResult): WriteOutcome {
  const reason = result.notPostedReason;
  return {
    entryId: result.entry.id,
    notPostedReason: reason && { message: reason.message, available: reason.available, required: reason.required },
  };
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
      code: t.field({ type: ErrorCodeEnum, resolve: (reason) => reason.code }),
      message: t.exposeString('message'),
      available: t.field({ type: 'Decimal', resolve: (reason) => reason.available }),
      required: t.field({ type: 'Decimal', resolve: (reason) => reason.required }),
    }),
  });

function defineMutations({ kind, name, field, type }: Kind) {
  const isExpense = kind === 'EXPENSE';
  // Budgets only apply to expenses; an income never meets a frozen budget.
  const budgetErrors = isExpense ? [BudgetFrozenError] : [];

  const EntryPayload = (payloadName: string) =>
    builder.objectRef<{ entryId: string }>(payloadName).implement({
      fields: (t) => ({
        [field]: t.prismaField({
          type,
          resolve: (query, payload, _args, ctx) => ctx.db.entry.findUniqueOrThrow({ ...query, where: { id: payload.entryId } }),
        }),
      }),
    });

  const WritePayload = (payloadName: string) =>
    builder.objectRef<WriteOutcome>(payloadName).implement({
      fields: (t) => ({
        [field]: t.prismaField({
          type,
          resolve: (query, payload, _args, ctx) => ctx.db.entry.findUniqueOrThrow({ ...query, where: { id: payload.entryId } }),
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

  const fields = (t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>, required: boolean) => ({
    title: t.string({ required, description: 'Required (CRM error 407 when missing).' }),
    amount: t.field({ type: 'Decimal', required, description: 'In the account\'s currency, e.g. "12665.00". Greater than zero.' }),
    accountId: t.id({ required, description: 'CRM "rs".' }),
    categoryId: t.id({ description: `A category of kind ${kind}.` }),
    description: t.string(),
    plannedDate: t.field({ type: 'Date', description: 'CRM "date_plan"; sets the period (year, month).' }),
    invoiceNumber: t.string(),
    invoiceDate: t.field({ type: 'Date' }),
    invoicePaidDate: t.field({ type: 'Date' }),
    dealRef: t.string({ description: 'CRM "did".' }),
    counterpartyId: t.id({ description: 'A supplier or partner (CRM "clid").' }),
    budgetId: t.id({ description: isExpense ? 'A budget this expense counts against once posted.' : 'Refused: only expenses count against budgets.' }),
    post: t.boolean({ description: 'Post now (CRM do: "on"). If funds are short the record is saved unposted; see notPostedReason.' }),
  });

  const CreateInput = builder.inputType(`Create${name}Input`, {
    fields: (t) => ({ ...fields(t, true), idempotencyKey: idempotencyKeyField(t) }),
  });
  builder.mutationField(`create${name}`, (t) =>
    t.field({
      type: WritePayload(`Create${name}Success`),
      args: { input: t.arg({ type: CreateInput, required: true }) },
      errors: {
        types: [
          ...COMMON_ERRORS,
          InvalidAmountError,
          AccountClosedError,
          CategoryKindMismatchError,
          ...(isExpense ? [CurrencyMismatchError] : []),
          ...budgetErrors,
          ...IDEMPOTENCY_ERRORS,
        ],
      },
      resolve: async (_root, { input }, ctx) => {
        const { idempotencyKey: _key, ...args } = input as EntryFieldArgs & { title: string; amount: string; accountId: string; idempotencyKey?: string | null };
        const outcome = await withIdempotency(ctx, `create${name}`, input, async (db) =>
          writeOutcome(
            await createEntry(db, ctx.viewer, {
              ...decodeEntryFields(args),
              kind,
              title: args.title,
              amount: args.amount,
              accountId: decodeIdOf('Account', args.accountId, 'accountId'),
            }),
          ),
        );
        // A posted expense linked to a budget moves its spend; later fields must not read a stale cache.
        ctx.loaders.forgetBudgetSpend();
        return outcome;
      },
    }),
  );

  const UpdateInput = builder.inputType(`Update${name}Input`, {
    description: 'Partial: an omitted field is kept, an explicit null clears it (title, amount and accountId cannot be cleared).',
    fields: (t) => ({ id: t.id({ required: true }), ...fields(t, false) }),
  });
  builder.mutationField(`update${name}`, (t) =>
    t.field({
      type: WritePayload(`Update${name}Success`),
      args: { input: t.arg({ type: UpdateInput, required: true }) },
      errors: {
        types: [
          ...COMMON_ERRORS,
          InvalidAmountError,
          AccountClosedError,
          CategoryKindMismatchError,
          CurrencyMismatchError,
          InsufficientFundsError,
          ...budgetErrors,
        ],
      },
      resolve: async (_root, { input }, ctx) => {
        const args = input as EntryFieldArgs & { id: string };
        const result = await updateEntry(ctx.db, ctx.viewer, { ...decodeEntryFields(args), id: decodeIdOf(name, args.id, 'id'), kind });
        // A posted expense linked to a budget moves its spend; later fields must not read a stale cache.
        ctx.loaders.forgetBudgetSpend();
        return writeOutcome(result);
      },
    }),
  );

  const IdInput = (inputName: string) => builder.inputType(inputName, { fields: (t) => ({ id: t.id({ required: true }) }) });

  const PostInput = builder.inputType(`Post${name}Input`, {
    fields: (t) => ({ id: t.id({ required: true }), idempotencyKey: idempotencyKeyField(t) }),
  });
  builder.mutationField(`post${name}`, (t) =>
    t.field({
      type: EntryPayload(`Post${name}Success`),
      description: 'CRM "doit".',
      args: { input: t.arg({ type: PostInput, required: true }) },
      errors: {
        // Posting an income only adds money: it cannot lack funds or meet a budget.
        types: [
          ...COMMON_ERRORS,
          AlreadyPostedError,
          AccountClosedError,
          ...(isExpense ? [InsufficientFundsError, CurrencyMismatchError] : []),
          ...budgetErrors,
          ...IDEMPOTENCY_ERRORS,
        ],
      },
      resolve: async (_root, { input }, ctx) => {
        const outcome = await withIdempotency(ctx, `post${name}`, input, async (db) => {
          const { entry } = await postEntry(db, ctx.viewer, { id: decodeIdOf(name, input.id, 'id'), kind });
          return { entryId: entry.id };
        });
        // A posted expense linked to a budget moves its spend; later fields must not read a stale cache.
        ctx.loaders.forgetBudgetSpend();
        return outcome;
      },
    }),
  );

  builder.mutationField(`unpost${name}`, (t) =>
    t.field({
      type: EntryPayload(`Unpost${name}Success`),
      description: isExpense ? 'CRM "undoit": the money goes back to the account.' : 'CRM "undoit": refused with INSUFFICIENT_FUNDS if the account no longer holds the money.',
      args: { input: t.arg({ type: IdInput(`Unpost${name}Input`), required: true }) },
      errors: {
        types: [InvalidIdError, NotFoundError, NotPostedError, AccountClosedError, ...(isExpense ? [] : [InsufficientFundsError])],
      },
      resolve: async (_root, { input }, ctx) => {
        const { entry } = await unpostEntry(ctx.db, ctx.viewer, { id: decodeIdOf(name, input.id, 'id'), kind });
        // A posted expense linked to a budget moves its spend; later fields must not read a stale cache.
        ctx.loaders.forgetBudgetSpend();
        return { entryId: entry.id };
      },
    }),
  );

  const DeleteSuccess = builder.objectRef<{ deletedId: string }>(`Delete${name}Success`).implement({
    fields: (t) => ({ deletedId: t.exposeID('deletedId', { description: `The global id of the deleted ${field}.` }) }),
  });
  builder.mutationField(`delete${name}`, (t) =>
    t.field({
      type: DeleteSuccess,
      description: 'CRM "delete": only while not posted (ENTRY_POSTED otherwise). Deletes its attachments and their stored files too.',
      args: { input: t.arg({ type: IdInput(`Delete${name}Input`), required: true }) },
      errors: { types: [InvalidIdError, NotFoundError, EntryPostedError] },
      resolve: async (_root, { input }, ctx) => {
        await deleteEntry(ctx.db, ctx.viewer, { id: decodeIdOf(name, input.id, 'id'), kind }, ctx.attachments);
        return { deletedId: input.id };
      },
    }),
  );
}

for (const kind of KINDS) defineMutations(kind);

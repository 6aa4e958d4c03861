/**
 * importTransactions: bulk, idempotent by externalId, keeps the valid rows and reports every row
 * (see services/budgets/external-transaction-import.ts for the policy).
 */
import { InvalidIdError, NotFoundError, type DomainError } from '../../domain/errors.js';
import { importTransactions, type ImportReport, type ImportRowOutcome } from '../../services/budgets/external-transaction-import.js';
import { builder } from '../builder.js';
import { encodeGlobalId } from '../global-id.js';
import { defineMutation } from '../mutation.js';
import { describedValues } from './enums.js';
import { ErrorCodeEnum } from './errors.js';

/** A row's error as JSON, so an idempotent replay can return the report it stored. */
type RowErrorJson = { code: DomainError['code']; message: string; field: string | null };
type RowJson = Omit<ImportRowOutcome, 'error'> & { error: RowErrorJson | null };
type ReportJson = Omit<ImportReport, 'rows'> & { rows: RowJson[] };

function reportJson(report: ImportReport): ReportJson {
  return {
    ...report,
    rows: report.rows.map((row) => ({
      ...row,
      error: row.error ? { code: row.error.code, message: row.error.message, field: row.error.field ?? null } : null,
    })),
  };
}

const ImportRowStatusEnum = builder.enumType('ImportRowStatus', {
  description:
    'CREATED: stored now. EXISTING: a transaction with this externalId already exists; nothing written. ' +
    'DUPLICATE_IN_BATCH: an earlier row of the batch has this externalId. REJECTED: the row breaks a rule; see error.',
  values: describedValues(['CREATED', 'EXISTING', 'DUPLICATE_IN_BATCH', 'REJECTED'] as const, {
    CREATED: 'The row was stored now as a new transaction.',
    EXISTING: 'A transaction with this externalId was already stored; it is left as it was (an import never overwrites).',
    DUPLICATE_IN_BATCH: 'An earlier row of the same batch has this externalId; the first one wins, this one is skipped.',
    REJECTED: 'The row breaks a rule (a missing field, an unknown currency, …); `error` says which.',
  }),
});

// A plain object, not the Error instance: graphql-js treats an Error returned by a resolver as a
// thrown one, which would fail the field instead of reporting the row.
const ImportRowError = builder
  .objectRef<RowErrorJson>('ImportRowError')
  .implement({
    description: 'Why a row was not imported; the same codes as the mutation errors (e.g. INVALID_INPUT for a missing externalId or amount).',
    fields: (t) => ({
      code: t.expose('code', { type: ErrorCodeEnum, description: 'The stable code of the error, e.g. INVALID_INPUT, UNKNOWN_CURRENCY, DUPLICATE.' }),
      message: t.exposeString('message', { description: 'What is wrong with the row, for a person to read; its wording may change.' }),
      field: t.exposeString('field', { nullable: true, description: 'The row\'s field the error is about, e.g. "amount"; null when it is about the row as a whole.' }),
    }),
  });

const ImportRowResult = builder.objectRef<RowJson>('ImportRowResult').implement({
  description: 'What became of one row of the batch.',
  fields: (t) => ({
    index: t.exposeInt('index', { description: '0-based position of the row in the batch.' }),
    externalId: t.exposeString('externalId', { nullable: true, description: 'The externalId the row was sent with; null when it had none.' }),
    status: t.expose('status', { type: ImportRowStatusEnum, description: 'What became of the row.' }),
    transactionId: t.id({
      nullable: true,
      description: 'The stored transaction (CREATED and EXISTING rows).',
      resolve: (row) => (row.transactionId ? encodeGlobalId('Transaction', row.transactionId) : null),
    }),
    error: t.field({
      type: ImportRowError,
      nullable: true,
      description: 'Why the row was not imported: set on REJECTED rows, and on DUPLICATE_IN_BATCH rows (code DUPLICATE, naming the earlier row); null otherwise.',
      resolve: (row) => row.error,
    }),
  }),
});

const importSuccess = (name: string) => builder.objectRef<ReportJson>(name).implement({
  description: 'Every valid row is stored (in one database transaction); every other row says why not.',
  fields: (t) => ({
    created: t.exposeInt('created', { description: 'How many rows were stored now (CREATED).' }),
    existing: t.exposeInt('existing', { description: 'How many rows named an externalId already stored (EXISTING); nothing written for them.' }),
    duplicates: t.exposeInt('duplicates', { description: 'How many rows repeated an externalId of an earlier row of the batch (DUPLICATE_IN_BATCH).' }),
    rejected: t.exposeInt('rejected', { description: 'How many rows broke a rule (REJECTED); each says why.' }),
    rows: t.field({ type: [ImportRowResult], description: 'One result per row sent, in batch order.', resolve: (report) => report.rows }),
    transactions: t.prismaField({
      type: ['Transaction'],
      description: 'The CREATED and EXISTING transactions, in batch order.',
      resolve: async (query, report, _args, ctx) => {
        const ids = report.rows.flatMap((row) => (row.transactionId ? [row.transactionId] : []));
        const rows = await ctx.db.transaction.findMany({ ...query, where: { id: { in: ids }, organizationId: ctx.viewer.organizationId } });
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.flatMap((id) => byId.get(id) ?? []);
      },
    }),
  }),
});

const ImportTransactionRowInput = builder.inputType('ImportTransactionRowInput', {
  description:
    'The shape of CreateTransactionInput, with every field optional so a row missing one is reported on its own row instead of failing the request.',
  fields: (t) => ({
    externalId: t.string({ description: 'Required: the id in the source system, 1–200 characters after trimming; what makes the import idempotent.' }),
    date: t.field({ type: 'Date', description: 'Required: the booking date, YYYY-MM-DD.' }),
    amount: t.field({ type: 'Decimal', description: 'Required: greater than zero, at most the currency\'s decimals, e.g. "480.00".' }),
    currency: t.string({ description: 'Required: ISO 4217, e.g. "EUR".' }),
    description: t.string({ description: 'Free text, at most 10 000 characters.' }),
    direction: t.string({ description: 'Required: DEBIT (money out) or CREDIT (money in); case does not matter.' }),
    counterparty: t.string({ description: 'The other party\'s name as free text, at most 500 characters.' }),
    type: t.string({ description: 'GENERIC (default), INCOME or PROJECT. Imported rows link to no project.' }),
  }),
});

defineMutation({
  name: 'importTransactions',
  description:
    'Bulk import of external transactions (1 to 1000 rows), idempotent by externalId: valid rows are stored together, existing ones left as they are, and every row reports what became of it.',
  input: (t) => ({
    transactions: t.field({ type: [ImportTransactionRowInput], required: true, description: 'At most 1000 rows.' }),
  }),
  idempotent: true,
  service: importTransactions,
  serviceInput: (input) => ({ rows: input.transactions.map((row) => ({ ...row, counterpartyName: row.counterparty })) }),
  alsoDeclares: [InvalidIdError, NotFoundError],
  payload: reportJson,
  success: importSuccess,
});

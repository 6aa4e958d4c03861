/**
 * importTransactions: bulk, idempotent by externalId, keeps the valid rows and reports every row
 * (see services/budgets/external-transaction-import.ts for the policy).
 */
import { InvalidIdError, NotFoundError, type DomainError } from '../../domain/errors.js';
import { importTransactions, type ImportReport, type ImportRowOutcome } from '../../services/budgets/external-transaction-import.js';
import { builder } from '../builder.js';
import { encodeGlobalId } from '../global-id.js';
import { defineMutation } from '../mutation.js';
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
  values: ['CREATED', 'EXISTING', 'DUPLICATE_IN_BATCH', 'REJECTED'] as const,
});

// A plain object, not the Error instance: graphql-js treats an Error returned by a resolver as a
// thrown one, which would fail the field instead of reporting the row.
const ImportRowError = builder
  .objectRef<RowErrorJson>('ImportRowError')
  .implement({
    description: 'Why a row was not imported; the same codes as the mutation errors (e.g. INVALID_INPUT for a missing externalId or amount).',
    fields: (t) => ({
      code: t.expose('code', { type: ErrorCodeEnum }),
      message: t.exposeString('message'),
      field: t.exposeString('field', { nullable: true }),
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
      description: 'Why the row was not imported (REJECTED rows); null otherwise.',
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
    externalId: t.string(),
    date: t.field({ type: 'Date' }),
    amount: t.field({ type: 'Decimal' }),
    currency: t.string(),
    description: t.string(),
    direction: t.string(),
    counterparty: t.string(),
    type: t.string(),
  }),
});

defineMutation({
  name: 'importTransactions',
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

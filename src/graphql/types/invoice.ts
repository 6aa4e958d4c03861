import { InvalidAmountError, InvalidDateRangeError, UnknownCurrencyError } from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import { createInvoice, deleteInvoice } from '../../services/allocation-targets.js';
import { withIdempotency } from '../../services/idempotency.js';
import { builder, PAGING } from '../builder.js';
import { decodeIdOf } from '../global-id.js';
import { IDEMPOTENCY_ERRORS, idempotencyKeyField } from '../idempotency.js';
import { COMMON_ERRORS } from './errors.js';

export const InvoiceType = builder.prismaNode('Invoice', {
  id: { field: 'id' },
  description: 'A supplier invoice that can be linked to budgets.',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    number: t.exposeString('number'),
    supplierName: t.exposeString('supplierName', { nullable: true }),
    amount: t.field({ type: 'Decimal', select: { amountMinor: true, currency: true }, resolve: (invoice) => formatMoney(invoice.amountMinor, invoice.currency) }),
    currency: t.exposeString('currency'),
    issuedOn: t.expose('issuedOn', { type: 'Date', nullable: true }),
    dueOn: t.expose('dueOn', { type: 'Date', nullable: true }),
    budgetInvoices: t.relation('budgetInvoices', { query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('invoices', (t) =>
  t.prismaConnection({
    type: 'Invoice',
    cursor: 'id',
    ...PAGING,
    resolve: (query, _root, _args, ctx) =>
      ctx.db.invoice.findMany({ ...query, where: { organizationId: ctx.viewer.organizationId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    totalCount: (_root, _args, ctx) => ctx.db.invoice.count({ where: { organizationId: ctx.viewer.organizationId } }),
  }),
);

const CreateInvoiceSuccess = builder.objectRef<{ invoiceId: string }>('CreateInvoiceSuccess').implement({
  fields: (t) => ({
    invoice: t.prismaField({
      type: 'Invoice',
      resolve: (query, payload, _args, ctx) => ctx.db.invoice.findUniqueOrThrow({ ...query, where: { id: payload.invoiceId } }),
    }),
  }),
});

const CreateInvoiceInput = builder.inputType('CreateInvoiceInput', {
  fields: (t) => ({
    number: t.string({ required: true }),
    supplierName: t.string(),
    amount: t.field({ type: 'Decimal', required: true }),
    currency: t.string({ required: true }),
    issuedOn: t.field({ type: 'Date' }),
    dueOn: t.field({ type: 'Date' }),
    idempotencyKey: idempotencyKeyField(t),
  }),
});

builder.mutationField('createInvoice', (t) =>
  t.field({
    type: CreateInvoiceSuccess,
    args: { input: t.arg({ type: CreateInvoiceInput, required: true }) },
    errors: { types: [...COMMON_ERRORS, UnknownCurrencyError, InvalidAmountError, InvalidDateRangeError, ...IDEMPOTENCY_ERRORS] },
    resolve: (_root, { input }, ctx) => {
      const { idempotencyKey: _key, ...fields } = input;
      return withIdempotency(ctx, 'createInvoice', input, async (db) => ({ invoiceId: (await createInvoice(db, ctx.viewer, fields)).id }));
    },
  }),
);

const DeleteInvoiceInput = builder.inputType('DeleteInvoiceInput', { fields: (t) => ({ id: t.id({ required: true }) }) });
const DeleteInvoiceSuccess = builder.objectRef<{ deletedId: string }>('DeleteInvoiceSuccess').implement({
  fields: (t) => ({ deletedId: t.exposeID('deletedId') }),
});

builder.mutationField('deleteInvoice', (t) =>
  t.field({
    type: DeleteInvoiceSuccess,
    args: { input: t.arg({ type: DeleteInvoiceInput, required: true }) },
    errors: { types: COMMON_ERRORS },
    resolve: async (_root, { input }, ctx) => {
      await deleteInvoice(ctx.db, ctx.viewer, { id: decodeIdOf('Invoice', input.id, 'id') });
      return { deletedId: input.id };
    },
  }),
);

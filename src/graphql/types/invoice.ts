import { InvalidIdError, InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import { createInvoice, deleteInvoice } from '../../services/budgets/allocation-targets.js';
import { builder, PAGING } from '../builder.js';
import { defineMutation } from '../mutation.js';
import { deletedPayload, recordPayload } from '../payloads.js';

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
    description: 'The organization\'s invoices, oldest first.',
    type: 'Invoice',
    cursor: 'id',
    ...PAGING,
    resolve: (query, _root, _args, ctx) =>
      ctx.db.invoice.findMany({ ...query, where: { organizationId: ctx.viewer.organizationId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    totalCount: (_root, _args, ctx) => ctx.db.invoice.count({ where: { organizationId: ctx.viewer.organizationId } }),
  }),
);

defineMutation({
  name: 'createInvoice',
  input: (t) => ({
    number: t.string({ required: true }),
    supplierName: t.string(),
    amount: t.field({ type: 'Decimal', required: true }),
    currency: t.string({ required: true }),
    issuedOn: t.field({ type: 'Date' }),
    dueOn: t.field({ type: 'Date' }),
  }),
  idempotent: true,
  service: createInvoice,
  alsoDeclares: [InvalidIdError, NotFoundError],
  payload: (invoice) => ({ invoiceId: invoice.id }),
  success: recordPayload('invoice', 'Invoice', 'invoiceId'),
});

defineMutation({
  name: 'deleteInvoice',
  input: (t) => ({ id: t.id({ required: true }) }),
  ids: { id: 'Invoice' },
  service: deleteInvoice,
  alsoDeclares: [InvalidInputError],
  payload: (_invoice, input) => ({ deletedId: input.id }),
  success: deletedPayload(),
});

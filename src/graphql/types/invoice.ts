import { InvalidIdError, InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import { createInvoice, deleteInvoice, updateInvoice } from '../../services/budgets/allocation-targets.js';
import { builder, PAGING } from '../builder.js';
import { defineMutation } from '../mutation.js';
import { deletedPayload, recordPayload } from '../payloads.js';
import { externalIdWhere } from './external-id-filter.js';

export const InvoiceType = builder.prismaNode('Invoice', {
  id: { field: 'id' },
  description: 'A supplier invoice that can be linked to budgets.',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    number: t.exposeString('number', { description: 'The invoice number as the supplier printed it, e.g. "INV-2024-0117".' }),
    externalId: t.exposeString('externalId', { nullable: true, description: 'The id of this invoice in the ERP it is synced from (upsertInvoices); unique in the organization; null when none.' }),
    supplierName: t.exposeString('supplierName', { nullable: true, description: 'Who issued the invoice, as free text; null when not given.' }),
    amount: t.field({
      type: 'Decimal',
      description: 'The invoice total, greater than zero, in `currency` with its decimals, e.g. "12665.00".',
      select: { amountMinor: true, currency: true }, resolve: (invoice) => formatMoney(invoice.amountMinor, invoice.currency) }),
    currency: t.exposeString('currency', { description: 'ISO 4217 code of the invoice amount, e.g. "EUR".' }),
    issuedOn: t.expose('issuedOn', { type: 'Date', nullable: true, description: 'The issue date, YYYY-MM-DD; null when not given.' }),
    dueOn: t.expose('dueOn', { type: 'Date', nullable: true, description: 'The payment due date, YYYY-MM-DD, not before issuedOn; null when not given.' }),
    budgetInvoices: t.relation('budgetInvoices', {
      description: 'The budgets this invoice is linked to (BudgetInvoice allocations), oldest first.',
      query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the invoice was recorded.' }),
  }),
});

builder.queryField('invoices', (t) =>
  t.prismaConnection({
    description: 'The organization\'s invoices, oldest first.',
    type: 'Invoice',
    cursor: 'id',
    ...PAGING,
    args: { externalId: t.arg.string({ description: 'Only the invoice with this ERP id (exact match); all when omitted.' }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.invoice.findMany({ ...query, where: externalIdWhere(ctx.viewer.organizationId, args.externalId), orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    totalCount: (_root, args, ctx) => ctx.db.invoice.count({ where: externalIdWhere(ctx.viewer.organizationId, args.externalId) }),
  }),
);

defineMutation({
  name: 'createInvoice',
  description: 'Records a supplier invoice, to be linked to budgets with createBudgetInvoice.',
  input: (t) => ({
    number: t.string({ required: true, description: 'The invoice number; trimmed, 1–500 characters.' }),
    supplierName: t.string({ description: 'Who issued it, at most 500 characters.' }),
    amount: t.field({ type: 'Decimal', required: true, description: 'The total in `currency`, greater than zero, at most the currency\'s decimals, e.g. "12665.00".' }),
    currency: t.string({ required: true, description: 'ISO 4217, e.g. "EUR".' }),
    issuedOn: t.field({ type: 'Date', description: 'The issue date, YYYY-MM-DD.' }),
    dueOn: t.field({ type: 'Date', description: 'The due date, YYYY-MM-DD; not before issuedOn (INVALID_DATE_RANGE).' }),
    externalId: t.string({ description: 'The id in the ERP this invoice is synced from: trimmed, 1–200 characters, unique in the organization (DUPLICATE otherwise). Omit for none.' }),
  }),
  idempotent: true,
  service: createInvoice,
  alsoDeclares: [InvalidIdError, NotFoundError],
  payload: (invoice) => ({ invoiceId: invoice.id }),
  success: recordPayload('invoice', 'Invoice', 'invoiceId'),
});

defineMutation({
  name: 'updateInvoice',
  description: 'Changes an invoice. Its currency is fixed at creation: `currency` may repeat it, a different one is CURRENCY_MISMATCH.',
  inputDescription: 'Partial: an omitted field is kept; null clears an optional one.',
  input: (t) => ({
    id: t.id({ required: true, description: 'The global id of the invoice to change.' }),
    number: t.string({ description: 'The invoice number; trimmed, 1–500 characters. Omitted or null: kept.' }),
    supplierName: t.string({ description: 'Who issued it, at most 500 characters. Omitted: kept; null: cleared.' }),
    amount: t.field({ type: 'Decimal', description: 'The total, greater than zero, in the invoice\'s currency. Omitted or null: kept.' }),
    currency: t.string({ description: 'The invoice\'s own currency (ISO 4217) when given; it cannot change.' }),
    issuedOn: t.field({ type: 'Date', description: 'The issue date. Omitted: kept; null: cleared.' }),
    dueOn: t.field({ type: 'Date', description: 'The due date, not before issuedOn (INVALID_DATE_RANGE). Omitted: kept; null: cleared.' }),
    externalId: t.string({ description: 'The ERP id: trimmed, 1–200 characters, unique in the organization (DUPLICATE otherwise). Omitted: kept; null: cleared.' }),
  }),
  ids: { id: 'Invoice' },
  service: updateInvoice,
  payload: (invoice) => ({ invoiceId: invoice.id }),
  success: recordPayload('invoice', 'Invoice', 'invoiceId'),
});

defineMutation({
  name: 'deleteInvoice',
  description: 'Deletes the invoice and its budget links (BudgetInvoice allocations).',
  input: (t) => ({ id: t.id({ required: true, description: 'The global id of the invoice to delete.' }) }),
  ids: { id: 'Invoice' },
  service: deleteInvoice,
  alsoDeclares: [InvalidInputError],
  payload: (_invoice, input) => ({ deletedId: input.id }),
  success: deletedPayload(),
});

import { createCounterparty } from '../../services/ledger/counterparties.js';
import { builder, PAGING } from '../builder.js';
import { defineMutation } from '../mutation.js';
import { recordPayload } from '../payloads.js';
import { describedValues } from './enums.js';

export const CounterpartyKindEnum = builder.enumType('CounterpartyKind', {
  description: 'SUPPLIER (CRM "поставщик", conid) or PARTNER ("партнёр", partid).',
  values: describedValues(['SUPPLIER', 'PARTNER'] as const, { SUPPLIER: 'A supplier (CRM "поставщик", conid).', PARTNER: 'A partner (CRM "партнёр", partid).' }),
});

export const CounterpartyType = builder.prismaNode('Counterparty', {
  id: { field: 'id' },
  description: 'A supplier or partner that expense and income records name.',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    kind: t.expose('kind', { type: CounterpartyKindEnum, description: 'Whether this is a supplier or a partner; fixed at creation.' }),
    name: t.exposeString('name', { description: 'The counterparty\'s name.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the counterparty was created.' }),
  }),
});

builder.queryField('counterparties', (t) =>
  t.prismaConnection({
    description: 'The organization\'s counterparties, by name.',
    type: 'Counterparty',
    cursor: 'id',
    ...PAGING,
    args: { kind: t.arg({ type: CounterpartyKindEnum, description: 'Only counterparties of this kind; all when omitted.' }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.counterparty.findMany({
        ...query,
        where: { organizationId: ctx.viewer.organizationId, ...(args.kind ? { kind: args.kind } : {}) },
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
      }),
    totalCount: (_root, args, ctx) =>
      ctx.db.counterparty.count({ where: { organizationId: ctx.viewer.organizationId, ...(args.kind ? { kind: args.kind } : {}) } }),
  }),
);

defineMutation({
  name: 'createCounterparty',
  description: 'Adds a supplier or partner that expenses and incomes can name.',
  input: (t) => ({
    kind: t.field({ type: CounterpartyKindEnum, required: true, description: 'SUPPLIER or PARTNER.' }),
    name: t.string({ required: true, description: 'The name; trimmed, 1–500 characters.' }),
  }),
  idempotent: true,
  service: createCounterparty,
  payload: (counterparty) => ({ counterpartyId: counterparty.id }),
  success: recordPayload('counterparty', 'Counterparty', 'counterpartyId'),
});

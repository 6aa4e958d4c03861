import { InvalidInputError } from '../../domain/errors.js';
import { createCounterparty } from '../../services/counterparties.js';
import { withIdempotency } from '../../services/idempotency.js';
import { builder, PAGING } from '../builder.js';
import { IDEMPOTENCY_ERRORS, idempotencyKeyField } from '../idempotency.js';

export const CounterpartyKindEnum = builder.enumType('CounterpartyKind', {
  description: 'SUPPLIER (CRM "поставщик", conid) or PARTNER ("партнёр", partid).',
  values: ['SUPPLIER', 'PARTNER'] as const,
});

export const CounterpartyType = builder.prismaNode('Counterparty', {
  id: { field: 'id' },
  description: 'A supplier or partner that expense and income records name.',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    kind: t.expose('kind', { type: CounterpartyKindEnum }),
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('counterparties', (t) =>
  t.prismaConnection({
    type: 'Counterparty',
    cursor: 'id',
    ...PAGING,
    args: { kind: t.arg({ type: CounterpartyKindEnum }) },
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

const CreateCounterpartyInput = builder.inputType('CreateCounterpartyInput', {
  fields: (t) => ({
    kind: t.field({ type: CounterpartyKindEnum, required: true }),
    name: t.string({ required: true }),
    idempotencyKey: idempotencyKeyField(t),
  }),
});

const CreateCounterpartySuccess = builder.objectRef<{ counterpartyId: string }>('CreateCounterpartySuccess').implement({
  fields: (t) => ({
    counterparty: t.prismaField({
      type: 'Counterparty',
      resolve: (query, payload, _args, ctx) => ctx.db.counterparty.findUniqueOrThrow({ ...query, where: { id: payload.counterpartyId } }),
    }),
  }),
});

builder.mutationField('createCounterparty', (t) =>
  t.field({
    type: CreateCounterpartySuccess,
    args: { input: t.arg({ type: CreateCounterpartyInput, required: true }) },
    errors: { types: [InvalidInputError, ...IDEMPOTENCY_ERRORS] },
    resolve: (_root, { input }, ctx) =>
      withIdempotency(ctx, 'createCounterparty', input, async (db) => ({
        counterpartyId: (await createCounterparty(db, ctx.viewer, input)).id,
      })),
  }),
);

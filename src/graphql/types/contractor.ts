import { createContractor, deleteContractor } from '../../services/allocation-targets.js';
import { withIdempotency } from '../../services/idempotency.js';
import { builder, PAGING } from '../builder.js';
import { decodeIdOf } from '../global-id.js';
import { IDEMPOTENCY_ERRORS, idempotencyKeyField } from '../idempotency.js';
import { COMMON_ERRORS } from './errors.js';

export const ContractorType = builder.prismaNode('Contractor', {
  id: { field: 'id' },
  description: 'An external contractor a budget can be allocated to.',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    name: t.exposeString('name'),
    email: t.exposeString('email', { nullable: true }),
    budgetContractors: t.relation('budgetContractors', { query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('contractors', (t) =>
  t.prismaConnection({
    type: 'Contractor',
    cursor: 'id',
    ...PAGING,
    resolve: (query, _root, _args, ctx) =>
      ctx.db.contractor.findMany({ ...query, where: { organizationId: ctx.viewer.organizationId }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    totalCount: (_root, _args, ctx) => ctx.db.contractor.count({ where: { organizationId: ctx.viewer.organizationId } }),
  }),
);

const CreateContractorSuccess = builder.objectRef<{ contractorId: string }>('CreateContractorSuccess').implement({
  fields: (t) => ({
    contractor: t.prismaField({
      type: 'Contractor',
      resolve: (query, payload, _args, ctx) => ctx.db.contractor.findUniqueOrThrow({ ...query, where: { id: payload.contractorId } }),
    }),
  }),
});

const CreateContractorInput = builder.inputType('CreateContractorInput', {
  fields: (t) => ({ name: t.string({ required: true }), email: t.string(), idempotencyKey: idempotencyKeyField(t) }),
});

builder.mutationField('createContractor', (t) =>
  t.field({
    type: CreateContractorSuccess,
    args: { input: t.arg({ type: CreateContractorInput, required: true }) },
    errors: { types: [...COMMON_ERRORS, ...IDEMPOTENCY_ERRORS] },
    resolve: (_root, { input }, ctx) =>
      withIdempotency(ctx, 'createContractor', input, async (db) => ({
        contractorId: (await createContractor(db, ctx.viewer, { name: input.name, email: input.email })).id,
      })),
  }),
);

const DeleteContractorInput = builder.inputType('DeleteContractorInput', { fields: (t) => ({ id: t.id({ required: true }) }) });
const DeleteContractorSuccess = builder.objectRef<{ deletedId: string }>('DeleteContractorSuccess').implement({
  fields: (t) => ({ deletedId: t.exposeID('deletedId') }),
});

builder.mutationField('deleteContractor', (t) =>
  t.field({
    type: DeleteContractorSuccess,
    description: 'Removes the contractor and their budget allocations.',
    args: { input: t.arg({ type: DeleteContractorInput, required: true }) },
    errors: { types: COMMON_ERRORS },
    resolve: async (_root, { input }, ctx) => {
      await deleteContractor(ctx.db, ctx.viewer, { id: decodeIdOf('Contractor', input.id, 'id') });
      return { deletedId: input.id };
    },
  }),
);

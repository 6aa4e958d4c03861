import { createProject, deleteProject } from '../../services/allocation-targets.js';
import { withIdempotency } from '../../services/idempotency.js';
import { builder, PAGING } from '../builder.js';
import { decodeIdOf } from '../global-id.js';
import { IDEMPOTENCY_ERRORS, idempotencyKeyField } from '../idempotency.js';
import { COMMON_ERRORS } from './errors.js';

export const ProjectType = builder.prismaNode('Project', {
  id: { field: 'id' },
  description: 'A project budgets are allocated to and project transactions belong to.',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    name: t.exposeString('name'),
    code: t.exposeString('code', { nullable: true }),
    budgetProjects: t.relation('budgetProjects', { query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('projects', (t) =>
  t.prismaConnection({
    type: 'Project',
    cursor: 'id',
    ...PAGING,
    resolve: (query, _root, _args, ctx) =>
      ctx.db.project.findMany({ ...query, where: { organizationId: ctx.viewer.organizationId }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    totalCount: (_root, _args, ctx) => ctx.db.project.count({ where: { organizationId: ctx.viewer.organizationId } }),
  }),
);

const CreateProjectSuccess = builder.objectRef<{ projectId: string }>('CreateProjectSuccess').implement({
  fields: (t) => ({
    project: t.prismaField({
      type: 'Project',
      resolve: (query, payload, _args, ctx) => ctx.db.project.findUniqueOrThrow({ ...query, where: { id: payload.projectId } }),
    }),
  }),
});

const CreateProjectInput = builder.inputType('CreateProjectInput', {
  fields: (t) => ({ name: t.string({ required: true }), code: t.string(), idempotencyKey: idempotencyKeyField(t) }),
});

builder.mutationField('createProject', (t) =>
  t.field({
    type: CreateProjectSuccess,
    args: { input: t.arg({ type: CreateProjectInput, required: true }) },
    errors: { types: [...COMMON_ERRORS, ...IDEMPOTENCY_ERRORS] },
    resolve: (_root, { input }, ctx) =>
      withIdempotency(ctx, 'createProject', input, async (db) => ({
        projectId: (await createProject(db, ctx.viewer, { name: input.name, code: input.code })).id,
      })),
  }),
);

const DeleteProjectInput = builder.inputType('DeleteProjectInput', { fields: (t) => ({ id: t.id({ required: true }) }) });
const DeleteProjectSuccess = builder.objectRef<{ deletedId: string }>('DeleteProjectSuccess').implement({
  fields: (t) => ({ deletedId: t.exposeID('deletedId') }),
});

builder.mutationField('deleteProject', (t) =>
  t.field({
    type: DeleteProjectSuccess,
    description: 'Removes the project and its budget allocations; its transactions stay, without a project.',
    args: { input: t.arg({ type: DeleteProjectInput, required: true }) },
    errors: { types: COMMON_ERRORS },
    resolve: async (_root, { input }, ctx) => {
      await deleteProject(ctx.db, ctx.viewer, { id: decodeIdOf('Project', input.id, 'id') });
      return { deletedId: input.id };
    },
  }),
);

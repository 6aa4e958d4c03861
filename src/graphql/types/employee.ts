import { createEmployee, deleteEmployee } from '../../services/allocation-targets.js';
import { withIdempotency } from '../../services/idempotency.js';
import { builder, PAGING } from '../builder.js';
import { decodeIdOf } from '../global-id.js';
import { IDEMPOTENCY_ERRORS, idempotencyKeyField } from '../idempotency.js';
import { COMMON_ERRORS } from './errors.js';

export const EmployeeType = builder.prismaNode('Employee', {
  id: { field: 'id' },
  description: 'A person budgets are allocated to and budget transactions are made on behalf of.',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    name: t.exposeString('name'),
    email: t.exposeString('email', { nullable: true }),
    budgetEmployees: t.relation('budgetEmployees', { query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('employees', (t) =>
  t.prismaConnection({
    type: 'Employee',
    cursor: 'id',
    ...PAGING,
    resolve: (query, _root, _args, ctx) =>
      ctx.db.employee.findMany({ ...query, where: { organizationId: ctx.viewer.organizationId }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    totalCount: (_root, _args, ctx) => ctx.db.employee.count({ where: { organizationId: ctx.viewer.organizationId } }),
  }),
);

const CreateEmployeeSuccess = builder.objectRef<{ employeeId: string }>('CreateEmployeeSuccess').implement({
  fields: (t) => ({
    employee: t.prismaField({
      type: 'Employee',
      resolve: (query, payload, _args, ctx) => ctx.db.employee.findUniqueOrThrow({ ...query, where: { id: payload.employeeId } }),
    }),
  }),
});

const CreateEmployeeInput = builder.inputType('CreateEmployeeInput', {
  fields: (t) => ({ name: t.string({ required: true }), email: t.string(), idempotencyKey: idempotencyKeyField(t) }),
});

builder.mutationField('createEmployee', (t) =>
  t.field({
    type: CreateEmployeeSuccess,
    args: { input: t.arg({ type: CreateEmployeeInput, required: true }) },
    errors: { types: [...COMMON_ERRORS, ...IDEMPOTENCY_ERRORS] },
    resolve: (_root, { input }, ctx) =>
      withIdempotency(ctx, 'createEmployee', input, async (db) => ({
        employeeId: (await createEmployee(db, ctx.viewer, { name: input.name, email: input.email })).id,
      })),
  }),
);

const DeleteEmployeeInput = builder.inputType('DeleteEmployeeInput', { fields: (t) => ({ id: t.id({ required: true }) }) });
const DeleteEmployeeSuccess = builder.objectRef<{ deletedId: string }>('DeleteEmployeeSuccess').implement({
  fields: (t) => ({ deletedId: t.exposeID('deletedId') }),
});

builder.mutationField('deleteEmployee', (t) =>
  t.field({
    type: DeleteEmployeeSuccess,
    description: 'Removes the employee and their budget allocations; their budget transactions stay, without an employee.',
    args: { input: t.arg({ type: DeleteEmployeeInput, required: true }) },
    errors: { types: COMMON_ERRORS },
    resolve: async (_root, { input }, ctx) => {
      await deleteEmployee(ctx.db, ctx.viewer, { id: decodeIdOf('Employee', input.id, 'id') });
      return { deletedId: input.id };
    },
  }),
);

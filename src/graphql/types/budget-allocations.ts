/**
 * Allocations of a budget to employees, contractors, projects and invoices (one per pair; a second
 * one is DUPLICATE). Each has create, get (node), list (filtered by budget) and delete.
 */
import { DuplicateError, InvalidAmountError } from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import {
  createBudgetContractor,
  createBudgetEmployee,
  createBudgetInvoice,
  createBudgetProject,
  deleteBudgetContractor,
  deleteBudgetEmployee,
  deleteBudgetInvoice,
  deleteBudgetProject,
} from '../../services/budget-allocations.js';
import { withIdempotency } from '../../services/idempotency.js';
import { builder, PAGING } from '../builder.js';
import { decodeIdOf } from '../global-id.js';
import { IDEMPOTENCY_ERRORS, idempotencyKeyField } from '../idempotency.js';
import { COMMON_ERRORS } from './errors.js';

const LIMIT_SELECT = { limitMinor: true, budget: { select: { currency: true } } } as const;
const limitOf = (allocation: { limitMinor: bigint | null; budget: { currency: string } }) =>
  allocation.limitMinor === null ? null : formatMoney(allocation.limitMinor, allocation.budget.currency);
const LIMIT_DESCRIPTION = "A personal limit in the budget's currency; null when none.";

builder.prismaNode('BudgetEmployee', {
  id: { field: 'id' },
  description: 'An employee allocated to a budget.',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    budget: t.relation('budget'),
    employee: t.relation('employee'),
    limit: t.field({ type: 'Decimal', nullable: true, description: LIMIT_DESCRIPTION, select: LIMIT_SELECT, resolve: limitOf }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.prismaNode('BudgetContractor', {
  id: { field: 'id' },
  description: 'A contractor allocated to a budget.',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    budget: t.relation('budget'),
    contractor: t.relation('contractor'),
    limit: t.field({ type: 'Decimal', nullable: true, description: LIMIT_DESCRIPTION, select: LIMIT_SELECT, resolve: limitOf }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.prismaNode('BudgetProject', {
  id: { field: 'id' },
  description: 'A project allocated to a budget.',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    budget: t.relation('budget'),
    project: t.relation('project'),
    limit: t.field({ type: 'Decimal', nullable: true, description: LIMIT_DESCRIPTION, select: LIMIT_SELECT, resolve: limitOf }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.prismaNode('BudgetInvoice', {
  id: { field: 'id' },
  description: 'An invoice linked to a budget.',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    budget: t.relation('budget'),
    invoice: t.relation('invoice'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

// ── lists, each optionally narrowed to one budget ──

const ORDER = [{ createdAt: 'asc' as const }, { id: 'asc' as const }];

function budgetScope(organizationId: string, budgetId: string | null | undefined) {
  return { organizationId, ...(budgetId ? { budgetId: decodeIdOf('Budget', budgetId, 'budgetId') } : {}) };
}

builder.queryField('budgetEmployees', (t) =>
  t.prismaConnection({
    type: 'BudgetEmployee',
    cursor: 'id',
    ...PAGING,
    args: { budgetId: t.arg.id() },
    resolve: (query, _root, args, ctx) =>
      ctx.db.budgetEmployee.findMany({ ...query, where: budgetScope(ctx.viewer.organizationId, args.budgetId), orderBy: ORDER }),
    totalCount: (_root, args, ctx) => ctx.db.budgetEmployee.count({ where: budgetScope(ctx.viewer.organizationId, args.budgetId) }),
  }),
);

builder.queryField('budgetContractors', (t) =>
  t.prismaConnection({
    type: 'BudgetContractor',
    cursor: 'id',
    ...PAGING,
    args: { budgetId: t.arg.id() },
    resolve: (query, _root, args, ctx) =>
      ctx.db.budgetContractor.findMany({ ...query, where: budgetScope(ctx.viewer.organizationId, args.budgetId), orderBy: ORDER }),
    totalCount: (_root, args, ctx) => ctx.db.budgetContractor.count({ where: budgetScope(ctx.viewer.organizationId, args.budgetId) }),
  }),
);

builder.queryField('budgetProjects', (t) =>
  t.prismaConnection({
    type: 'BudgetProject',
    cursor: 'id',
    ...PAGING,
    args: { budgetId: t.arg.id() },
    resolve: (query, _root, args, ctx) =>
      ctx.db.budgetProject.findMany({ ...query, where: budgetScope(ctx.viewer.organizationId, args.budgetId), orderBy: ORDER }),
    totalCount: (_root, args, ctx) => ctx.db.budgetProject.count({ where: budgetScope(ctx.viewer.organizationId, args.budgetId) }),
  }),
);

builder.queryField('budgetInvoices', (t) =>
  t.prismaConnection({
    type: 'BudgetInvoice',
    cursor: 'id',
    ...PAGING,
    args: { budgetId: t.arg.id() },
    resolve: (query, _root, args, ctx) =>
      ctx.db.budgetInvoice.findMany({ ...query, where: budgetScope(ctx.viewer.organizationId, args.budgetId), orderBy: ORDER }),
    totalCount: (_root, args, ctx) => ctx.db.budgetInvoice.count({ where: budgetScope(ctx.viewer.organizationId, args.budgetId) }),
  }),
);

// ── create / delete ──

const CREATE_ERRORS = [...COMMON_ERRORS, DuplicateError, InvalidAmountError, ...IDEMPOTENCY_ERRORS];

function deletedPayload(name: string) {
  return builder.objectRef<{ deletedId: string }>(name).implement({ fields: (t) => ({ deletedId: t.exposeID('deletedId') }) });
}

/** Each mutation has its own `XInput`, as everywhere in the schema. */
function deleteInput(name: string) {
  return builder.inputType(name, { fields: (t) => ({ id: t.id({ required: true }) }) });
}

const CreateBudgetEmployeeInput = builder.inputType('CreateBudgetEmployeeInput', {
  fields: (t) => ({
    budgetId: t.id({ required: true }),
    employeeId: t.id({ required: true }),
    idempotencyKey: idempotencyKeyField(t),
    limit: t.field({ type: 'Decimal', description: "Optional personal limit in the budget's currency." }),
  }),
});

builder.mutationField('createBudgetEmployee', (t) =>
  t.field({
    type: builder.objectRef<{ id: string }>('CreateBudgetEmployeeSuccess').implement({
      fields: (f) => ({
        budgetEmployee: f.prismaField({
          type: 'BudgetEmployee',
          resolve: (query, payload, _args, ctx) => ctx.db.budgetEmployee.findUniqueOrThrow({ ...query, where: { id: payload.id } }),
        }),
      }),
    }),
    args: { input: t.arg({ type: CreateBudgetEmployeeInput, required: true }) },
    errors: { types: CREATE_ERRORS },
    resolve: (_root, { input }, ctx) =>
      withIdempotency(ctx, 'createBudgetEmployee', input, async (db) => {
        const allocation = await createBudgetEmployee(db, ctx.viewer, {
          budgetId: decodeIdOf('Budget', input.budgetId, 'budgetId'),
          employeeId: decodeIdOf('Employee', input.employeeId, 'employeeId'),
          limit: input.limit,
        });
        return { id: allocation.id };
      }),
  }),
);

builder.mutationField('deleteBudgetEmployee', (t) =>
  t.field({
    type: deletedPayload('DeleteBudgetEmployeeSuccess'),
    args: { input: t.arg({ type: deleteInput('DeleteBudgetEmployeeInput'), required: true }) },
    errors: { types: COMMON_ERRORS },
    resolve: async (_root, { input }, ctx) => {
      await deleteBudgetEmployee(ctx.db, ctx.viewer, { id: decodeIdOf('BudgetEmployee', input.id, 'id') });
      return { deletedId: input.id };
    },
  }),
);

const CreateBudgetContractorInput = builder.inputType('CreateBudgetContractorInput', {
  fields: (t) => ({
    budgetId: t.id({ required: true }),
    contractorId: t.id({ required: true }),
    idempotencyKey: idempotencyKeyField(t),
    limit: t.field({ type: 'Decimal', description: "Optional limit in the budget's currency." }),
  }),
});

builder.mutationField('createBudgetContractor', (t) =>
  t.field({
    type: builder.objectRef<{ id: string }>('CreateBudgetContractorSuccess').implement({
      fields: (f) => ({
        budgetContractor: f.prismaField({
          type: 'BudgetContractor',
          resolve: (query, payload, _args, ctx) => ctx.db.budgetContractor.findUniqueOrThrow({ ...query, where: { id: payload.id } }),
        }),
      }),
    }),
    args: { input: t.arg({ type: CreateBudgetContractorInput, required: true }) },
    errors: { types: CREATE_ERRORS },
    resolve: (_root, { input }, ctx) =>
      withIdempotency(ctx, 'createBudgetContractor', input, async (db) => {
        const allocation = await createBudgetContractor(db, ctx.viewer, {
          budgetId: decodeIdOf('Budget', input.budgetId, 'budgetId'),
          contractorId: decodeIdOf('Contractor', input.contractorId, 'contractorId'),
          limit: input.limit,
        });
        return { id: allocation.id };
      }),
  }),
);

builder.mutationField('deleteBudgetContractor', (t) =>
  t.field({
    type: deletedPayload('DeleteBudgetContractorSuccess'),
    args: { input: t.arg({ type: deleteInput('DeleteBudgetContractorInput'), required: true }) },
    errors: { types: COMMON_ERRORS },
    resolve: async (_root, { input }, ctx) => {
      await deleteBudgetContractor(ctx.db, ctx.viewer, { id: decodeIdOf('BudgetContractor', input.id, 'id') });
      return { deletedId: input.id };
    },
  }),
);

const CreateBudgetProjectInput = builder.inputType('CreateBudgetProjectInput', {
  fields: (t) => ({
    budgetId: t.id({ required: true }),
    projectId: t.id({ required: true }),
    idempotencyKey: idempotencyKeyField(t),
    limit: t.field({ type: 'Decimal', description: "Optional limit in the budget's currency." }),
  }),
});

builder.mutationField('createBudgetProject', (t) =>
  t.field({
    type: builder.objectRef<{ id: string }>('CreateBudgetProjectSuccess').implement({
      fields: (f) => ({
        budgetProject: f.prismaField({
          type: 'BudgetProject',
          resolve: (query, payload, _args, ctx) => ctx.db.budgetProject.findUniqueOrThrow({ ...query, where: { id: payload.id } }),
        }),
      }),
    }),
    args: { input: t.arg({ type: CreateBudgetProjectInput, required: true }) },
    errors: { types: CREATE_ERRORS },
    resolve: (_root, { input }, ctx) =>
      withIdempotency(ctx, 'createBudgetProject', input, async (db) => {
        const allocation = await createBudgetProject(db, ctx.viewer, {
          budgetId: decodeIdOf('Budget', input.budgetId, 'budgetId'),
          projectId: decodeIdOf('Project', input.projectId, 'projectId'),
          limit: input.limit,
        });
        return { id: allocation.id };
      }),
  }),
);

builder.mutationField('deleteBudgetProject', (t) =>
  t.field({
    type: deletedPayload('DeleteBudgetProjectSuccess'),
    args: { input: t.arg({ type: deleteInput('DeleteBudgetProjectInput'), required: true }) },
    errors: { types: COMMON_ERRORS },
    resolve: async (_root, { input }, ctx) => {
      await deleteBudgetProject(ctx.db, ctx.viewer, { id: decodeIdOf('BudgetProject', input.id, 'id') });
      return { deletedId: input.id };
    },
  }),
);

const CreateBudgetInvoiceInput = builder.inputType('CreateBudgetInvoiceInput', {
  fields: (t) => ({ budgetId: t.id({ required: true }), invoiceId: t.id({ required: true }), idempotencyKey: idempotencyKeyField(t) }),
});

builder.mutationField('createBudgetInvoice', (t) =>
  t.field({
    type: builder.objectRef<{ id: string }>('CreateBudgetInvoiceSuccess').implement({
      fields: (f) => ({
        budgetInvoice: f.prismaField({
          type: 'BudgetInvoice',
          resolve: (query, payload, _args, ctx) => ctx.db.budgetInvoice.findUniqueOrThrow({ ...query, where: { id: payload.id } }),
        }),
      }),
    }),
    args: { input: t.arg({ type: CreateBudgetInvoiceInput, required: true }) },
    errors: { types: [...COMMON_ERRORS, DuplicateError, ...IDEMPOTENCY_ERRORS] },
    resolve: (_root, { input }, ctx) =>
      withIdempotency(ctx, 'createBudgetInvoice', input, async (db) => {
        const allocation = await createBudgetInvoice(db, ctx.viewer, {
          budgetId: decodeIdOf('Budget', input.budgetId, 'budgetId'),
          invoiceId: decodeIdOf('Invoice', input.invoiceId, 'invoiceId'),
        });
        return { id: allocation.id };
      }),
  }),
);

builder.mutationField('deleteBudgetInvoice', (t) =>
  t.field({
    type: deletedPayload('DeleteBudgetInvoiceSuccess'),
    args: { input: t.arg({ type: deleteInput('DeleteBudgetInvoiceInput'), required: true }) },
    errors: { types: COMMON_ERRORS },
    resolve: async (_root, { input }, ctx) => {
      await deleteBudgetInvoice(ctx.db, ctx.viewer, { id: decodeIdOf('BudgetInvoice', input.id, 'id') });
      return { deletedId: input.id };
    },
  }),
);


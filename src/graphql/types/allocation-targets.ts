/**
 * Employee, Contractor and Project: the named targets of budget allocations, each with a node
 * type, a list query and create/delete mutations, built by one factory from the allocation-kind
 * table (services/budgets/allocation-kinds.ts). Invoices carry money and dates: see invoice.ts.
 */
import { InvalidIdError, InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { ALLOCATION_KINDS, delegateOf, type AllocationKind } from '../../services/budgets/allocation-kinds.js';
import { NAMED_TARGET_SERVICES } from '../../services/budgets/allocation-targets.js';
import { builder, PAGING } from '../builder.js';
import { defineMutation } from '../mutation.js';
import { deletedPayload, recordPayload } from '../payloads.js';
import { externalIdWhere } from './external-id-filter.js';

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

// The three targets share the shape of Employee (id, name, one nullable detail, their allocations,
// createdAt); the model and field names are typed as Employee's so Pothos checks that shape.
function defineNamedTarget(kind: AllocationKind) {
  const named = kind.named!;
  const services = NAMED_TARGET_SERVICES.get(kind.target)!;
  const idKey = `${lowerFirst(kind.target)}Id`;

  const ref = builder.prismaNode(kind.target as 'Employee', {
    id: { field: 'id' },
    description: named.description,
    nullable: true,
    findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
    fields: (t) => ({
      name: t.exposeString('name', { description: `The ${kind.targetField}'s name.` }),
      externalId: t.exposeString('externalId', {
        nullable: true,
        description: `The id of this ${kind.targetField} in the ERP it is synced from (upsert${kind.target}s); unique in the organization; null when none.`,
      }),
      [named.detail.field]: t.exposeString(named.detail.field as 'email', { nullable: true, description: named.detail.description }),
      [kind.list]: t.relation(kind.list as 'budgetEmployees', {
        description: `The ${kind.targetField}'s budget allocations (${kind.model}), oldest first.`,
        query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
      }),
      createdAt: t.expose('createdAt', { type: 'DateTime', description: `When the ${kind.targetField} was created.` }),
    }),
  });

  builder.queryField(named.list, (t) =>
    t.prismaConnection({
      description: `The organization's ${kind.target} records, by name.`,
      type: kind.target as 'Employee',
      cursor: 'id',
      ...PAGING,
      args: { externalId: t.arg.string({ description: `Only the ${kind.targetField} with this ERP id (exact match); all when omitted.` }) },
      resolve: (query, _root, args, ctx) =>
        delegateOf(ctx.db, kind.target).findMany({
          ...query,
          where: externalIdWhere(ctx.viewer.organizationId, args.externalId),
          orderBy: [{ name: 'asc' }, { id: 'asc' }],
        }),
      totalCount: (_root, args, ctx) => delegateOf(ctx.db, kind.target).count({ where: externalIdWhere(ctx.viewer.organizationId, args.externalId) }),
    }),
  );

  defineMutation({
    name: `create${kind.target}`,
    description: `Adds a${kind.targetField === 'employee' ? 'n' : ''} ${kind.targetField} budgets can be allocated to.`,
    input: (t) => ({
      name: t.string({ required: true, description: 'The name; trimmed, 1–500 characters.' }),
      [named.detail.field]: t.string({ description: named.detail.inputDescription }),
      externalId: t.string({ description: `The id in the ERP this ${kind.targetField} is synced from: trimmed, 1–200 characters, unique in the organization (DUPLICATE otherwise). Omit for none.` }),
    }),
    idempotent: true,
    service: services.create,
    alsoDeclares: [InvalidIdError, NotFoundError],
    payload: (target) => ({ [idKey]: target.id }),
    success: recordPayload(lowerFirst(kind.target), kind.target, idKey),
  });

  defineMutation({
    name: `update${kind.target}`,
    description: `Changes a${kind.targetField === 'employee' ? 'n' : ''} ${kind.targetField}'s name, ${named.detail.field} or ERP id.`,
    inputDescription: 'Partial: an omitted field is kept; null clears an optional one.',
    input: (t) => ({
      id: t.id({ required: true, description: `The global id of the ${kind.targetField} to change.` }),
      name: t.string({ description: 'The new name; trimmed, 1–500 characters. Omitted or null: kept.' }),
      [named.detail.field]: t.string({ description: `${named.detail.inputDescription} Omitted: kept; null or blank: cleared.` }),
      externalId: t.string({ description: 'The ERP id: trimmed, 1–200 characters, unique in the organization (DUPLICATE otherwise). Omitted: kept; null: cleared.' }),
    }),
    ids: { id: kind.target },
    service: services.edit,
    payload: (target) => ({ [idKey]: target.id }),
    success: recordPayload(lowerFirst(kind.target), kind.target, idKey),
  });

  defineMutation({
    name: `delete${kind.target}`,
    description: named.deleteDescription,
    input: (t) => ({ id: t.id({ required: true, description: `The global id of the ${kind.targetField} to delete.` }) }),
    ids: { id: kind.target },
    service: services.remove,
    alsoDeclares: [InvalidInputError],
    payload: (_target, input) => ({ deletedId: input.id }),
    success: deletedPayload(),
  });

  return ref;
}

const TARGET_TYPES = new Map(ALLOCATION_KINDS.filter((kind) => kind.named).map((kind) => [kind.target, defineNamedTarget(kind)] as const));

export const EmployeeType = TARGET_TYPES.get('Employee')!;

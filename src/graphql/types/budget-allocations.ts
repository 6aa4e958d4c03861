/**
 * Allocations of a budget to employees, contractors, projects and invoices (one per pair; a second
 * one is DUPLICATE). Each kind has a node type, a list query (optionally narrowed to one budget),
 * and create/delete mutations, built in one loop over the allocation-kind table
 * (services/budgets/allocation-kinds.ts).
 */
import { InvalidInputError } from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import { ALLOCATION_KINDS, delegateOf, type AllocationKind } from '../../services/budgets/allocation-kinds.js';
import { ALLOCATION_SERVICES } from '../../services/budgets/allocations.js';
import { builder, PAGING } from '../builder.js';
import { decodeIdOf } from '../global-id.js';
import { defineMutation } from '../mutation.js';
import { deletedPayload, recordPayload } from '../payloads.js';
import './allocation-targets.js';

const LIMIT_SELECT = { limitMinor: true, budget: { select: { currency: true } } } as const;
const limitOf = (allocation: { limitMinor: bigint | null; budget: { currency: string } }) =>
  allocation.limitMinor === null ? null : formatMoney(allocation.limitMinor, allocation.budget.currency);
const LIMIT_DESCRIPTION = "A personal limit in the budget's currency; null when none.";

const ORDER = [{ createdAt: 'asc' as const }, { id: 'asc' as const }];

function budgetScope(organizationId: string, budgetId: string | null | undefined) {
  return { organizationId, ...(budgetId ? { budgetId: decodeIdOf('Budget', budgetId, 'budgetId') } : {}) };
}

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

// Every allocation model has Employee's allocation shape (budget, target, optional limitMinor,
// createdAt); the names are typed as BudgetEmployee's so Pothos checks that shape.
function defineAllocationKind(kind: AllocationKind): void {
  const services = ALLOCATION_SERVICES.get(kind.model)!;

  builder.prismaNode(kind.model as 'BudgetEmployee', {
    id: { field: 'id' },
    description: kind.description,
    nullable: true,
    findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
    fields: (t) => ({
      budget: t.relation('budget', { description: 'The budget this allocation belongs to.' }),
      [kind.targetField]: t.relation(kind.targetField as 'employee', { description: `The ${kind.targetField} the budget is allocated to.` }),
      ...(kind.limit
        ? { limit: t.field({ type: 'Decimal', nullable: true, description: LIMIT_DESCRIPTION, select: LIMIT_SELECT, resolve: limitOf }) }
        : {}),
      createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the allocation was made.' }),
    }),
  });

  builder.queryField(kind.list, (t) =>
    t.prismaConnection({
      type: kind.model as 'BudgetEmployee',
      description: `The organization's ${kind.model} allocations, of one budget when budgetId is given.`,
      cursor: 'id',
      ...PAGING,
      args: { budgetId: t.arg.id({ description: 'Only the allocations of this budget (its global id); all budgets when omitted.' }) },
      resolve: (query, _root, args, ctx) =>
        delegateOf(ctx.db, kind.model).findMany({ ...query, where: budgetScope(ctx.viewer.organizationId, args.budgetId), orderBy: ORDER }),
      totalCount: (_root, args, ctx) => delegateOf(ctx.db, kind.model).count({ where: budgetScope(ctx.viewer.organizationId, args.budgetId) }),
    }),
  );

  defineMutation({
    name: `create${kind.model}`,
    description: `Allocates a budget to a${kind.targetField === 'employee' || kind.targetField === 'invoice' ? 'n' : ''} ${kind.targetField}; a second allocation of the same pair is DUPLICATE.`,
    input: (t) => ({
      budgetId: t.id({ required: true, description: 'The budget to allocate (global id).' }),
      [kind.targetId]: t.id({ required: true, description: `The ${kind.targetField} to allocate it to (global id of a ${kind.target}).` }),
      ...(kind.limit ? { limit: t.field({ type: 'Decimal', description: kind.limit.description }) } : {}),
    }),
    ids: { budgetId: 'Budget', [kind.targetId]: kind.target },
    idempotent: true,
    service: services.create,
    payload: (allocation) => ({ id: allocation.id }),
    success: recordPayload(lowerFirst(kind.model), kind.model, 'id'),
  });

  defineMutation({
    name: `delete${kind.model}`,
    description: `Removes the allocation; the budget and the ${kind.targetField} stay.`,
    input: (t) => ({ id: t.id({ required: true, description: `The global id of the ${kind.model} allocation to remove.` }) }),
    ids: { id: kind.model },
    service: services.remove,
    alsoDeclares: [InvalidInputError],
    payload: (_allocation, input) => ({ deletedId: input.id }),
    success: deletedPayload(),
  });
}

for (const kind of ALLOCATION_KINDS) defineAllocationKind(kind);

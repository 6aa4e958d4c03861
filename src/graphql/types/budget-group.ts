import { formatMoney } from '../../domain/money.js';
import { createBudgetGroup, deleteBudgetGroup, updateBudgetGroup } from '../../services/budgets.js';
import { withIdempotency } from '../../services/idempotency.js';
import { builder, PAGING } from '../builder.js';
import { decodeIdOf } from '../global-id.js';
import { IDEMPOTENCY_ERRORS, idempotencyKeyField } from '../idempotency.js';
import { COMMON_ERRORS } from './errors.js';

const BudgetGroupTotal = builder
  .objectRef<{ currency: string; budgetCount: number; limit: string; spent: string; remaining: string }>('BudgetGroupTotal')
  .implement({
    description: "The group's budgets in one currency, summed (amounts in different currencies are never added).",
    fields: (t) => ({
      currency: t.exposeString('currency'),
      budgetCount: t.exposeInt('budgetCount'),
      limit: t.expose('limit', { type: 'Decimal' }),
      spent: t.expose('spent', { type: 'Decimal' }),
      remaining: t.expose('remaining', { type: 'Decimal' }),
    }),
  });

builder.prismaNode('BudgetGroup', {
  id: { field: 'id' },
  description: 'A named set of budgets (e.g. a cost centre), with their totals per currency.',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    name: t.exposeString('name'),
    budgets: t.relation('budgets', { query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } }),
    totals: t.field({
      type: [BudgetGroupTotal],
      select: { budgets: { select: { id: true, limitMinor: true, currency: true } } },
      resolve: async (group, _args, ctx) => {
        const spent = await ctx.loaders.budgetSpent.loadMany(group.budgets.map((budget) => budget.id));
        const byCurrency = new Map<string, { budgetCount: number; limitMinor: bigint; spentMinor: bigint }>();
        group.budgets.forEach((budget, index) => {
          const spentMinor = spent[index];
          if (spentMinor instanceof Error) throw spentMinor;
          const total = byCurrency.get(budget.currency) ?? { budgetCount: 0, limitMinor: 0n, spentMinor: 0n };
          total.budgetCount += 1;
          total.limitMinor += budget.limitMinor;
          total.spentMinor += spentMinor ?? 0n;
          byCurrency.set(budget.currency, total);
        });
        return [...byCurrency.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([currency, total]) => ({
            currency,
            budgetCount: total.budgetCount,
            limit: formatMoney(total.limitMinor, currency),
            spent: formatMoney(total.spentMinor, currency),
            remaining: formatMoney(total.limitMinor - total.spentMinor, currency),
          }));
      },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('budgetGroups', (t) =>
  t.prismaConnection({
    type: 'BudgetGroup',
    cursor: 'id',
    ...PAGING,
    resolve: (query, _root, _args, ctx) =>
      ctx.db.budgetGroup.findMany({ ...query, where: { organizationId: ctx.viewer.organizationId }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    totalCount: (_root, _args, ctx) => ctx.db.budgetGroup.count({ where: { organizationId: ctx.viewer.organizationId } }),
  }),
);

function groupPayload(name: string) {
  return builder.objectRef<{ budgetGroupId: string }>(name).implement({
    fields: (t) => ({
      budgetGroup: t.prismaField({
        type: 'BudgetGroup',
        resolve: (query, payload, _args, ctx) => ctx.db.budgetGroup.findUniqueOrThrow({ ...query, where: { id: payload.budgetGroupId } }),
      }),
    }),
  });
}

const CreateBudgetGroupInput = builder.inputType('CreateBudgetGroupInput', {
  fields: (t) => ({ name: t.string({ required: true }), idempotencyKey: idempotencyKeyField(t) }),
});

builder.mutationField('createBudgetGroup', (t) =>
  t.field({
    type: groupPayload('CreateBudgetGroupSuccess'),
    args: { input: t.arg({ type: CreateBudgetGroupInput, required: true }) },
    errors: { types: [...COMMON_ERRORS, ...IDEMPOTENCY_ERRORS] },
    resolve: (_root, { input }, ctx) =>
      withIdempotency(ctx, 'createBudgetGroup', input, async (db) => ({
        budgetGroupId: (await createBudgetGroup(db, ctx.viewer, { name: input.name })).id,
      })),
  }),
);

const UpdateBudgetGroupInput = builder.inputType('UpdateBudgetGroupInput', {
  description: 'Partial: an omitted name is kept.',
  fields: (t) => ({ id: t.id({ required: true }), name: t.string() }),
});

builder.mutationField('updateBudgetGroup', (t) =>
  t.field({
    type: groupPayload('UpdateBudgetGroupSuccess'),
    args: { input: t.arg({ type: UpdateBudgetGroupInput, required: true }) },
    errors: { types: COMMON_ERRORS },
    resolve: async (_root, { input }, ctx) => {
      const group = await updateBudgetGroup(ctx.db, ctx.viewer, { id: decodeIdOf('BudgetGroup', input.id, 'id'), name: input.name });
      return { budgetGroupId: group.id };
    },
  }),
);

const DeleteBudgetGroupInput = builder.inputType('DeleteBudgetGroupInput', { fields: (t) => ({ id: t.id({ required: true }) }) });
const DeleteBudgetGroupSuccess = builder.objectRef<{ deletedId: string }>('DeleteBudgetGroupSuccess').implement({
  fields: (t) => ({ deletedId: t.exposeID('deletedId') }),
});

builder.mutationField('deleteBudgetGroup', (t) =>
  t.field({
    type: DeleteBudgetGroupSuccess,
    description: 'Deletes the group; its budgets stay, ungrouped.',
    args: { input: t.arg({ type: DeleteBudgetGroupInput, required: true }) },
    errors: { types: COMMON_ERRORS },
    resolve: async (_root, { input }, ctx) => {
      await deleteBudgetGroup(ctx.db, ctx.viewer, { id: decodeIdOf('BudgetGroup', input.id, 'id') });
      return { deletedId: input.id };
    },
  }),
);

import { InvalidIdError, InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import { createBudgetGroup, deleteBudgetGroup, updateBudgetGroup } from '../../services/budgets/budgets.js';
import { builder, PAGING } from '../builder.js';
import { defineMutation } from '../mutation.js';
import { deletedPayload, recordPayload } from '../payloads.js';
import { externalIdWhere } from './external-id-filter.js';

const BudgetGroupTotal = builder
  .objectRef<{ currency: string; budgetCount: number; limit: string; spent: string; remaining: string }>('BudgetGroupTotal')
  .implement({
    description: "The group's budgets in one currency, summed (amounts in different currencies are never added).",
    fields: (t) => ({
      currency: t.exposeString('currency', { description: 'The ISO 4217 code these totals are in; one total per currency the group\'s budgets use.' }),
      budgetCount: t.exposeInt('budgetCount', { description: 'How many of the group\'s budgets are in this currency.' }),
      limit: t.expose('limit', { type: 'Decimal', description: 'The sum of those budgets\' limits, e.g. "15000.00".' }),
      spent: t.expose('spent', { type: 'Decimal', description: 'The sum of those budgets\' spend (each counted inside its own window).' }),
      remaining: t.expose('remaining', { type: 'Decimal', description: 'limit − spent; negative when the budgets together are over their limits.' }),
    }),
  });

builder.prismaNode('BudgetGroup', {
  id: { field: 'id' },
  description: 'A named set of budgets (e.g. a cost centre), with their totals per currency.',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The group\'s name, e.g. "Sales EMEA".' }),
    externalId: t.exposeString('externalId', { nullable: true, description: 'The id of this group in the ERP it is synced from (upsertBudgetGroups); unique in the organization; null when none.' }),
    budgets: t.relation('budgets', { description: 'The budgets in this group, oldest first.', query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } }),
    totals: t.field({
      type: [BudgetGroupTotal],
      description: 'The group\'s budgets summed per currency, by currency code; empty for a group without budgets.',
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
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the group was created.' }),
  }),
});

builder.queryField('budgetGroups', (t) =>
  t.prismaConnection({
    description: 'The organization\'s budget groups, by name.',
    type: 'BudgetGroup',
    cursor: 'id',
    ...PAGING,
    args: { externalId: t.arg.string({ description: 'Only the group with this ERP id (exact match); all when omitted.' }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.budgetGroup.findMany({ ...query, where: externalIdWhere(ctx.viewer.organizationId, args.externalId), orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    totalCount: (_root, args, ctx) => ctx.db.budgetGroup.count({ where: externalIdWhere(ctx.viewer.organizationId, args.externalId) }),
  }),
);

const groupPayload = recordPayload('budgetGroup', 'BudgetGroup', 'budgetGroupId');

defineMutation({
  name: 'createBudgetGroup',
  description: 'Creates an empty budget group; put budgets in it with createBudget or updateBudget (budgetGroupId).',
  input: (t) => ({
    name: t.string({ required: true, description: 'The name; trimmed, 1–500 characters.' }),
    externalId: t.string({ description: 'The id in the ERP this group is synced from: trimmed, 1–200 characters, unique in the organization (DUPLICATE otherwise). Omit for none.' }),
  }),
  idempotent: true,
  service: createBudgetGroup,
  alsoDeclares: [InvalidIdError, NotFoundError],
  payload: (group) => ({ budgetGroupId: group.id }),
  success: groupPayload,
});

defineMutation({
  name: 'updateBudgetGroup',
  description: 'Renames a budget group or changes its ERP id.',
  inputDescription: 'Partial: an omitted field is kept.',
  input: (t) => ({
    id: t.id({ required: true, description: 'The global id of the group to rename.' }),
    name: t.string({ description: 'The new name; trimmed, 1–500 characters. Omitted or null: kept.' }),
    externalId: t.string({ description: 'The ERP id: trimmed, 1–200 characters, unique in the organization (DUPLICATE otherwise). Omitted: kept; null: cleared.' }),
  }),
  ids: { id: 'BudgetGroup' },
  service: updateBudgetGroup,
  payload: (group) => ({ budgetGroupId: group.id }),
  success: groupPayload,
});

defineMutation({
  name: 'deleteBudgetGroup',
  description: 'Deletes the group; its budgets stay, ungrouped.',
  input: (t) => ({ id: t.id({ required: true, description: 'The global id of the group to delete.' }) }),
  ids: { id: 'BudgetGroup' },
  service: deleteBudgetGroup,
  alsoDeclares: [InvalidInputError],
  payload: (_group, input) => ({ deletedId: input.id }),
  success: deletedPayload(),
});

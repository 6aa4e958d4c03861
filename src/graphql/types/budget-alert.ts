import { formatMoney } from '../../domain/money.js';
import { filter, pipe } from 'graphql-yoga';
import type { WithResponseBudget } from '../response-budget.js';
import { builder } from '../builder.js';
import { createLoaders } from '../loaders/index.js';
import { decodeIdOf } from '../global-id.js';

export const BudgetAlertType = builder.prismaNode('BudgetAlert', {
  id: { field: 'id' },
  description: "Recorded once each time a SPEND_ALERTS budget's spend crosses 80 % or 100 % of its limit upwards.",
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    budget: t.relation('budget', { description: 'The budget whose spend crossed the threshold.' }),
    thresholdPercent: t.exposeInt('thresholdPercent', { description: 'The threshold crossed, as a percentage of the limit: 80 or 100.' }),
    spent: t.field({
      type: 'Decimal',
      description: 'Spend right after the crossing.',
      select: { spentMinor: true, budget: { select: { currency: true } } },
      resolve: (alert) => formatMoney(alert.spentMinor, alert.budget.currency),
    }),
    limit: t.field({
      type: 'Decimal',
      description: "The budget's limit at the time of the crossing (it may have changed since), in the budget's currency.",
      select: { limitMinor: true, budget: { select: { currency: true } } },
      resolve: (alert) => formatMoney(alert.limitMinor, alert.budget.currency),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the crossing was recorded (in the transaction of the spend that caused it).' }),
  }),
});

builder.subscriptionField('budgetAlerts', (t) =>
  t.field({
    type: BudgetAlertType,
    description: "The organization's budget alerts as they are recorded (after their transaction commits). Over SSE: POST with accept: text/event-stream.",
    args: { budgetId: t.arg.id({ description: 'Only this budget.' }) },
    subscribe: (_root, args, ctx) => {
      const budgetId = args.budgetId ? decodeIdOf('Budget', args.budgetId, 'budgetId') : null;
      // yoga's filter (a Repeater) stops listening on the bus as soon as the client goes away.
      return pipe(
        ctx.budgetAlerts.subscribe(ctx.viewer.organizationId),
        filter((alert) => budgetId === null || alert.budgetId === budgetId),
      );
    },
    // The payload is the committed row; fields reload the relations they need. One subscription
    // shares one context for all its events, so each event gets fresh loaders: otherwise the
    // second alert's `budget { spent status }` is the cached answer from the first. graphql-js
    // executes a subscription's events one after another, so replacing them here is safe.
    resolve: (alert, _args, ctx) => {
      ctx.loaders = createLoaders(ctx.db, ctx.viewer);
      (ctx as WithResponseBudget).responseBudget?.reset(); // each event is its own response
      return alert;
    },
  }),
);

import { builder } from '../builder.js';

// Query, Mutation and Subscription start empty; each type file adds its own fields beside the type they return.
builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

builder.queryField('viewer', (t) =>
  t.prismaField({
    type: 'Organization',
    description: 'The organization the API key belongs to.',
    resolve: (query, _root, _args, ctx) =>
      ctx.db.organization.findUniqueOrThrow({ ...query, where: { id: ctx.viewer.organizationId } }),
  }),
);

builder.prismaObject('Organization', {
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    isDemo: t.exposeBoolean('isDemo'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

import { builder } from '../builder.js';

// Query, Mutation and Subscription start empty; each type file adds its own fields beside the type they return.
builder.queryType({ description: 'What can be read: every list and object of the caller\'s organization.' });
builder.mutationType({
  description: 'What can be changed. Each mutation takes one `input` and answers its success type or one of its typed errors.',
});
builder.subscriptionType({ description: 'Events pushed to the client as they happen.' });

builder.queryField('viewer', (t) =>
  t.prismaField({
    type: 'Organization',
    description: 'The organization the API key belongs to.',
    resolve: (query, _root, _args, ctx) =>
      ctx.db.organization.findUniqueOrThrow({ ...query, where: { id: ctx.viewer.organizationId } }),
  }),
);

builder.prismaObject('Organization', {
  description: 'A tenant: every account, record and budget belongs to one, and an API key sees only its own organization\'s data.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The organization\'s uuid (not a global id: an Organization is not a Node).' }),
    name: t.exposeString('name', { description: 'The organization\'s name.' }),
    isDemo: t.exposeBoolean('isDemo', { description: 'Whether this is the demo organization created on first start, filled with sample data.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the organization was created.' }),
  }),
});

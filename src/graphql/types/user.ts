import { builder } from '../builder.js';

/** The person or integration behind an API key: authors of records and changelog events. */
export const UserType = builder.prismaObject('User', {
  description: 'Who made a change: the user behind the API key that was used.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The user\'s uuid (not a global id: a User is not a Node). Each API key acts as its own user.' }),
    name: t.exposeString('name', { description: 'The name given to the API key when it was issued, e.g. "owner".' }),
  }),
});

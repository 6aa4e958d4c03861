import { builder } from '../builder.js';

/** The person or integration behind an API key: authors of records and changelog events. */
export const UserType = builder.prismaObject('User', {
  description: 'Who made a change: the user behind the API key that was used.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
  }),
});

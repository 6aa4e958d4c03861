import { GraphQLError, Kind } from 'graphql';
import { builder } from './builder.js';

/**
 * Money travels as a decimal string ("12665.00"), never a JSON number, so no client float can
 * round it. The scalar only insists on a string; the service checks the digits against the
 * currency and answers INVALID_AMOUNT in the mutation's result.
 */
builder.scalarType('Decimal', {
  description: 'An exact decimal amount as a string, e.g. "12665.00", in the currency of its context.',
  serialize: (value) => String(value),
  parseValue: (value) => {
    if (typeof value !== 'string') {
      throw new GraphQLError('Decimal values are strings such as "12665.00", so no precision is lost in JSON', {
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
    if (value.length > 64) throw new GraphQLError('Decimal value is too long', { extensions: { code: 'BAD_USER_INPUT' } });
    return value;
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) {
      throw new GraphQLError('Decimal values are strings such as "12665.00"', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return ast.value;
  },
});

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseIsoDate(value: unknown): Date {
  const match = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!match || !date || date.toISOString().slice(0, 10) !== value) {
    throw new GraphQLError(`"${String(value).slice(0, 40)}" is not a calendar date in the form YYYY-MM-DD`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return date;
}

builder.scalarType('Date', {
  description: 'A calendar date, YYYY-MM-DD, without time zone.',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value)),
  parseValue: parseIsoDate,
  parseLiteral: (ast) => parseIsoDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

function parseDateTime(value: unknown): Date {
  const date = typeof value === 'string' && value.length <= 40 ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(String(value))) {
    throw new GraphQLError(`"${String(value).slice(0, 40)}" is not an ISO 8601 date-time`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return date;
}

builder.scalarType('DateTime', {
  description: 'An instant, ISO 8601 with offset, e.g. 2024-04-01T17:10:07.000Z.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : String(value)),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

builder.scalarType('File', {
  description: 'A file sent as a part of a GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec). Input only.',
  serialize: () => {
    throw new GraphQLError('File is an input-only scalar');
  },
  parseValue: (value) => {
    const file = value as { name?: unknown; size?: unknown; arrayBuffer?: unknown } | null;
    if (!file || typeof file.arrayBuffer !== 'function' || typeof file.size !== 'number') {
      throw new GraphQLError('Expected a file part of a multipart request', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return value as never;
  },
  parseLiteral: () => {
    throw new GraphQLError('A file cannot be written inline; send it as a multipart request part', { extensions: { code: 'BAD_USER_INPUT' } });
  },
});

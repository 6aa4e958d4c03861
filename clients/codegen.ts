/**
 * GraphQL Code Generator for Allot's schema: `npx graphql-codegen --config clients/codegen.ts`.
 * Without the scalar mappings codegen types Decimal, Date, DateTime and File as `unknown`; these
 * are what the server sends and takes. Copy `scalars` (or the whole file) into your client.
 * test/clients/codegen.test.ts runs it.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

export const scalars = {
  // Exact money as a string, e.g. "12665.00": never a JS number (floats round amounts).
  Decimal: 'string',
  // YYYY-MM-DD
  Date: 'string',
  // ISO 8601 with offset
  DateTime: 'string',
  // Uploads (GraphQL multipart request), input only
  File: 'File',
} as const;

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['clients/operations/**/*.graphql'],
  generates: {
    'clients/generated/graphql.ts': {
      plugins: ['typescript', 'typescript-operations'],
      config: {
        scalars,
        // A scalar added to the schema without a mapping fails generation instead of becoming `any`.
        strictScalars: true,
        enumsAsTypes: true,
      },
    },
  },
};

export default config;

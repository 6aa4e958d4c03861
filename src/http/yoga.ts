/**
 * The GraphQL endpoint: authentication, error masking, GraphiQL. Everything here is protocol; the
 * rules live in src/services.
 */
import { GraphQLError } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Db } from '../db/open.js';
import type { Context } from '../graphql/context.js';
import { createLoaders } from '../graphql/loaders.js';
import { schema } from '../graphql/schema.js';
import { loadConfig } from '../config.js';
import { AttachmentStorage } from '../services/attachment-storage.js';
import { authenticateApiKey } from '../services/organizations.js';
import { maskError } from './errors.js';

export interface YogaOptions {
  db: Db;
  /**
   * Attachment bytes (uploads through the GraphQL multipart request) and their size limit.
   * Default: the configured directory and limit (ALLOT_ATTACHMENTS_DIR / ALLOT_MAX_UPLOAD_BYTES).
   */
  attachments?: AttachmentStorage;
  /** GraphiQL on /graphql (GET from a browser). Off in production. */
  graphiql: boolean;
  /** A key to prefill in GraphiQL's headers (the demo organization's, in development). */
  graphiqlApiKey?: string;
  logError?: (error: unknown) => void;
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } },
  });
}

/** The storage the configuration names; its directory is only created on the first upload. */
export function configuredAttachmentStorage(): AttachmentStorage {
  const config = loadConfig();
  return new AttachmentStorage({ directory: config.attachmentsDir, maxBytes: config.maxUploadBytes });
}

export function createAllotYoga(options: YogaOptions): YogaServerInstance<Record<string, unknown>, Context> {
  const logError = options.logError ?? ((error) => console.error(error));
  const attachments = options.attachments ?? configuredAttachmentStorage();
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    batching: false,
    healthCheckEndpoint: '/health',
    graphiql: options.graphiql
      ? {
          title: 'Allot',
          headers: options.graphiqlApiKey ? JSON.stringify({ Authorization: `Bearer ${options.graphiqlApiKey}` }) : undefined,
        }
      : false,
    maskedErrors: { maskError: (error) => maskError(error, logError) },
    context: async ({ request }): Promise<Context> => {
      const header = request.headers.get('authorization');
      if (!header) throw unauthenticated('Missing API key: send "Authorization: Bearer <api key>"');
      const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
      const viewer = match?.[1] ? await authenticateApiKey(options.db, match[1]) : null;
      if (!viewer) throw unauthenticated('Invalid or revoked API key');
      return {
        db: options.db,
        viewer: { organizationId: viewer.organizationId, userId: viewer.userId },
        loaders: createLoaders(options.db, viewer),
        attachments,
      };
    },
  });
}

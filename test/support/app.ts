/**
 * The whole gateway in-process, reached through `yoga.fetch` exactly as over HTTP, with two
 * organizations (A and B) for tenancy tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAllotYoga } from '../../src/http/yoga.js';
import { AttachmentStorage, DEFAULT_MAX_UPLOAD_BYTES } from '../../src/services/attachment-storage.js';
import { createOrganization } from '../../src/services/organizations.js';
import type { Viewer } from '../../src/services/viewer.js';
import { openTestDatabase, type TestDatabase } from './database.js';

export interface TestTenant {
  organizationId: string;
  apiKey: string;
  viewer: Viewer;
}

export interface GraphQLResponse<Data = Record<string, any>> {
  status: number;
  data?: Data;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
}

export interface TestApp {
  database: TestDatabase;
  /** The yoga instance, for requests `gql` does not cover (multipart uploads, SSE subscriptions). */
  yoga: ReturnType<typeof createAllotYoga>;
  /** Uploads go to a fresh temporary directory, removed on close. */
  attachments: AttachmentStorage;
  orgA: TestTenant;
  orgB: TestTenant;
  /** Sends a GraphQL request as `tenant` (default A); pass `null` to send no key. */
  gql<Data = Record<string, any>>(query: string, variables?: Record<string, unknown>, tenant?: TestTenant | null): Promise<GraphQLResponse<Data>>;
  close(): Promise<void>;
}

async function tenant(database: TestDatabase, name: string): Promise<TestTenant> {
  const { organization, apiKey, key } = await createOrganization(database.prisma, { name });
  return { organizationId: organization.id, apiKey, viewer: { organizationId: organization.id, userId: key.userId } };
}

export async function createTestApp(options: { maxUploadBytes?: number } = {}): Promise<TestApp> {
  const database = await openTestDatabase();
  const attachments = new AttachmentStorage({
    directory: mkdtempSync(path.join(tmpdir(), 'allot-attachments-')),
    maxBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
  });
  const yoga = createAllotYoga({ db: database.prisma, graphiql: false, logError: () => {}, attachments });
  const orgA = await tenant(database, 'Org A');
  const orgB = await tenant(database, 'Org B');
  return {
    database,
    yoga,
    attachments,
    orgA,
    orgB,
    async gql(query, variables, as = orgA) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (as) headers.authorization = `Bearer ${as.apiKey}`;
      const response = await yoga.fetch('http://allot.test/graphql', {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...(await response.json()) };
    },
    async close() {
      await database.close();
      rmSync(attachments.directory, { recursive: true, force: true });
    },
  };
}

/**
 * The whole gateway in-process, reached through `yoga.fetch` exactly as over HTTP, with two
 * organizations (A and B) for tenancy tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { createAllotYoga, DEFAULT_HARDENING, type YogaOptions } from '../../src/http/yoga.js';
import { AttachmentStorage, DEFAULT_MAX_UPLOAD_BYTES } from '../../src/services/attachments/attachment-storage.js';
import { createOrganization } from '../../src/services/core/organizations.js';
import type { Viewer } from '../../src/services/core/viewer.js';
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
  extensions?: Record<string, any>;
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
  /** A raw request to the gateway, for tests of the protocol itself (headers, bodies, methods). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

async function tenant(database: TestDatabase, name: string): Promise<TestTenant> {
  const { organization, apiKey, key } = await createOrganization(database.prisma, { name });
  return { organizationId: organization.id, apiKey, viewer: { organizationId: organization.id, userId: key.userId } };
}

/**
 * `options` override the gateway's (e.g. `hardening` to turn rate limiting on, `telemetry` to capture
 * logs); `maxUploadBytes` sizes the temporary attachment store.
 */
export async function createTestApp(options: Partial<Omit<YogaOptions, 'db'>> & { maxUploadBytes?: number } = {}): Promise<TestApp> {
  const { maxUploadBytes, ...gatewayOptions } = options;
  const database = await openTestDatabase();
  const attachments = new AttachmentStorage({
    directory: mkdtempSync(path.join(tmpdir(), 'allot-attachments-')),
    maxBytes: maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
  });
  const yoga = createAllotYoga({ db: database.prisma, graphiql: false, logError: () => {}, attachments, ...gatewayOptions });
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
    fetch: async (path, init) => yoga.fetch(new URL(path, 'http://allot.test'), init ?? {}),
    async close() {
      await database.close();
      rmSync(attachments.directory, { recursive: true, force: true });
    },
  };
}

/**
 * Gateway options for tests that measure SQL statements on pages richer than the default cost
 * limit (500) lets one request ask for, e.g. 100 expenses with four relations (~800). Clients do
 * the same with ALLOT_MAX_COST, or by paging in smaller steps.
 */
export const RAISED_COST_LIMIT: Partial<Omit<YogaOptions, 'db'>> = {
  hardening: { ...DEFAULT_HARDENING, limits: { ...DEFAULT_LIMITS, maxCost: 10_000 } },
};

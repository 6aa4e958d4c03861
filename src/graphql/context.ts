import type { Db } from '../db/open.js';
import type { BudgetAlert } from '../generated/prisma/client.js';
import type { AttachmentStorage } from '../services/attachments/attachment-storage.js';
import type { EventPublisher } from '../services/core/events.js';
import type { Viewer } from '../services/core/viewer.js';
import type { WebhookTargetPolicy } from '../services/webhooks/target-policy.js';
import type { RequestLoaders } from './loaders/index.js';

/** Committed budget alerts as they are published, per organization (src/http/alert-pubsub.ts). */
export interface BudgetAlertFeed {
  subscribe(organizationId: string): AsyncIterable<BudgetAlert>;
}

/** Built once per request by the server after the API key is checked. */
export interface Context {
  db: Db;
  viewer: Viewer;
  /**
   * The API key the request came with (its rate-limit bucket); null for an anonymous request,
   * which may only introspect (src/http/access.ts). Optional so contexts built in-process need none.
   */
  apiKeyId?: string | null;
  /** Replaced with fresh loaders after every mutation (src/graphql/mutation.ts). */
  loaders: RequestLoaders;
  /** Where uploaded attachment bytes are stored, with the upload size limit. */
  attachments: AttachmentStorage;
  /** Where the mutation pipeline delivers committed events. */
  events: EventPublisher;
  /** What `budgetAlerts` subscriptions listen to. */
  budgetAlerts: BudgetAlertFeed;
  /** Which webhook URLs may be registered (the SSRF guard); open when absent (contexts built in-process). */
  webhookTargets?: WebhookTargetPolicy;
}

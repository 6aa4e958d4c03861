/** How webhooks are delivered; every value comes from the environment (src/config.ts, README "Webhooks"). */
import type { WebhookTargetPolicy } from '../services/webhooks/target-policy.js';

export interface WebhookDeliverySettings {
  /** Run the dispatcher in this process (ALLOT_WEBHOOK_DISPATCH); any number of replicas may. */
  dispatch: boolean;
  /** How often the outbox is polled for due deliveries. */
  pollIntervalMs: number;
  /** Deliveries claimed per poll, sent concurrently. */
  batchSize: number;
  /** The whole HTTP exchange (connect, send, response) of one attempt. */
  timeoutMs: number;
  /** Response body bytes read at most; the rest is not read (the status code decides). */
  maxResponseBytes: number;
  /** How long a claim holds a delivery; longer than `timeoutMs`, so a live attempt is never taken over. */
  leaseMs: number;
  /** Exponential backoff: the first retry waits this long, each next one twice as long… */
  retryBaseMs: number;
  /** …up to this much between attempts. */
  retryMaxDelayMs: number;
  /** Attempts go on until this long after the series began (at least 24 h by default), then the delivery FAILED. */
  retryForMs: number;
  /** An endpoint is disabled after this many failed attempts in a row (over all its deliveries). */
  disableAfterFailures: number;
  targets: WebhookTargetPolicy;
  /** Finished deliveries (and their events) are forgotten after this many days. */
  retentionDays: number;
}

export const DEFAULT_WEBHOOK_SETTINGS: WebhookDeliverySettings = {
  dispatch: true,
  pollIntervalMs: 1_000,
  batchSize: 10,
  timeoutMs: 10_000,
  maxResponseBytes: 64 * 1024,
  leaseMs: 40_000,
  retryBaseMs: 5_000,
  retryMaxDelayMs: 3_600_000,
  retryForMs: 24 * 3_600_000,
  disableAfterFailures: 100,
  targets: { blockPrivateAddresses: false, allowedHosts: [] },
  retentionDays: 30,
};

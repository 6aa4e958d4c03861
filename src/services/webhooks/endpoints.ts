/**
 * Webhook endpoints: where an organization wants its events POSTed, which events, and the
 * secret deliveries are signed with. The secret is answered once, by create and rotate; reads
 * never show it. Registering, changing and removing an endpoint is in the changelog (never the
 * secret), since it decides where the organization's data is sent.
 */
import { randomBytes } from 'node:crypto';
import { InvalidInputError, NotFoundError, UnknownValueError, WebhookUrlRefusedError } from '../../domain/errors.js';
import { optionalText } from '../../domain/text.js';
import type { WebhookEndpoint } from '../../generated/prisma/client.js';
import { diffFields, recordChange } from '../core/changelog.js';
import { service } from '../core/service.js';
import type { Tx } from '../core/unit-of-work.js';
import type { Viewer } from '../core/viewer.js';
import { ALL_EVENTS, WEBHOOK_EVENT_TYPES, isWebhookEventType } from '../core/webhook-event-types.js';
import { checkWebhookUrl, type WebhookTargetPolicy } from './target-policy.js';

export const MAX_SUBSCRIBED_EVENTS = 50;
const MAX_DESCRIPTION_LENGTH = 500;

/** A Standard Webhooks secret: `whsec_` + base64 of 24 random bytes (192 bits). */
function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** The subscribed event types, each once, in the order given. */
function requireEventTypes(raw: readonly string[], field = 'events'): string[] {
  if (raw.length === 0) throw new InvalidInputError(`${field} must name at least one event type, or "*" for all`, field);
  if (raw.length > MAX_SUBSCRIBED_EVENTS) throw new InvalidInputError(`${field} may name at most ${MAX_SUBSCRIBED_EVENTS} event types`, field);
  const events = [...new Set(raw.map((name) => name.trim()))];
  for (const name of events) {
    if (name !== ALL_EVENTS && !isWebhookEventType(name)) {
      throw new UnknownValueError(`"${name.slice(0, 100)}" is not a webhook event type`, [ALL_EVENTS, ...WEBHOOK_EVENT_TYPES], field);
    }
  }
  return events;
}

async function findEndpoint(tx: Tx, viewer: Viewer, id: string): Promise<WebhookEndpoint> {
  const endpoint = await tx.webhookEndpoint.findFirst({ where: { id, organizationId: viewer.organizationId } });
  if (!endpoint) throw new NotFoundError('WebhookEndpoint', 'id');
  return endpoint;
}

export interface IssuedEndpoint {
  endpoint: WebhookEndpoint;
  /** The signing secret, shown this once. */
  secret: string;
}

const URL_ERRORS = [InvalidInputError, WebhookUrlRefusedError];

export const createWebhookEndpoint = service(
  [...URL_ERRORS, UnknownValueError],
  async (
    { tx, viewer },
    input: { url: string; events: readonly string[]; description?: string | null; targetPolicy: WebhookTargetPolicy },
  ): Promise<IssuedEndpoint> => {
    const events = requireEventTypes(input.events);
    const description = optionalText(input.description, 'description', MAX_DESCRIPTION_LENGTH) ?? null;
    const url = await checkWebhookUrl(input.url, input.targetPolicy);
    const secret = newSigningSecret();
    const endpoint = await tx.webhookEndpoint.create({
      data: { organizationId: viewer.organizationId, url, events, description, secret },
    });
    await recordChange(tx, viewer, { entityType: 'WebhookEndpoint', entityId: endpoint.id, action: 'NEW', comment: url });
    return { endpoint, secret };
  },
);

/**
 * Changes an endpoint. `enabled: true` re-enables one disabled after repeated failures: its
 * failure count starts again and its waiting deliveries are due at once. A new URL is checked
 * like a new endpoint's.
 */
export const updateWebhookEndpoint = service(
  [NotFoundError, ...URL_ERRORS, UnknownValueError],
  async (
    { tx, viewer },
    input: {
      id: string;
      url?: string | null;
      events?: readonly string[] | null;
      description?: string | null;
      enabled?: boolean | null;
      targetPolicy: WebhookTargetPolicy;
    },
  ): Promise<WebhookEndpoint> => {
    const before = await findEndpoint(tx, viewer, input.id);
    const url = input.url == null ? undefined : await checkWebhookUrl(input.url, input.targetPolicy);
    const events = input.events == null ? undefined : requireEventTypes(input.events);
    const description = optionalText(input.description, 'description', MAX_DESCRIPTION_LENGTH);
    const enabled = input.enabled ?? undefined;
    const changes = diffFields(
      { url: before.url, events: before.events, description: before.description, enabled: before.enabled },
      { url, events, description, enabled },
    );
    if (Object.keys(changes).length === 0) return before;
    const reEnabled = enabled === true && !before.enabled;
    const endpoint = await tx.webhookEndpoint.update({
      where: { id: before.id },
      data: {
        url,
        events,
        description,
        enabled,
        ...(reEnabled ? { consecutiveFailures: 0, disabledAt: null, disabledReason: null } : {}),
        ...(enabled === false && before.enabled ? { disabledAt: new Date(), disabledReason: 'Disabled by updateWebhookEndpoint.' } : {}),
      },
    });
    if (reEnabled) {
      await tx.webhookDelivery.updateMany({ where: { endpointId: endpoint.id, status: 'PENDING' }, data: { nextAttemptAt: new Date() } });
    }
    await recordChange(tx, viewer, { entityType: 'WebhookEndpoint', entityId: endpoint.id, action: 'UPDATED', changes });
    return endpoint;
  },
);

/** Removes an endpoint and its delivery history; nothing more is sent to it. */
export const deleteWebhookEndpoint = service([NotFoundError], async ({ tx, viewer }, input: { id: string }): Promise<WebhookEndpoint> => {
  const endpoint = await findEndpoint(tx, viewer, input.id);
  await tx.webhookEndpoint.delete({ where: { id: endpoint.id } });
  await recordChange(tx, viewer, { entityType: 'WebhookEndpoint', entityId: endpoint.id, action: 'DELETED', comment: endpoint.url });
  return endpoint;
});

/**
 * Issues a new signing secret, shown this once; deliveries from now on (retries included) are
 * signed with it. Receivers should accept both for as long as their own switch-over takes.
 */
export const rotateWebhookSecret = service([NotFoundError], async ({ tx, viewer }, input: { id: string }): Promise<IssuedEndpoint> => {
  const before = await findEndpoint(tx, viewer, input.id);
  const secret = newSigningSecret();
  const endpoint = await tx.webhookEndpoint.update({ where: { id: before.id }, data: { secret } });
  await recordChange(tx, viewer, { entityType: 'WebhookEndpoint', entityId: endpoint.id, action: 'UPDATED', comment: 'Rotated the signing secret' });
  return { endpoint, secret };
});

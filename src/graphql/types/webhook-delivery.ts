import { redeliverWebhook, webhookMessageId } from '../../services/webhooks/deliveries.js';
import { builder } from '../builder.js';
import { defineMutation } from '../mutation.js';
import { recordPayload } from '../payloads.js';
import { describedValues } from './enums.js';

export const WebhookDeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  description: 'Where one event stands for one endpoint.',
  values: describedValues(['PENDING', 'SUCCEEDED', 'FAILED'] as const, {
    PENDING: 'Not delivered yet: the next attempt is due at nextAttemptAt (or once its endpoint is re-enabled).',
    SUCCEEDED: 'The endpoint answered 2xx.',
    FAILED: 'Every attempt failed and the retry period ran out; redeliverWebhook tries again.',
  }),
});

export const WebhookDeliveryType = builder.prismaNode('WebhookDelivery', {
  id: { field: 'id' },
  description: 'One event sent (or to be sent) to one webhook endpoint, with its attempts.',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    webhookId: t.string({
      description: 'The `webhook-id` header of this message: the same on every retry and redelivery, so a receiver can ignore repeats.',
      resolve: (delivery) => webhookMessageId(delivery.id),
    }),
    eventType: t.string({
      description: 'The event type, e.g. "entry.posted".',
      select: { event: { select: { type: true } } },
      resolve: (delivery) => delivery.event.type,
    }),
    occurredAt: t.field({
      type: 'DateTime',
      description: 'When the event happened (the payload\'s `timestamp`).',
      select: { event: { select: { occurredAt: true } } },
      resolve: (delivery) => delivery.event.occurredAt,
    }),
    endpoint: t.relation('endpoint', { description: 'The endpoint it is sent to.' }),
    status: t.expose('status', { type: WebhookDeliveryStatusEnum, description: 'PENDING, SUCCEEDED or FAILED.' }),
    attempts: t.exposeInt('attempts', { description: 'Attempts made so far (an attempt cut off by a crash counts too).' }),
    lastResponseCode: t.exposeInt('lastResponseCode', { nullable: true, description: 'The HTTP status of the last attempt; null when none came (refused, unreachable, timed out).' }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Why the last attempt failed; null after a success.' }),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true, description: 'When the last attempt started.' }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true, description: 'When the next attempt is due; null once SUCCEEDED or FAILED.' }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true, description: 'When the endpoint accepted it.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the event was queued for this endpoint (in the transaction of the change).' }),
  }),
});

defineMutation({
  name: 'redeliverWebhook',
  description:
    'Sends a delivery again as a new series of attempts (same webhook-id), e.g. a FAILED one after the receiver is fixed. One being attempted right now is left to that attempt.',
  input: (t) => ({ id: t.id({ required: true, description: 'The WebhookDelivery.' }) }),
  ids: { id: 'WebhookDelivery' },
  service: redeliverWebhook,
  payload: (delivery) => ({ deliveryId: delivery.id }),
  success: recordPayload('delivery', 'WebhookDelivery', 'deliveryId'),
});

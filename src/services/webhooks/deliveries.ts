/**
 * Redelivering one event to one endpoint: the same message again (same `webhook-id`, so a
 * receiver that already has it can tell), as a new series of attempts with the usual retries.
 */
import { NotFoundError } from '../../domain/errors.js';
import type { WebhookDelivery } from '../../generated/prisma/client.js';
import { service } from '../core/service.js';

/** The `webhook-id` of a delivery: stable across its retries and redeliveries. */
export function webhookMessageId(deliveryId: string): string {
  return `msg_${deliveryId}`;
}

/**
 * Makes the delivery due now. One already being attempted is left to that attempt (sending it
 * twice at once would only race). An endpoint that is disabled sends it once re-enabled.
 */
export const redeliverWebhook = service([NotFoundError], async ({ tx, viewer }, input: { id: string }): Promise<WebhookDelivery> => {
  const delivery = await tx.webhookDelivery.findFirst({ where: { id: input.id, organizationId: viewer.organizationId } });
  if (!delivery) throw new NotFoundError('WebhookDelivery', 'id');
  const now = new Date();
  const inFlight = delivery.status === 'PENDING' && delivery.leaseUntil !== null && delivery.leaseUntil > now;
  if (inFlight) return delivery;
  return tx.webhookDelivery.update({
    where: { id: delivery.id },
    data: { status: 'PENDING', nextAttemptAt: now, seriesStartedAt: now, leaseUntil: null, leaseToken: null },
  });
});

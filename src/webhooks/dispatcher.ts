/**
 * Delivers the outbox. Each poll claims due deliveries with one statement:
 * `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)` sets a lease (leaseUntil, leaseToken)
 * and counts the attempt, so two replicas never claim the same delivery: the second skips rows the
 * first has locked and, once the first commits, no longer matches them (the lease is in the
 * future). A claim outlives the attempt's time limit; a dispatcher killed mid-attempt simply lets
 * its lease run out, and the next poll (on any replica, or this one restarted) tries again: at
 * least once. Finishing an attempt is fenced by the lease token, so a dispatcher that outlived its
 * lease cannot overwrite what another one recorded.
 *
 * Why not graphile-worker or pg-boss: both need a real PostgreSQL server (a `pg` pool, LISTEN,
 * their own schema and migrations), and Allot's default database is the embedded PGlite in one
 * process. The claim below is the same technique those engines use, in ~20 lines of SQL that run
 * unchanged on both.
 */
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Db } from '../db/open.js';
import type { Prisma } from '../generated/prisma/client.js';
import { onDeliveriesQueued } from '../services/core/outbox.js';
import { webhookMessageId } from '../services/webhooks/deliveries.js';
import { retryDelayMs } from './backoff.js';
import { renderEventData } from './render-event.js';
import { postWebhook, type AttemptOutcome } from './send.js';
import type { WebhookDeliverySettings } from './settings.js';

interface ClaimedDelivery {
  id: string;
  attempts: number;
}

export type DispatchLog = (level: 'info' | 'warn', fields: Record<string, unknown>, message: string) => void;

export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  private busy = false;
  private wokenWhileBusy = false;
  private stopListening: (() => void) | undefined;

  constructor(
    private readonly db: Db,
    private readonly settings: WebhookDeliverySettings,
    private readonly log: DispatchLog = () => {},
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.stopListening = onDeliveriesQueued(() => this.wake());
    this.schedule(0);
  }

  /** New deliveries committed in this process: poll now rather than at the next interval. */
  private wake(): void {
    if (this.stopped) return;
    if (this.busy) {
      this.wokenWhileBusy = true;
      return;
    }
    clearTimeout(this.timer);
    this.schedule(0);
  }

  /** Stops polling and waits for attempts in flight to be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopListening?.();
    clearTimeout(this.timer);
    await this.running?.catch(() => {});
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.busy = true;
      this.wokenWhileBusy = false;
      this.running = this.runOnce()
        .catch((error: unknown) => {
          this.log('warn', { err: error }, 'webhook dispatch failed; will retry');
          return 0;
        })
        .then((claimed) => {
          this.busy = false;
          this.schedule(claimed >= this.settings.batchSize || this.wokenWhileBusy ? 0 : this.settings.pollIntervalMs);
        });
    }, delayMs);
    this.timer.unref?.();
  }

  /** One poll: claims due deliveries and attempts each. Returns how many it claimed. */
  async runOnce(): Promise<number> {
    const token = randomUUID();
    const claimed = await this.db.$queryRaw<ClaimedDelivery[]>`
      UPDATE "WebhookDelivery" d
      SET "leaseUntil" = now() + ${this.settings.leaseMs} * interval '1 millisecond',
          "leaseToken" = ${token}::uuid,
          attempts = d.attempts + 1,
          "lastAttemptAt" = now()
      FROM (
        SELECT c.id FROM "WebhookDelivery" c JOIN "WebhookEndpoint" e ON e.id = c."endpointId"
        WHERE c.status = 'PENDING' AND e.enabled AND c."nextAttemptAt" <= now()
          AND (c."leaseUntil" IS NULL OR c."leaseUntil" < now())
        ORDER BY c."nextAttemptAt", c."createdAt"
        LIMIT ${this.settings.batchSize}
        FOR UPDATE OF c SKIP LOCKED
      ) due
      WHERE d.id = due.id
      RETURNING d.id, d.attempts`;
    await Promise.all(claimed.map((delivery) => this.attempt(delivery, token)));
    return claimed.length;
  }

  private async attempt(claim: ClaimedDelivery, token: string): Promise<void> {
    const delivery = await this.db.webhookDelivery.findUnique({ where: { id: claim.id }, include: { endpoint: true, event: true } });
    if (!delivery || delivery.leaseToken !== token) return;
    let outcome: AttemptOutcome;
    try {
      const data = delivery.event.data ?? (await this.renderOnce(delivery.event));
      const body = JSON.stringify({ type: delivery.event.type, timestamp: delivery.event.occurredAt.toISOString(), data });
      const messageId = webhookMessageId(delivery.id);
      const now = new Date();
      const signature = new Webhook(delivery.endpoint.secret).sign(messageId, now, body);
      outcome = await postWebhook(
        delivery.endpoint.url,
        {
          'webhook-id': messageId,
          'webhook-timestamp': Math.floor(now.getTime() / 1000).toString(),
          'webhook-signature': signature,
          'user-agent': 'Allot-Webhooks/1',
        },
        body,
        this.settings,
      );
    } catch (error) {
      outcome = { error: `could not prepare the delivery: ${(error as Error).message}` };
    }
    await this.record(claim, token, delivery.endpointId, delivery.seriesStartedAt, outcome);
    this.log(outcome.error ? 'warn' : 'info', { deliveryId: delivery.id, attempt: claim.attempts, status: outcome.status, error: outcome.error }, 'webhook attempt');
  }

  /** Renders `data` once per event, so every endpoint and every retry sends the same body. */
  private async renderOnce(event: Parameters<typeof renderEventData>[1]): Promise<Prisma.JsonValue> {
    const data = await renderEventData(this.db, event);
    const [row] = await this.db.$queryRaw<Array<{ data: Prisma.JsonValue }>>`
      UPDATE "WebhookEvent" SET data = COALESCE(data, ${JSON.stringify(data)}::jsonb) WHERE id = ${event.id}::uuid RETURNING data`;
    return row?.data ?? (data as Prisma.JsonValue);
  }

  private async record(claim: ClaimedDelivery, token: string, endpointId: string, seriesStartedAt: Date, outcome: AttemptOutcome): Promise<void> {
    const now = new Date();
    const succeeded = outcome.error === undefined;
    const givesUp = !succeeded && now.getTime() - seriesStartedAt.getTime() >= this.settings.retryForMs;
    const nextAttemptAt = succeeded || givesUp ? null : new Date(now.getTime() + retryDelayMs(claim.attempts, this.settings.retryBaseMs, this.settings.retryMaxDelayMs));
    await this.db.$transaction(async (tx) => {
      const { count } = await tx.webhookDelivery.updateMany({
        where: { id: claim.id, leaseToken: token },
        data: {
          status: succeeded ? 'SUCCEEDED' : givesUp ? 'FAILED' : 'PENDING',
          nextAttemptAt,
          deliveredAt: succeeded ? now : undefined,
          lastResponseCode: outcome.status ?? null,
          lastError: outcome.error?.slice(0, 1000) ?? null,
          leaseUntil: null,
          leaseToken: null,
        },
      });
      // Lost the lease (this attempt outlived it): another dispatcher owns the delivery now.
      if (count === 0) return;
      if (succeeded) {
        await tx.webhookEndpoint.update({ where: { id: endpointId }, data: { consecutiveFailures: 0 } });
        return;
      }
      const endpoint = await tx.webhookEndpoint.update({ where: { id: endpointId }, data: { consecutiveFailures: { increment: 1 } } });
      if (endpoint.enabled && endpoint.consecutiveFailures >= this.settings.disableAfterFailures) {
        await tx.webhookEndpoint.update({
          where: { id: endpointId },
          data: {
            enabled: false,
            disabledAt: now,
            disabledReason: `Disabled after ${endpoint.consecutiveFailures} failed attempts in a row; updateWebhookEndpoint(enabled: true) re-enables it.`,
          },
        });
      }
    });
  }
}

/**
 * Delivers committed budget alerts to `budgetAlerts` subscribers: the services' EventPublisher
 * (events arrive only after their transaction commits, see services/core/unit-of-work.ts) and the
 * subscriptions' feed. Topics are per organization: a subscriber only ever receives its own
 * tenant's alerts.
 *
 * Embedded (PGlite): in-memory, one process. On PostgreSQL (`createSharedAlertPubSub`) every
 * replica hears every other replica's alerts through LISTEN/NOTIFY on the database it already
 * uses, so no other service is needed:
 * - an alert is delivered to this process's subscribers at once, as before, and announced to the
 *   others with `pg_notify` after its transaction committed;
 * - the notification carries ids only (organization, alert, the sending process), about 130
 *   bytes, far below PostgreSQL's 8000-byte payload limit whatever an alert grows into;
 * - a receiving replica re-reads the alert by id within the notification's organization (the
 *   topic its subscribers listen on), so they get the committed row, never a copy of it;
 * - delivery is at most once, like the in-process bus: a notification sent while a replica's
 *   LISTEN connection is down is not replayed (webhooks are the durable path, docs/webhooks.md).
 */
import { randomUUID } from 'node:crypto';
import { createPubSub } from 'graphql-yoga';
import type { Database } from '../db/open.js';
import type { BudgetAlertFeed } from '../graphql/context.js';
import type { BudgetAlert } from '../generated/prisma/client.js';
import type { DomainEvent, EventPublisher } from '../services/core/events.js';

export type AlertPubSub = EventPublisher & BudgetAlertFeed;

export const BUDGET_ALERT_CHANNEL = 'allot_budget_alert';

/** What travels in a NOTIFY: ids only. */
interface AlertNotice {
  organizationId: string;
  alertId: string;
  /** The sending process, which has delivered the alert to its own subscribers already. */
  sender: string;
}

function createLocalBus() {
  return createPubSub<{ budgetAlert: [organizationId: string, alert: BudgetAlert] }>();
}

export function createAlertPubSub(): AlertPubSub {
  const pubSub = createLocalBus();
  return {
    publish(event: DomainEvent) {
      if (event.type === 'budget.alert') pubSub.publish('budgetAlert', event.alert.organizationId, event.alert);
    },
    subscribe(organizationId: string) {
      return pubSub.subscribe('budgetAlert', organizationId);
    },
  };
}

export interface SharedAlertPubSubOptions {
  /** Told when a notification could not be sent or an announced alert could not be read. */
  onError?(error: unknown, message: string): void;
}

/** The pub/sub of a replica on PostgreSQL (see the module comment). Needs `database.listen`. */
export function createSharedAlertPubSub(database: Database, options: SharedAlertPubSubOptions = {}): AlertPubSub {
  if (!database.listen) throw new Error('A shared alert pub/sub needs PostgreSQL (LISTEN/NOTIFY)');
  const onError = options.onError ?? (() => {});
  const pubSub = createLocalBus();
  const self = randomUUID();
  // Announced alerts are re-read one after another, so subscribers see them in the order sent.
  let deliveries: Promise<void> = Promise.resolve();

  const deliverAnnounced = async (notice: AlertNotice) => {
    const alert = await database.prisma.budgetAlert.findFirst({ where: { id: notice.alertId, organizationId: notice.organizationId } });
    // Gone already (its organization or budget deleted since): nothing to tell anyone.
    if (alert) pubSub.publish('budgetAlert', alert.organizationId, alert);
  };

  database.listen(BUDGET_ALERT_CHANNEL, {
    onNotify(payload) {
      let notice: AlertNotice | null;
      try {
        notice = JSON.parse(payload) as AlertNotice | null;
      } catch {
        return; // not ours: anyone with database access can NOTIFY
      }
      if (typeof notice !== 'object' || notice === null) return; // `null`, a number, a string: not ours either
      if (notice.sender === self || typeof notice.alertId !== 'string' || typeof notice.organizationId !== 'string') return;
      deliveries = deliveries.then(() => deliverAnnounced(notice)).catch((error: unknown) => onError(error, 'could not read an announced budget alert'));
    },
    onListening() {},
    onLost(error) {
      onError(error, 'budget alerts from other replicas are missed until the LISTEN connection is back');
    },
  });

  return {
    publish(event: DomainEvent) {
      if (event.type !== 'budget.alert') return;
      const { alert } = event;
      pubSub.publish('budgetAlert', alert.organizationId, alert);
      const notice: AlertNotice = { organizationId: alert.organizationId, alertId: alert.id, sender: self };
      // Off the request's path: the mutation's answer does not wait for the other replicas.
      void database.prisma.$executeRaw`SELECT pg_notify(${BUDGET_ALERT_CHANNEL}, ${JSON.stringify(notice)})`.catch((error: unknown) =>
        onError(error, 'could not announce a budget alert to the other replicas'),
      );
    },
    subscribe(organizationId: string) {
      return pubSub.subscribe('budgetAlert', organizationId);
    },
  };
}

/**
 * Open subscriptions are bounded and end with their key (issue 10: 2000 from one key held +87 MiB
 * and slowed the probes to 8 s; a subscription opened with a key kept streaming after the key was
 * revoked).
 *
 * - At most `maxPerKey` open subscriptions per API key and `maxPerProcess` in this process; one
 *   more is refused with a top-level TOO_MANY_SUBSCRIPTIONS (HTTP 429, Retry-After), before it
 *   listens to anything. A slot is freed as soon as its stream ends, whoever ends it.
 * - A revoked key's subscriptions end with one last event carrying UNAUTHENTICATED. Revocation
 *   reaches this process three ways: each event checks its key before it is delivered (so a
 *   revoked key never receives another alert, whichever process or CLI revoked it); every
 *   `keyCheckIntervalMs` the keys of all open subscriptions are checked together (one query), so
 *   an idle subscription of a revoked key does not hold its slot for ever; and the admin socket
 *   asks for that check right after each operator command (src/main.ts), so `allot key revoke`
 *   against the embedded database ends them at once.
 *
 * In-process, like the subscriptions themselves: the caps are per replica.
 */
import type { ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Db } from '../db/open.js';
import { unauthenticated } from './access.js';
import { refusal } from './refusal.js';

export interface SubscriptionLimits {
  maxPerKey: number;
  maxPerProcess: number;
  /** How often the keys of open subscriptions are checked for revocation, in ms. */
  keyCheckIntervalMs: number;
}

export const DEFAULT_SUBSCRIPTION_LIMITS: SubscriptionLimits = { maxPerKey: 20, maxPerProcess: 1000, keyCheckIntervalMs: 15_000 };

interface OpenSubscription {
  apiKeyId: string;
  /** The database its request came with, where its key is checked. */
  db: Db;
  end(): void;
}

function revokedKeyEvent(): ExecutionResult {
  return { errors: [unauthenticated('The API key of this subscription was revoked; the subscription has ended')] };
}

export class SubscriptionRegistry {
  private readonly open = new Set<OpenSubscription>();
  private readonly perKey = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly limits: SubscriptionLimits = DEFAULT_SUBSCRIPTION_LIMITS) {}

  get size(): number {
    return this.open.size;
  }

  /** The refusal for one more subscription of `apiKeyId`, or undefined when there is room. */
  refusalFor(apiKeyId: string): ReturnType<typeof refusal> | undefined {
    const headers = { 'Retry-After': '5' };
    if ((this.perKey.get(apiKeyId) ?? 0) >= this.limits.maxPerKey) {
      return refusal('TOO_MANY_SUBSCRIPTIONS', `This API key already has ${this.limits.maxPerKey} open subscriptions, the limit; close one first`, 429, {
        headers,
        extensions: { maxPerKey: this.limits.maxPerKey },
      });
    }
    if (this.open.size >= this.limits.maxPerProcess) {
      return refusal('TOO_MANY_SUBSCRIPTIONS', 'This server holds as many open subscriptions as it allows; retry later', 429, { headers });
    }
    return undefined;
  }

  /** Takes a slot (the caller checked refusalFor in the same tick); returns its release. */
  private admit(subscription: OpenSubscription): () => void {
    this.open.add(subscription);
    this.perKey.set(subscription.apiKeyId, (this.perKey.get(subscription.apiKeyId) ?? 0) + 1);
    this.timer ??= setInterval(() => void this.checkKeys().catch(() => {}), this.limits.keyCheckIntervalMs).unref();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open.delete(subscription);
      const left = (this.perKey.get(subscription.apiKeyId) ?? 1) - 1;
      if (left > 0) this.perKey.set(subscription.apiKeyId, left);
      else this.perKey.delete(subscription.apiKeyId);
      if (this.open.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  private static async isKeyActive(db: Db, apiKeyId: string): Promise<boolean> {
    return (await db.apiKey.count({ where: { id: apiKeyId, revokedAt: null } })) > 0;
  }

  /** Ends every open subscription whose key is revoked or gone; resolves to how many ended. */
  async checkKeys(): Promise<number> {
    const first = this.open.values().next().value;
    if (!first) return 0;
    const keyIds = [...this.perKey.keys()];
    const active = new Set((await first.db.apiKey.findMany({ where: { id: { in: keyIds }, revokedAt: null }, select: { id: true } })).map((key) => key.id));
    let ended = 0;
    for (const subscription of [...this.open]) {
      if (active.has(subscription.apiKeyId)) continue;
      subscription.end();
      ended += 1;
    }
    return ended;
  }

  /**
   * Wraps a subscription's stream of results: holds its slot until the stream ends, checks the
   * key before each event, and ends it early when told its key was revoked. A hand-written
   * iterator, not an async generator: a generator's return() waits for a pending next(), so a
   * client leaving between events would keep its slot until the next event.
   */
  track(apiKeyId: string, db: Db, source: AsyncIterator<ExecutionResult>): AsyncIterableIterator<ExecutionResult> {
    let endEarly!: () => void;
    const endedEarly = new Promise<'revoked'>((resolve) => (endEarly = () => resolve('revoked')));
    const release = this.admit({ apiKeyId, db, end: () => endEarly() });
    let finished = false;
    const finish = async () => {
      if (finished) return;
      finished = true;
      release();
      await source.return?.();
    };
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      async next(): Promise<IteratorResult<ExecutionResult>> {
        if (finished) return { done: true, value: undefined };
        const next = await Promise.race([source.next(), endedEarly]);
        if (next === 'revoked' || (!next.done && !(await SubscriptionRegistry.isKeyActive(db, apiKeyId)))) {
          await finish();
          return { done: false, value: revokedKeyEvent() };
        }
        if (next.done) await finish();
        return next;
      },
      async return(): Promise<IteratorResult<ExecutionResult>> {
        await finish();
        return { done: true, value: undefined };
      },
      async throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
        await finish();
        throw error;
      },
    };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** Place after the access plugin: anonymous subscriptions are refused there. */
export function subscriptionLimitsPlugin(registry: SubscriptionRegistry): Plugin {
  const keyOf = (context: unknown) => (context as { apiKeyId?: string | null }).apiKeyId ?? undefined;
  const dbOf = (context: unknown) => (context as { db: Db }).db;
  return {
    onSubscribe({ args }) {
      const apiKeyId = keyOf(args.contextValue);
      const refused = apiKeyId ? registry.refusalFor(apiKeyId) : undefined;
      // Refused before the resolver subscribes to anything, with its HTTP status.
      if (refused) throw refused;
      return {
        onSubscribeResult({ result, setResult }) {
          if (!apiKeyId || !isAsyncIterable(result)) return;
          const iterator = (result as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]();
          // Others may have subscribed meanwhile: the check and the slot are taken in one tick.
          const late = registry.refusalFor(apiKeyId);
          if (late) {
            void iterator.return?.();
            return setResult({ errors: [late] });
          }
          setResult(registry.track(apiKeyId, dbOf(args.contextValue), iterator));
        },
      };
    },
  };
}

/**
 * PostgreSQL LISTEN on a connection of its own (a pooled connection cannot hold a LISTEN), kept
 * open for the life of the process: when it drops, `onLost` is told at once and it reconnects
 * every second until it listens again (`onListening`). Used to hear of API-key revocations made by
 * other processes (src/http/api-key-cache.ts).
 */
import pg from 'pg';

export interface NotificationHandlers {
  onNotify(payload: string): void;
  /** Listening (first time and after every reconnect). */
  onListening(): void;
  /** Not listening any more: notifications may be missed until onListening. */
  onLost(error: unknown): void;
}

const RECONNECT_DELAY_MS = 1_000;

/** Returns the function that stops listening and closes the connection. */
export function listenForNotifications(url: string, channel: string, handlers: NotificationHandlers): () => Promise<void> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const lost = (error: unknown) => {
    if (stopped) return;
    handlers.onLost(error);
    const dead = client;
    client = undefined;
    dead?.removeAllListeners();
    dead?.on('error', () => {});
    void dead?.end().catch(() => {});
    retry ??= setTimeout(() => {
      retry = undefined;
      void connect();
    }, RECONNECT_DELAY_MS);
    retry.unref();
  };

  const connect = async () => {
    const next = new pg.Client({ connectionString: url });
    client = next;
    next.on('error', lost);
    next.on('end', () => lost(new Error('LISTEN connection ended')));
    next.on('notification', (message) => {
      if (message.channel !== channel) return;
      // Anyone with access to the database can NOTIFY: a handler that throws on what it was sent
      // would otherwise throw inside the driver's event, an uncaught exception for the process.
      try {
        handlers.onNotify(message.payload ?? '');
      } catch {
        // not ours to act on
      }
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      if (stopped) return void (await next.end());
      // The connection's socket must not keep the process alive on its own.
      (next as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
      handlers.onListening();
    } catch (error) {
      if (client === next) lost(error);
    }
  };

  void connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    const open = client;
    client = undefined;
    open?.removeAllListeners();
    open?.on('error', () => {});
    await open?.end().catch(() => {});
  };
}

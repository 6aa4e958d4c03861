/**
 * A minimal SSE client for subscription tests: subscribes through `yoga.fetch` exactly as a
 * browser's EventSource would, and collects the `next` events' data.
 */
import { expect } from 'vitest';
import type { TestApp, TestTenant } from './app.js';

/**
 * Collects the `next` events of an SSE response as they arrive. Resolves once the first chunk came
 * (yoga writes a keep-alive comment as soon as the subscription runs). `close` cancels the reader
 * and aborts `controller`, which ends the subscription on the server.
 */
export async function readSseEvents(response: Response, controller: AbortController) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test knows its events' shape
  const events: any[] = [];
  let buffer = '';
  let waiting: (() => void) | undefined;
  let opened!: () => void;
  const firstChunk = new Promise<void>((resolve) => (opened = resolve));
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        opened();
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('');
          if (block.includes('event: next') && data) events.push(JSON.parse(data));
          waiting?.();
        }
      }
    } catch {
      // aborted
    }
  })();
  await firstChunk;
  return {
    events,
    async waitFor(count: number, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          waiting = resolve;
          setTimeout(resolve, 50);
        });
      }
      return events;
    },
    async close() {
      // Cancelling the reader ends the stream, which makes yoga end the subscription.
      await reader.cancel().catch(() => {});
      controller.abort();
      await pump;
    },
  };
}

/** Opens a subscription (by default `budgetAlerts`) over SSE as `tenant`. */
export async function subscribeOverSse(
  app: TestApp,
  tenant: TestTenant,
  query = 'subscription { budgetAlerts { thresholdPercent spent limit budget { id name } } }',
) {
  const controller = new AbortController();
  const response = await app.yoga.fetch('http://allot.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${tenant.apiKey}` },
    body: JSON.stringify({ query }),
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const stream = await readSseEvents(response, controller);
  // Let the running subscription reach the bus before the caller publishes.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return stream;
}

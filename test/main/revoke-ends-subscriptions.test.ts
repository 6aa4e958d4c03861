/**
 * How a revocation reaches a running server: `allot key revoke` on the embedded database runs in
 * the server over its admin socket, which then checks the keys of the open subscriptions. A
 * subscription opened with the revoked key ends at once with UNAUTHENTICATED, without waiting for
 * an event or the periodic check (set to an hour here).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { allot, childEnv, start, tempDataDir } from '../support/processes.js';

const PORT = 47131;

let data: ReturnType<typeof tempDataDir>;
beforeAll(() => {
  data = tempDataDir('revoke-subscriptions');
});
afterAll(() => data.remove());

it('ends a subscription when its key is revoked through the CLI', async () => {
  const server = start(process.execPath, ['--import', 'tsx', 'src/main.ts'], childEnv(data.dir, { PORT: String(PORT), HOST: '127.0.0.1', ALLOT_SUBSCRIPTION_KEY_CHECK_MS: '3600000' }));
  try {
    await server.waitFor(/serving GraphQL at/, 90_000);
    const apiKey = readFileSync(path.join(data.dir, 'demo-api-key'), 'utf8').trim();
    const response = await fetch(`http://127.0.0.1:${PORT}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query: 'subscription { budgetAlerts { thresholdPercent } }' }),
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await reader.read(); // the first keep-alive: the subscription is open

    const organizations = JSON.parse((await allot(data.dir, 'org', 'list')).stdout) as Array<{ id: string }>;
    const keys = JSON.parse((await allot(data.dir, 'key', 'list', organizations[0]!.id)).stdout) as Array<{ id: string }>;
    const revoked = await allot(data.dir, 'key', 'revoke', keys[0]!.id);
    expect(revoked.code).toBe(0);

    let text = '';
    const deadline = Date.now() + 10_000;
    for (;;) {
      const chunk = await Promise.race([reader.read(), new Promise<{ done: true; value: undefined }>((resolve) => setTimeout(() => resolve({ done: true, value: undefined }), Math.max(0, deadline - Date.now())))]);
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    expect(text).toContain('UNAUTHENTICATED');
    expect(text).toContain('event: complete');
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}, 120_000);

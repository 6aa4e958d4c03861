/** The retry schedule and the settings as docs/webhooks.md states them. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { retryDelayMs } from '../../src/webhooks/backoff.js';
import { DEFAULT_WEBHOOK_SETTINGS } from '../../src/webhooks/settings.js';

describe('retry schedule', () => {
  it('doubles from 5 s up to 1 h, and with the defaults keeps trying for 24 h in about 33 attempts', () => {
    const { retryBaseMs, retryMaxDelayMs, retryForMs } = DEFAULT_WEBHOOK_SETTINGS;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, retryBaseMs, retryMaxDelayMs))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(retryDelayMs(30, retryBaseMs, retryMaxDelayMs)).toBe(3_600_000);
    // The dispatcher gives up on the first failure at or past retryFor since the series began.
    let elapsed = 0;
    let attempts = 1;
    while (elapsed < retryForMs) elapsed += retryDelayMs(attempts++, retryBaseMs, retryMaxDelayMs);
    expect(elapsed).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(attempts).toBeGreaterThanOrEqual(30);
    expect(attempts).toBeLessThanOrEqual(36);
  });
});

describe('settings', () => {
  it('blocks private addresses in production only, with an allow-list', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).webhooks.targets).toEqual({ blockPrivateAddresses: true, allowedHosts: [] });
    expect(loadConfig({}).webhooks.targets.blockPrivateAddresses).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', ALLOT_WEBHOOK_ALLOWED_HOSTS: ' Hooks.Internal ,10.0.0.5' }).webhooks.targets.allowedHosts).toEqual(['hooks.internal', '10.0.0.5']);
  });

  it('keeps a claim longer than an attempt', () => {
    expect(loadConfig({ ALLOT_WEBHOOK_TIMEOUT_MS: '20000', ALLOT_WEBHOOK_LEASE_MS: '100' }).webhooks.leaseMs).toBe(21_000);
    expect(loadConfig({}).webhooks).toMatchObject({ timeoutMs: 10_000, leaseMs: 40_000, disableAfterFailures: 100, maxResponseBytes: 65_536, retentionDays: 30 });
  });
});

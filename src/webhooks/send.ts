/**
 * One HTTP attempt of a webhook: POST with a time limit over the whole exchange, a cap on how much
 * of the response is read, and the SSRF guard applied to the addresses the connection really uses
 * (the DNS answer is checked inside the socket's own lookup, so a record that changed since the
 * URL was registered, or one that answers differently each time, cannot point it inward).
 */
import { lookup as dnsLookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { refusalForAddresses, type WebhookTargetPolicy } from '../services/webhooks/target-policy.js';

export interface AttemptOutcome {
  /** The receiver's HTTP status; absent when none came (refused, unreachable, timed out). */
  status?: number;
  /** Why the attempt failed, for `lastError`; absent on a 2xx. */
  error?: string;
}

export interface SendOptions {
  timeoutMs: number;
  maxResponseBytes: number;
  targets: WebhookTargetPolicy;
}

class TargetRefused extends Error {
  readonly code = 'WEBHOOK_TARGET_REFUSED';
}

function guardedLookup(host: string, policy: WebhookTargetPolicy): LookupFunction {
  return ((hostname: string, options: object, callback: (...args: unknown[]) => void) => {
    dnsLookup(hostname, options, (error, address, family) => {
      if (error) return callback(error, address, family);
      const addresses = Array.isArray(address) ? address.map((entry: { address: string }) => entry.address) : [address as string];
      const reason = refusalForAddresses(host, addresses, policy);
      if (reason) return callback(new TargetRefused(reason), address, family);
      callback(null, address, family);
    });
  }) as LookupFunction;
}

export function postWebhook(url: string, headers: Record<string, string>, body: string, options: SendOptions): Promise<AttemptOutcome> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  // An IP literal never reaches the lookup hook, so it is checked here.
  if (isIP(host)) {
    const reason = refusalForAddresses(host, [host], options.targets);
    if (reason) return Promise.resolve({ error: `refused: ${reason}` });
  }
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body).toString() },
        lookup: guardedLookup(host, options.targets),
        // A fresh connection per attempt: a pooled socket would skip the lookup (and its guard).
        agent: false,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        const finish = () => settle(ok ? { status } : { status, error: `HTTP ${status}` });
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          // The status has decided; a receiver streaming megabytes back is not read any further.
          if (read > options.maxResponseBytes) {
            finish();
            response.destroy();
          }
        });
        response.on('end', finish);
        response.on('error', finish);
        response.on('close', finish);
      },
    );
    const timer = setTimeout(() => {
      settle({ error: `timed out after ${options.timeoutMs} ms` });
      request.destroy();
    }, options.timeoutMs);
    request.on('error', (error: Error & { code?: string }) =>
      settle({ error: error instanceof TargetRefused ? `refused: ${error.message}` : `${error.code ?? 'ERROR'}: ${error.message}` }),
    );
    request.end(body);
  });
}

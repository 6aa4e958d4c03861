/**
 * Which URLs webhooks may call. A gateway that POSTs to any URL a tenant names is an SSRF hole
 * (the cloud metadata service at 169.254.169.254, the database on 10.0.0.5, the admin port on
 * 127.0.0.1), so with `blockPrivateAddresses` (on by default in production) a target must resolve
 * only to public unicast addresses, unless its host is on the allow-list (on-premise receivers,
 * tests). Checked twice: when the URL is registered, and at every delivery on the addresses the
 * connection actually uses (./webhook-http.ts in src/webhooks), so a DNS record changed after
 * registration (rebinding) cannot point a delivery inward.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { InvalidInputError, WebhookUrlRefusedError } from '../../domain/errors.js';

export interface WebhookTargetPolicy {
  /** Refuse loopback, private, link-local and other non-public addresses. */
  blockPrivateAddresses: boolean;
  /** Host names or IP literals (lower case) exempt from the block. */
  allowedHosts: readonly string[];
}

/** Development and tests: anything goes. Production turns the block on (src/config.ts). */
export const OPEN_TARGET_POLICY: WebhookTargetPolicy = { blockPrivateAddresses: false, allowedHosts: [] };

export const MAX_WEBHOOK_URL_LENGTH = 2000;

/** Only public unicast addresses: not loopback, private, link-local, CGNAT, multicast, reserved… */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  // ::ffff:10.0.0.1 is 10.0.0.1.
  const parsed = ipaddr.process(address);
  return parsed.range() === 'unicast';
}

function hostOf(url: URL): string {
  // URL keeps IPv6 literals in brackets.
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

export function isAllowedHost(host: string, policy: WebhookTargetPolicy): boolean {
  return policy.allowedHosts.includes(host.toLowerCase());
}

/**
 * Whether `addresses` (what `host` resolved to) may be called under `policy`.
 * @returns the reason it may not, or undefined
 */
export function refusalForAddresses(host: string, addresses: readonly string[], policy: WebhookTargetPolicy): string | undefined {
  if (!policy.blockPrivateAddresses || isAllowedHost(host, policy)) return undefined;
  const inward = addresses.find((address) => !isPublicAddress(address));
  return inward ? `${host} resolves to ${inward}, a loopback, private or link-local address` : undefined;
}

/**
 * Parses and checks a webhook URL as registered: http(s), no credentials in it, and (when the
 * policy blocks them) no non-public address behind its host.
 * @throws InvalidInputError not a URL, or longer than 2000 characters
 * @throws WebhookUrlRefusedError another scheme, credentials, or a refused address
 */
export async function checkWebhookUrl(raw: string, policy: WebhookTargetPolicy, field = 'url'): Promise<string> {
  const text = raw.trim();
  if (text.length > MAX_WEBHOOK_URL_LENGTH) throw new InvalidInputError(`${field} must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`, field);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidInputError(`${field} is not a URL`, field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebhookUrlRefusedError(`${field} must be an http or https URL`, field);
  // A secret in the URL would be shown in every delivery log and API response.
  if (url.username || url.password) throw new WebhookUrlRefusedError(`${field} must not carry a user name or password`, field);
  const host = hostOf(url);
  if (policy.blockPrivateAddresses && !isAllowedHost(host, policy)) {
    let addresses: string[];
    if (isIP(host)) addresses = [host];
    else {
      try {
        addresses = (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
      } catch {
        throw new WebhookUrlRefusedError(`${field}: ${host} does not resolve`, field);
      }
    }
    const reason = refusalForAddresses(host, addresses, policy);
    if (reason) throw new WebhookUrlRefusedError(`${field}: ${reason}`, field);
  }
  return url.toString();
}

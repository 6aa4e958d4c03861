/**
 * How a revoked API key stops working everywhere it may be cached (src/http/api-key-cache.ts):
 * - in this process, at once: `revokeApiKey` calls every listener here right after its commit,
 *   before it returns, so the very next request on this replica is refused;
 * - in every other process on the same PostgreSQL (replicas, the CLI revoking while servers run):
 *   the revocation's transaction also sends `NOTIFY allot_api_key_revoked, '<key id>'`, delivered to
 *   each server's LISTEN connection when it commits.
 */
export const API_KEY_REVOKED_CHANNEL = 'allot_api_key_revoked';

type RevocationListener = (apiKeyId: string) => void;

const listeners = new Set<RevocationListener>();

/** Returns the function that stops listening. */
export function onApiKeyRevoked(listener: RevocationListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function announceApiKeyRevoked(apiKeyId: string): void {
  for (const listener of listeners) listener(apiKeyId);
}

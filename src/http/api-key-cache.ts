/**
 * API key → viewer, kept in process so a request with a known key costs no database lookup.
 *
 * Revocation stays immediate:
 * - a revocation in this process evicts the key before `revokeApiKey` returns, so the next request
 *   on this replica is refused (src/services/core/api-key-revocations.ts);
 * - a revocation anywhere else (another replica, the CLI) arrives as a PostgreSQL NOTIFY on the
 *   server's LISTEN connection and evicts the key when its transaction commits. While that
 *   connection is down the cache is emptied and bypassed (every request is looked up), so a lost
 *   notification can never keep a revoked key alive;
 * - and every entry expires after `ttlMs` (30 s by default) as a last bound.
 *
 * Only keys that authenticated are cached, so a key created a moment ago works at once and unknown
 * keys never fill the cache. Entries are found by the secret's SHA-256, never the secret itself.
 */
import type { Database, Db } from '../db/open.js';
import { API_KEY_REVOKED_CHANNEL, onApiKeyRevoked } from '../services/core/api-key-revocations.js';
import { apiKeySecretHash, findActiveApiKey, looksLikeApiKey, type AuthenticatedKey } from '../services/core/organizations.js';

export const DEFAULT_API_KEY_CACHE_TTL_MS = 30_000;

export interface ApiKeyCacheOptions {
  /** How long a looked-up key is trusted without asking the database again; 0 turns caching off. */
  ttlMs: number;
  /** The most keys kept; the oldest entry is dropped to make room. */
  maxEntries?: number;
}

interface Entry {
  key: AuthenticatedKey;
  expiresAt: number;
}

export class ApiKeyCache {
  readonly #db: Db;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #bySecretHash = new Map<string, Entry>();
  /** True while revocations from other processes may be missed (their LISTEN connection is down). */
  #bypassed = false;
  /**
   * Counts evictions. A lookup that started before an eviction must not store its answer: it may
   * have read the key just before the revocation committed.
   */
  #evictions = 0;
  readonly #stopListening: () => void;

  constructor(db: Db, options: ApiKeyCacheOptions) {
    this.#db = db;
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#stopListening = onApiKeyRevoked((apiKeyId) => this.evict(apiKeyId));
  }

  async authenticate(presented: string): Promise<AuthenticatedKey | null> {
    if (!looksLikeApiKey(presented)) return null;
    const hash = apiKeySecretHash(presented);
    const cached = this.#bySecretHash.get(hash);
    if (cached && cached.expiresAt > Date.now()) return cached.key;
    const evictionsBefore = this.#evictions;
    const key = await findActiveApiKey(this.#db, hash);
    if (cached) this.#bySecretHash.delete(hash);
    if (key && this.#ttlMs > 0 && !this.#bypassed && this.#evictions === evictionsBefore) {
      if (this.#bySecretHash.size >= this.#maxEntries) {
        // Maps iterate in insertion order: the first entry is the oldest.
        this.#bySecretHash.delete(this.#bySecretHash.keys().next().value!);
      }
      this.#bySecretHash.set(hash, { key, expiresAt: Date.now() + this.#ttlMs });
    }
    return key;
  }

  evict(apiKeyId: string): void {
    this.#evictions += 1;
    for (const [hash, entry] of this.#bySecretHash) {
      if (entry.key.apiKeyId === apiKeyId) this.#bySecretHash.delete(hash);
    }
  }

  /** Revocations elsewhere may go unheard from now on: forget everything and stop caching. */
  bypass(): void {
    this.#bypassed = true;
    this.#evictions += 1;
    this.#bySecretHash.clear();
  }

  /** Revocations elsewhere are heard again. */
  resume(): void {
    this.#bypassed = false;
  }

  get size(): number {
    return this.#bySecretHash.size;
  }

  close(): void {
    this.#stopListening();
    this.#bySecretHash.clear();
  }
}

/**
 * The cache a server uses. On PostgreSQL other processes may revoke keys: it is bypassed until
 * its LISTEN connection is up, and again whenever that connection drops.
 */
export function createApiKeyCache(database: Database, ttlMs: number): ApiKeyCache {
  const cache = new ApiKeyCache(database.prisma, { ttlMs });
  if (database.listen) {
    cache.bypass();
    database.listen(API_KEY_REVOKED_CHANNEL, {
      onNotify: (apiKeyId) => cache.evict(apiKeyId),
      onListening: () => cache.resume(),
      onLost: () => cache.bypass(),
    });
  }
  return cache;
}

/** Exponential backoff between attempts: base, 2×base, 4×base … capped (README "Webhooks"). */
export function retryDelayMs(failedAttempts: number, baseMs: number, maxDelayMs: number): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 40);
  return Math.min(baseMs * 2 ** exponent, maxDelayMs);
}

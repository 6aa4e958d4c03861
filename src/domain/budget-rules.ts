/**
 * Pure budget arithmetic: thresholds crossed, freeze decisions, utilization. No I/O.
 */

/** SPEND_ALERTS fires when spend crosses these percentages of the limit, upwards. */
export const ALERT_THRESHOLDS_PERCENT = [80, 100] as const;

/** The thresholds that `before → after` crosses upwards: before < t% of limit ≤ after. */
export function thresholdsCrossed(beforeMinor: bigint, afterMinor: bigint, limitMinor: bigint): number[] {
  if (afterMinor <= beforeMinor) return [];
  return ALERT_THRESHOLDS_PERCENT.filter((percent) => {
    // Compare spend × 100 with limit × percent: exact in integers, no division.
    const line = limitMinor * BigInt(percent);
    return beforeMinor * 100n < line && afterMinor * 100n >= line;
  });
}

/** What the freeze rule looks at, before and after a write. */
export interface BudgetState {
  spentMinor: bigint;
  limitMinor: bigint;
  autoFreeze: boolean;
}

/**
 * The AUTO_FREEZE rule, for every write that can change a budget's spend, limit, window or
 * options, judged on the whole change at once: the write is refused when it leaves an AUTO_FREEZE
 * budget above its limit by more than before. Reaching the limit exactly is allowed. So spend never
 * passes the limit, and the limit is never lowered below the spend (nor AUTO_FREEZE turned on over
 * it); a budget that is over its limit anyway (data from before this rule) may still shrink.
 */
export function overrunsAutoFreeze(before: BudgetState, after: BudgetState): boolean {
  if (!after.autoFreeze) return false;
  const overAfter = after.spentMinor - after.limitMinor;
  if (overAfter <= 0n) return false;
  const overBefore = before.autoFreeze ? before.spentMinor - before.limitMinor : 0n;
  return overAfter > overBefore;
}

/** Utilization as a decimal string with 4 places ("0.8125" = 81.25 %), exact; null when the limit is 0. */
export function utilization(spentMinor: bigint, limitMinor: bigint): string | null {
  if (limitMinor === 0n) return null;
  const scaled = (spentMinor * 10_000n) / limitMinor; // truncates toward zero
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(5, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -4)}.${digits.slice(-4)}`;
}

export type BudgetStatus = 'OK' | 'WARNING' | 'EXCEEDED' | 'FROZEN';

/**
 * OK below 80 %; WARNING from 80 %; EXCEEDED above 100 %; FROZEN when an AUTO_FREEZE budget has
 * reached its limit, so any further spend is refused.
 */
export function budgetStatus(spentMinor: bigint, limitMinor: bigint, autoFreeze: boolean): BudgetStatus {
  if (autoFreeze && spentMinor >= limitMinor) return 'FROZEN';
  if (spentMinor > limitMinor) return 'EXCEEDED';
  if (spentMinor * 100n >= limitMinor * 80n) return 'WARNING';
  return 'OK';
}

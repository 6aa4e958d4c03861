/**
 * The reporting buckets of a budget's window (one per month, quarter or year), clipped to the
 * window. Pure date arithmetic in UTC on calendar dates.
 */
export type Granularity = 'MONTH' | 'QUARTER' | 'YEAR';

export interface PeriodBucket {
  /** First day of the bucket inside the window. */
  start: Date;
  /** Last day of the bucket inside the window. */
  end: Date;
  /** The calendar period's own first day (the key spend is grouped by). */
  periodStart: Date;
}

/** Bounds the number of buckets one budget can ask for (a 100-year window by month). */
export const MAX_BUCKETS = 1200;

const MONTHS_PER_BUCKET: Record<Granularity, number> = { MONTH: 1, QUARTER: 3, YEAR: 12 };

/** The first day of the month / quarter / year holding `date`. */
export function periodStartOf(date: Date, granularity: Granularity): Date {
  const months = MONTHS_PER_BUCKET[granularity];
  const month = Math.floor(date.getUTCMonth() / months) * months;
  return new Date(Date.UTC(date.getUTCFullYear(), month, 1));
}

export function periodBuckets(dateFrom: Date, dateTo: Date, granularity: Granularity): PeriodBucket[] {
  const months = MONTHS_PER_BUCKET[granularity];
  const buckets: PeriodBucket[] = [];
  for (
    let periodStart = periodStartOf(dateFrom, granularity);
    periodStart.getTime() <= dateTo.getTime() && buckets.length < MAX_BUCKETS;
    periodStart = new Date(Date.UTC(periodStart.getUTCFullYear(), periodStart.getUTCMonth() + months, 1))
  ) {
    const periodEnd = new Date(Date.UTC(periodStart.getUTCFullYear(), periodStart.getUTCMonth() + months, 0));
    buckets.push({
      periodStart,
      start: periodStart.getTime() < dateFrom.getTime() ? dateFrom : periodStart,
      end: periodEnd.getTime() > dateTo.getTime() ? dateTo : periodEnd,
    });
  }
  return buckets;
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

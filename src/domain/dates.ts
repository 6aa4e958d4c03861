import { InvalidDateRangeError } from './errors.js';

/** Refuses a window whose start is after its end (both dates inclusive). */
export function requireDateRange(from: Date, to: Date, fields = { from: 'dateFrom', to: 'dateTo' }): void {
  if (from.getTime() > to.getTime()) {
    throw new InvalidDateRangeError(
      `${fields.from} (${from.toISOString().slice(0, 10)}) is after ${fields.to} (${to.toISOString().slice(0, 10)})`,
      fields.from,
    );
  }
}

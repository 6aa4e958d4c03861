/**
 * The dates of the budget spend rule, pure: when a posted expense counts against a budget, and
 * whether a day falls in a budget's window. The SQL that sums spend lives in
 * services/budgets/spend.ts and follows the same rule.
 */

/** The date a posted expense counts against a budget: its plan date, or the first day of its period. */
export function spendDate(entry: { plannedDate: Date | null; periodYear: number; periodMonth: number }): Date {
  return entry.plannedDate ?? new Date(Date.UTC(entry.periodYear, entry.periodMonth - 1, 1));
}

/** Whether `date` falls inside the budget's window [dateFrom, dateTo], by calendar day (UTC). */
export function isInWindow(budget: { dateFrom: Date; dateTo: Date }, date: Date): boolean {
  const day = date.toISOString().slice(0, 10);
  return day >= budget.dateFrom.toISOString().slice(0, 10) && day <= budget.dateTo.toISOString().slice(0, 10);
}

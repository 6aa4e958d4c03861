/** The `externalId` argument of the synced lists (budget groups, employees, contractors, projects, invoices). */
export function externalIdWhere(organizationId: string, externalId: string | null | undefined): { organizationId: string; externalId?: string } {
  // Stored ids are trimmed (services/budgets/external-ids.ts), so the filter trims too.
  return externalId == null ? { organizationId } : { organizationId, externalId: externalId.trim() };
}

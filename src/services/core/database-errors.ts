/** Recognising the database refusals services turn into typed domain errors. */

/** PostgreSQL unique violation as Prisma reports it: typically the loser of a race between two creates. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

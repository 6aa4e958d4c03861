/** Who is acting: every service call is scoped to one organization and attributed to one user. */
export interface Viewer {
  organizationId: string;
  /** The user behind the API key; null for system actions (demo seeding, imports by the CLI). */
  userId: string | null;
}

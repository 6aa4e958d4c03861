/**
 * The smallest raw-SQL surface the migrator needs, over either database driver. Migration files
 * hold many statements, which Prisma's raw queries (extended protocol) cannot run in one call.
 */
export interface SqlRunner {
  /** Runs a script of one or more statements, without parameters. */
  exec(sql: string): Promise<void>;
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
}

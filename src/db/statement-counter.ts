/**
 * Counts the SQL statements Prisma sends, at the driver adapter (below Prisma, so one Prisma call
 * that becomes several statements counts as several). Tests snapshot counts so an N+1 regression
 * fails a test instead of slowing production. Transaction control (BEGIN / COMMIT / ROLLBACK) is
 * not counted: the PostgreSQL adapter sends COMMIT through the query path and BEGIN not, PGlite's
 * neither, so counting them would make the same write differ by database.
 */
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';

const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK)\b/i;

export class StatementCounter {
  statements: string[] = [];

  get count(): number {
    return this.statements.length;
  }

  reset(): void {
    this.statements = [];
  }

  /** Wraps a driver adapter factory so every query on it (and on its transactions) is counted. */
  wrap = (factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory => {
    const counter = this;
    const countQueries = <T extends SqlDriverAdapter | Transaction>(target: T): T =>
      new Proxy(target, {
        get(object, property, receiver) {
          const value = Reflect.get(object, property, receiver);
          if (property === 'queryRaw' || property === 'executeRaw') {
            return (query: SqlQuery) => {
              if (!TRANSACTION_CONTROL.test(query.sql)) counter.statements.push(query.sql);
              return (value as (q: SqlQuery) => Promise<unknown>).call(object, query);
            };
          }
          if (property === 'startTransaction') {
            return async (...args: unknown[]) =>
              countQueries(await (value as (...a: unknown[]) => Promise<Transaction>).apply(object, args));
          }
          return typeof value === 'function' ? value.bind(object) : value;
        },
      });
    return new Proxy(factory, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver);
        if (property === 'connect') return async () => countQueries(await factory.connect());
        return typeof value === 'function' ? value.bind(object) : value;
      },
    });
  };
}

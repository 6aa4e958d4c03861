/**
 * closeAccount racing the writes that leave an unposted record or transfer on the account
 * (PostgreSQL only: PGlite runs one transaction at a time). closeAccount refuses an account that
 * such rows name (ACCOUNT_IN_USE), and a write refuses a closed account (ACCOUNT_CLOSED); run at
 * once, exactly one of the two must win, never both. Before, the writers read the account without
 * a lock their foreign key's KEY SHARE did not conflict with the close's NO KEY UPDATE, so both
 * could commit: an unposted record on a closed account, which can never be posted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/open.js';
import { DomainError } from '../../../src/domain/errors.js';
import { runService } from '../../../src/services/core/service.js';
import type { Viewer } from '../../../src/services/core/viewer.js';
import { closeAccount, createAccount } from '../../../src/services/ledger/accounts.js';
import { createEntry, updateEntry } from '../../../src/services/ledger/entries.js';
import { transferFunds } from '../../../src/services/ledger/transfers.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { usingPostgres } from '../../support/database.js';

const PAIRS = 20;

describe.skipIf(!usingPostgres)('closeAccount racing unposted writes on PostgreSQL', () => {
  let app: TestApp;
  let db: Db;
  let viewer: Viewer;
  beforeAll(async () => {
    app = await createTestApp();
    db = app.database.prisma;
    viewer = app.orgA.viewer;
  });
  afterAll(() => app?.close());

  const outcome = (result: PromiseSettledResult<unknown>) => {
    if (result.status === 'fulfilled') return 'ok';
    if (result.reason instanceof DomainError) return result.reason.code;
    throw result.reason;
  };
  const newAccount = (name: string) => runService(db, viewer, createAccount, { name, currency: 'EUR' });

  /** Runs `write` against `close` on a fresh empty account, PAIRS times; answers the outcomes. */
  async function race(write: (accountId: string, other: string) => Promise<unknown>) {
    const other = (await newAccount('Other')).id;
    const outcomes: string[] = [];
    for (let i = 0; i < PAIRS; i++) {
      const account = (await newAccount(`Racing ${i}`)).id;
      const [written, closed] = await Promise.allSettled([write(account, other), runService(db, viewer, closeAccount, { id: account })]);
      outcomes.push(`${outcome(written)}/${outcome(closed)}`);
      const row = await db.account.findUniqueOrThrow({ where: { id: account } });
      const unposted =
        (await db.entry.count({ where: { accountId: account, posted: false } })) +
        (await db.transfer.count({ where: { OR: [{ fromAccountId: account }, { toAccountId: account }], posted: false, cancelledAt: null } }));
      // The rule both sides enforce: a closed account has nothing unposted on it.
      expect(row.closedAt !== null && unposted > 0, `pair ${i}: ${outcomes.at(-1)}`).toBe(false);
    }
    for (const pair of outcomes) expect(['ok/ACCOUNT_IN_USE', 'ACCOUNT_CLOSED/ok']).toContain(pair);
    return outcomes;
  }

  it(`createExpense without post vs closeAccount, ${PAIRS} pairs: one wins, never both`, async () => {
    await race((accountId) => runService(db, viewer, createEntry, { kind: 'EXPENSE', title: 'Planned', amount: '1.00', accountId }));
  });

  it(`an unposted transfer to the account vs closeAccount, ${PAIRS} pairs: one wins, never both`, async () => {
    await race((accountId, other) => runService(db, viewer, transferFunds, { fromAccountId: other, toAccountId: accountId, amount: '1.00', title: 'Planned' }));
  });

  it(`moving an unposted record onto the account vs closeAccount, ${PAIRS} pairs: one wins, never both`, async () => {
    await race(async (accountId, other) => {
      const { entry } = await runService(db, viewer, createEntry, { kind: 'EXPENSE', title: 'To move', amount: '1.00', accountId: other });
      return runService(db, viewer, updateEntry, { kind: 'EXPENSE', id: entry.id, accountId });
    });
  });
});

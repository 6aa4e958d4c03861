/**
 * Concurrency on real PostgreSQL (parallel connections; PGlite has only one): postings never
 * overdraw, transfers in both directions never deadlock, and the balance invariant holds after.
 * Run with TEST_DATABASE_URL set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId as gid } from '../../../src/graphql/global-id.js';
import { createAccount } from '../../../src/services/ledger/accounts.js';
import { createEntry } from '../../../src/services/ledger/entries.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { usingPostgres } from '../../support/database.js';
import { expectBalanceInvariant } from '../../support/ledger-fixtures.js';
import { runService } from '../../../src/services/core/service.js';

describe.skipIf(!usingPostgres)('ledger concurrency on PostgreSQL', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());

  it('50 concurrent postExpense calls against funds for exactly 10: exactly 10 succeed, never overdrawn', async () => {
    const db = app.database.prisma;
    const viewer = app.orgA.viewer;
    const account = await runService(db, viewer, createAccount, { name: 'Funds for ten', currency: 'RUB', openingBalance: '100.00' });
    const ids: string[] = [];
    for (let n = 0; n < 50; n += 1) {
      ids.push((await runService(db, viewer, createEntry, { kind: 'EXPENSE', title: `E${n}`, amount: '10.00', accountId: account.id })).entry.id);
    }
    const results = await Promise.all(
      ids.map((id) =>
        app.gql(`mutation($id: ID!) { postExpense(input: { id: $id }) { __typename ... on Error { code } } }`, { id: gid('Expense', id) }),
      ),
    );
    expect(results.every((res) => res.errors === undefined)).toBe(true);
    const outcomes = results.map((res) => res.data!.postExpense.code ?? res.data!.postExpense.__typename);
    expect(outcomes.filter((o) => o === 'PostExpenseSuccess')).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'INSUFFICIENT_FUNDS')).toHaveLength(40);
    expect(await db.entry.count({ where: { accountId: account.id, posted: true } })).toBe(10);
    expect(await expectBalanceInvariant(db, account.id)).toBe(0n);
    expect(await db.changelogEvent.count({ where: { entityId: { in: ids }, action: 'POSTED' } })).toBe(10);
  });

  it('concurrent transfers in both directions between two accounts never deadlock-fail or overdraw', async () => {
    const db = app.database.prisma;
    const viewer = app.orgA.viewer;
    const a = await runService(db, viewer, createAccount, { name: 'A', currency: 'EUR', openingBalance: '100.00' });
    const b = await runService(db, viewer, createAccount, { name: 'B', currency: 'EUR', openingBalance: '100.00' });
    const transfer = (from: string, to: string) =>
      app.gql(
        `mutation($input: TransferFundsInput!) { transferFunds(input: $input) { __typename ... on Error { code } } }`,
        { input: { fromAccountId: gid('Account', from), toAccountId: gid('Account', to), amount: '10.00', title: 'ping-pong', post: true } },
      );
    const calls = Array.from({ length: 80 }, (_, n) => (n % 2 ? transfer(a.id, b.id) : transfer(b.id, a.id)));
    const results = await Promise.all(calls);
    // A deadlock would surface as a top-level error (masked INTERNAL_SERVER_ERROR), not a typed one.
    expect(results.filter((res) => res.errors !== undefined)).toEqual([]);
    const outcomes = results.map((res) => res.data!.transferFunds.code ?? res.data!.transferFunds.__typename);
    expect(outcomes.every((o) => o === 'TransferFundsSuccess' || o === 'INSUFFICIENT_FUNDS')).toBe(true);
    const balanceA = await expectBalanceInvariant(db, a.id);
    const balanceB = await expectBalanceInvariant(db, b.id);
    expect(balanceA + balanceB).toBe(20000n);
    const posted = await db.transfer.findMany({ where: { fromAccountId: { in: [a.id, b.id] }, posted: true } });
    expect(posted).toHaveLength(outcomes.filter((o) => o === 'TransferFundsSuccess').length);
  });

  it('concurrent post, unpost and edits of posted records keep the invariant', async () => {
    const db = app.database.prisma;
    const viewer = app.orgA.viewer;
    const account = await runService(db, viewer, createAccount, { name: 'Busy', currency: 'RUB', openingBalance: '50.00' });
    const entries = [];
    for (let n = 0; n < 20; n += 1) {
      entries.push((await runService(db, viewer, createEntry, { kind: 'EXPENSE', title: `E${n}`, amount: '5.00', accountId: account.id, post: n < 5 })).entry);
    }
    const operations = entries.flatMap((entry, n) => [
      app.gql(`mutation($id: ID!) { postExpense(input: { id: $id }) { __typename } }`, { id: gid('Expense', entry.id) }),
      app.gql(`mutation($id: ID!, $amount: Decimal!) { updateExpense(input: { id: $id, amount: $amount }) { __typename } }`, {
        id: gid('Expense', entry.id),
        amount: n % 2 ? '7.00' : '3.00',
      }),
      n % 3 === 0 ? app.gql(`mutation($id: ID!) { unpostExpense(input: { id: $id }) { __typename } }`, { id: gid('Expense', entry.id) }) : null,
    ]);
    const results = await Promise.all(operations.filter((op) => op !== null));
    expect(results.filter((res) => res.errors !== undefined)).toEqual([]);
    await expectBalanceInvariant(db, account.id);
  });
});

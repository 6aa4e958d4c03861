/**
 * Balances and totals stay inside what PostgreSQL's bigint holds (issue 10, item 7): a write that
 * would take an account's balance or a budget's spend past it is TOTAL_OUT_OF_RANGE with nothing
 * changed, and a budget whose spend is past it anyway (older data) still reads exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/open.js';
import { encodeGlobalId } from '../../../src/graphql/global-id.js';
import { formatMoney, MAX_TOTAL_MINOR, maxAmountMinor } from '../../../src/domain/money.js';
import { createBudgetTransaction } from '../../../src/services/budgets/budget-transactions.js';
import { budgetSpentMinor } from '../../../src/services/budgets/spend.js';
import { runService } from '../../../src/services/core/service.js';
import type { Viewer } from '../../../src/services/core/viewer.js';
import { createAccount } from '../../../src/services/ledger/accounts.js';
import { createEntry } from '../../../src/services/ledger/entries.js';
import { postEntry, unpostEntry } from '../../../src/services/ledger/posting.js';
import { transferFunds } from '../../../src/services/ledger/transfers.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { budgetFixture, transactionFixture } from '../../support/budget-fixtures.js';
import { expectBalanceInvariant, ledgerSnapshot } from '../../support/ledger-fixtures.js';
import { bigintJson, expectCode } from '../../support/service-fixture.js';

const MAX_BHD = '999999999999999.999'; // 10^18 − 1 minor units

let app: TestApp;
let db: Db;
let viewer: Viewer;
beforeAll(async () => {
  app = await createTestApp();
  db = app.database.prisma;
  viewer = app.orgA.viewer;
});
afterAll(() => app.close());

const state = async () => JSON.stringify(await ledgerSnapshot(db, viewer.organizationId), bigintJson);

async function expectRefusedUnchanged(refused: () => Promise<unknown>, code: string): Promise<void> {
  const before = await state();
  await expectCode(refused(), code);
  expect(await state()).toBe(before);
}

describe('an account balance never passes the largest total', () => {
  it('repeated maximal incomes on a BHD account: TOTAL_OUT_OF_RANGE once the next would pass bigint, nothing written', async () => {
    const account = await runService(db, viewer, createAccount, { name: 'Full', currency: 'BHD', openingBalance: MAX_BHD });
    const income = (post: boolean) => runService(db, viewer, createEntry, { kind: 'INCOME', title: 'Max', amount: MAX_BHD, accountId: account.id, post });
    for (let i = 0; i < 8; i++) await income(true); // 9 × (10^18 − 1) still fits
    expect(await expectBalanceInvariant(db, account.id)).toBe(9n * maxAmountMinor('BHD'));

    await expectRefusedUnchanged(() => income(true), 'TOTAL_OUT_OF_RANGE');
    // Saved unposted it may be; posting it later is refused the same way.
    const unposted = await income(false);
    await expectRefusedUnchanged(() => runService(db, viewer, postEntry, { id: unposted.entry.id, kind: 'INCOME' }), 'TOTAL_OUT_OF_RANGE');
    expect(await expectBalanceInvariant(db, account.id)).toBeLessThanOrEqual(MAX_TOTAL_MINOR);
  });

  it('a transfer into a full account, and unposting an expense on one, are refused the same way', async () => {
    const full = await runService(db, viewer, createAccount, { name: 'Full 2', currency: 'BHD', openingBalance: MAX_BHD });
    const income = (amount: string) => runService(db, viewer, createEntry, { kind: 'INCOME', title: 'In', amount, accountId: full.id, post: true });
    for (let i = 0; i < 8; i++) await income(MAX_BHD);
    // Up to exactly the largest balance: 9 223 372 036 854 775.807 BHD.
    await income(formatMoney(MAX_TOTAL_MINOR - 9n * maxAmountMinor('BHD'), 'BHD'));
    expect(await expectBalanceInvariant(db, full.id)).toBe(MAX_TOTAL_MINOR);

    const source = await runService(db, viewer, createAccount, { name: 'Source', currency: 'BHD', openingBalance: '1.000' });
    await expectRefusedUnchanged(
      () => runService(db, viewer, transferFunds, { fromAccountId: source.id, toAccountId: full.id, amount: '0.001', title: 'Too much', post: true }),
      'TOTAL_OUT_OF_RANGE',
    );
    const spend = await runService(db, viewer, createEntry, { kind: 'EXPENSE', title: 'Out', amount: '1.000', accountId: full.id, post: true });
    await income('1.000'); // full again
    await expectRefusedUnchanged(() => runService(db, viewer, unpostEntry, { id: spend.entry.id, kind: 'EXPENSE' }), 'TOTAL_OUT_OF_RANGE');
    expect(await expectBalanceInvariant(db, full.id)).toBe(MAX_TOTAL_MINOR);
    await expectBalanceInvariant(db, source.id);
  });
});

describe("a budget's spend", () => {
  it('ten maximal parts: the tenth is TOTAL_OUT_OF_RANGE, nothing written', async () => {
    const budget = await budgetFixture(db, viewer, { currency: 'BHD', limit: MAX_BHD, config: [] });
    const charge = async () => {
      const transaction = await transactionFixture(db, viewer, { currency: 'BHD', amount: MAX_BHD });
      return () => runService(db, viewer, createBudgetTransaction, { budgetId: budget.id, transactionId: transaction.id, amount: MAX_BHD });
    };
    for (let i = 0; i < 9; i++) await (await charge())();
    expect(await budgetSpentMinor(db, budget)).toBe(9n * maxAmountMinor('BHD'));
    const tenth = await charge();
    const parts = await db.budgetTransaction.count({ where: { budgetId: budget.id } });
    await expectCode(tenth(), 'TOTAL_OUT_OF_RANGE');
    expect(await db.budgetTransaction.count({ where: { budgetId: budget.id } })).toBe(parts);
  });

  it('past bigint anyway (written before the limit existed): reads exactly through node and budgets, no failure', async () => {
    const budget = await budgetFixture(db, viewer, { name: 'Legacy', currency: 'BHD', limit: '0', config: [] });
    const transaction = await transactionFixture(db, viewer, { currency: 'BHD', amount: MAX_BHD });
    // Rows as the old code let them be written: ten maximal parts, 10^19 − 10 minor units in all.
    for (let i = 0; i < 10; i++) {
      await db.budgetTransaction.create({
        data: { organizationId: viewer.organizationId, budgetId: budget.id, transactionId: transaction.id, amountMinor: maxAmountMinor('BHD') },
      });
    }
    const exact = 10n * maxAmountMinor('BHD');
    expect(await budgetSpentMinor(db, budget)).toBe(exact);
    const node = await app.gql(`query($id: ID!) { node(id: $id) { ... on Budget { spent remaining spendByPeriod { spent } } } }`, {
      id: encodeGlobalId('Budget', budget.id),
    });
    expect(node.errors).toBeUndefined();
    expect(node.data!.node).toMatchObject({ spent: '9999999999999999.990', remaining: '-9999999999999999.990' });
    expect(node.data!.node.spendByPeriod).toContainEqual({ spent: '9999999999999999.990' });
    const list = await app.gql(`{ budgets(first: 100) { nodes { name spent } } }`);
    expect(list.errors).toBeUndefined();
    expect(list.data!.budgets.nodes).toContainEqual({ name: 'Legacy', spent: '9999999999999999.990' });
  });
});


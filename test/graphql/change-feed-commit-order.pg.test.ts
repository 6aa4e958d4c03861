/**
 * The change feed's order under overlapping transactions (PostgreSQL only: PGlite runs one
 * transaction at a time, so its commits never overtake each other). A transaction that wrote an
 * event first but commits last must not be passed by a cursor: the feed holds later transactions'
 * events back until every older transaction has finished.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBudget, deleteBudget, updateBudget } from '../../src/services/budgets/budgets.js';
import { readChanges } from '../../src/services/core/change-feed.js';
import { runUnitOfWork } from '../../src/services/core/unit-of-work.js';
import { day } from '../support/budget-fixtures.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { usingPostgres } from '../support/database.js';
import { untilFeedHasCaughtUp } from '../support/feed-horizon.js';

const budgetInput = (name: string) => ({
  name, type: 'GLOBAL', granularity: 'MONTH', dateFrom: day('2024-01-01'), dateTo: day('2024-12-31'), limit: '100.00', currency: 'EUR',
});

describe.skipIf(!usingPostgres)('change feed commit order on PostgreSQL', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());

  const feed = (after: string | null) => readChanges(app.database.prisma, app.orgA.viewer, { after, first: 1000 });

  it('an event written first and committed last is handed out before any later one, never skipped', async () => {
    const db = app.database.prisma;
    const viewer = app.orgA.viewer;
    await untilFeedHasCaughtUp(db, viewer.organizationId);
    const start = (await feed(null)).cursor;
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstWrote!: () => void;
    const firstHasWritten = new Promise<void>((resolve) => (firstWrote = resolve));
    const slow = runUnitOfWork({ db, viewer }, async (uow) => {
      const budget = await createBudget(uow, budgetInput('Written first, committed last'));
      firstWrote();
      await firstMayCommit;
      return budget;
    });
    await firstHasWritten;
    const fast = await runUnitOfWork({ db, viewer }, (uow) => createBudget(uow, budgetInput('Written second, committed first')));

    // The fast transaction has committed, but an older one is still running: nothing is handed out yet.
    const whileOpen = await feed(start);
    expect(whileOpen.changes).toEqual([]);
    expect(whileOpen.cursor).toBe(start);
    // Ordering by seq alone would have handed out the fast one here and skipped the slow one later.
    const bySeq = await db.changelogEvent.findMany({ where: { organizationId: viewer.organizationId }, orderBy: { seq: 'desc' }, take: 1 });
    expect(bySeq[0]!.entityId).toBe(fast.id);

    releaseFirst();
    const slowBudget = await slow;
    await untilFeedHasCaughtUp(db, viewer.organizationId);
    const after = await feed(whileOpen.cursor);
    expect(after.changes.map((change) => change.entityId)).toEqual([slowBudget.id, fast.id]);
  });

  it('a follower polling while 8 writers overlap their transactions ends with exactly the current budgets', async () => {
    const db = app.database.prisma;
    const viewer = app.orgA.viewer;
    const held = new Map<string, true>();
    let received = 0;
    const apply = (changes: Awaited<ReturnType<typeof feed>>['changes']) => {
      received += changes.length;
      for (const change of changes) {
        if (change.operation === 'DELETED') held.delete(change.entityId);
        else held.set(change.entityId, true);
      }
    };
    await untilFeedHasCaughtUp(db, viewer.organizationId);
    let { cursor, changes } = await feed(null);
    apply(changes.filter((change) => change.type === 'Budget'));
    let writing = true;
    let receivedWhileWriting = 0;
    const follower = (async () => {
      while (writing) {
        const page = await readChanges(db, viewer, { after: cursor, types: ['Budget'], first: 5 });
        receivedWhileWriting += page.changes.length;
        apply(page.changes);
        cursor = page.cursor;
      }
    })();
    // Each write sleeps a random moment between its changelog event and its commit, so commits
    // overtake each other's inserts all the time.
    const pause = (uow: { tx: { $executeRawUnsafe(sql: string): Promise<unknown> } }) => uow.tx.$executeRawUnsafe(`SELECT pg_sleep(${(Math.random() * 0.04).toFixed(3)})`);
    await Promise.all(
      Array.from({ length: 8 }, async (_, writer) => {
        const mine: string[] = [];
        for (let step = 0; step < 9; step++) {
          await runUnitOfWork({ db, viewer }, async (uow) => {
            if (step % 3 === 2) await deleteBudget(uow, { id: mine.shift()! });
            else if (step % 3 === 1) await updateBudget(uow, { id: mine[0]!, limit: `${step}.00` });
            else mine.push((await createBudget(uow, budgetInput(`W${writer}-${step}`))).id);
            await pause(uow);
          });
        }
      }),
    );
    writing = false;
    await follower;
    await untilFeedHasCaughtUp(db, viewer.organizationId);
    for (let page = await feed(cursor); ; page = await feed(page.cursor)) {
      apply(page.changes.filter((change) => change.type === 'Budget'));
      if (!page.hasMore) break;
    }
    const current = await db.budget.findMany({ where: { organizationId: viewer.organizationId }, select: { id: true } });
    expect([...held.keys()].sort()).toEqual(current.map((budget) => budget.id).sort());
    // Every event exactly once (none skipped, none twice; each transaction here changes one budget
    // once, so no two events merge), many of them while the writers ran.
    expect(received).toBe(await db.changelogEvent.count({ where: { organizationId: viewer.organizationId, nodeType: 'Budget' } }));
    expect(receivedWhileWriting).toBeGreaterThan(0);
  });
});

/**
 * `npx tsx bench/ledger.ts`: what the CRM ledger costs, in-process through yoga.fetch.
 *
 * 1. Listing a page of 100 expenses with category, account, counterparty and changelog: SQL
 *    statements per request and p50/p95 latency over RUNS requests.
 * 2. Posting: POSTS expenses posted one after another, then (PostgreSQL only, where connections
 *    are parallel) POSTS posted with CONCURRENCY in flight against one account.
 *
 * Environment: BENCH_DATABASE_URL (a PostgreSQL server database to use; default in-memory PGlite),
 * BENCH_RUNS (default 200), BENCH_POSTS (default 200), BENCH_CONCURRENCY (default 16).
 */
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/db/open.js';
import { StatementCounter } from '../src/db/statement-counter.js';
import { encodeGlobalId } from '../src/graphql/global-id.js';
import { DEFAULT_LIMITS } from '../src/config.js';
import { createAllotYoga, DEFAULT_HARDENING } from '../src/http/yoga.js';
import { createAccount } from '../src/services/ledger/accounts.js';
import { createCategory } from '../src/services/ledger/categories.js';
import { createCounterparty } from '../src/services/ledger/counterparties.js';
import { createEntry } from '../src/services/ledger/entries.js';
import { createOrganization } from '../src/services/core/organizations.js';
import { runService } from '../src/services/core/service.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const POSTS = Number(process.env.BENCH_POSTS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const databaseUrl = process.env.BENCH_DATABASE_URL;

const statements = new StatementCounter();
const database = await openDatabase({ databaseUrl, wrapAdapter: statements.wrap, poolSize: CONCURRENCY + 2 });
const db = database.prisma;
// A page of 100 expenses with their changelog costs ~800, over the default limit of 500 that a
// production client would page under; the benchmark measures the page itself.
const yoga = createAllotYoga({
  db,
  graphiql: false,
  logError: () => {},
  hardening: { ...DEFAULT_HARDENING, limits: { ...DEFAULT_LIMITS, maxCost: 10_000 } },
});
const { organization, apiKey, key } = await createOrganization(db, { name: 'Bench' });
const viewer = { organizationId: organization.id, userId: key.userId };

const gql = async (query: string, variables: Record<string, unknown> = {}) => {
  const response = await yoga.fetch('http://bench/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
};
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;

console.log(`Database: ${database.kind}`);
const account = await runService(db, viewer, createAccount, { name: 'Bench', currency: 'RUB', openingBalance: '1000000.00' });
const parent = await runService(db, viewer, createCategory, { title: 'Office', kind: 'EXPENSE' });
const category = await runService(db, viewer, createCategory, { title: 'Rent', kind: 'EXPENSE', parentId: parent.id });
const supplier = await runService(db, viewer, createCounterparty, { kind: 'SUPPLIER', name: 'Supplier' });
for (let n = 0; n < 100; n += 1) {
  await runService(db, viewer, createEntry, {
    kind: 'EXPENSE', title: `E${n}`, amount: '1.00', accountId: account.id, categoryId: category.id, counterpartyId: supplier.id,
    plannedDate: new Date('2024-05-01T00:00:00Z'), post: n % 2 === 0,
  });
}

const LIST = `{ expenses(first: 100, filter: { year: 2024 }) { totalCount edges { node {
  id title amount posted isOverdue period { label } category { title parent { title } } account { name balance }
  supplier { name } partner { name } changelog { at action user { name } changes { field from to } } } } } }`;
statements.reset();
const first = await gql(LIST);
if (first.errors) throw new Error(JSON.stringify(first.errors));
console.log(`List 100 expenses with relations and changelog: ${statements.count} SQL statements per request`);
const listTimes: number[] = [];
for (let run = 0; run < RUNS; run += 1) {
  const started = performance.now();
  await gql(LIST);
  listTimes.push(performance.now() - started);
}
listTimes.sort((a, b) => a - b);
console.log(`  latency over ${RUNS} requests: p50 ${ms(percentile(listTimes, 50))}, p95 ${ms(percentile(listTimes, 95))}`);

async function createUnposted(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < count; n += 1) {
    ids.push((await runService(db, viewer, createEntry, { kind: 'EXPENSE', title: `P${n}`, amount: '1.00', accountId: account.id })).entry.id);
  }
  return ids;
}
const POST = `mutation($id: ID!) { postExpense(input: { id: $id }) { __typename } }`;

const sequential = await createUnposted(POSTS);
let started = performance.now();
for (const id of sequential) await gql(POST, { id: encodeGlobalId('Expense', id) });
let elapsed = performance.now() - started;
console.log(`postExpense one after another: ${POSTS} in ${ms(elapsed)} (${((POSTS * 1000) / elapsed).toFixed(0)}/s)`);

if (database.kind === 'postgres') {
  const concurrent = await createUnposted(POSTS);
  started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < concurrent.length) await gql(POST, { id: encodeGlobalId('Expense', concurrent[next++]!) });
    }),
  );
  elapsed = performance.now() - started;
  console.log(`postExpense ${CONCURRENCY} in flight on one account: ${POSTS} in ${ms(elapsed)} (${((POSTS * 1000) / elapsed).toFixed(0)}/s)`);
}
const balance = await db.account.findUniqueOrThrow({ where: { id: account.id } });
console.log(`Final balance ${balance.balanceMinor} minor units`);
await database.close();

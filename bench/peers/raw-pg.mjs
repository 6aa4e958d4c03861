/**
 * The floor for `npm run bench:compare`: a minimal Node HTTP server over `pg` that answers the
 * benchmark's operations with the same JSON Allot answers, and nothing else.
 *
 * - It checks the API key exactly as Allot does (src/services/core/organizations.ts,
 *   authenticateApiKey): `allot_` prefix, SHA-256 of the secret looked up in "ApiKey" by
 *   "secretHash", refused when revoked, constant-time comparison. One statement, every request,
 *   not cached.
 * - Each read is ONE hand-written SQL statement that builds the response JSON in PostgreSQL.
 * - The write (createExpense with post: true) is one transaction doing Allot's writes: lock the
 *   account, insert the entry already posted, move the balance, two changelog events (NEW, POSTED).
 *
 * It does not parse GraphQL: it picks the statement by `operationName` (A, B, C, D, W) and takes
 * the variables it needs. Plain JavaScript, so it runs on any Node without a loader.
 *
 * Environment: DATABASE_URL, PORT, HOST (default 127.0.0.1), POOL_SIZE (default 10, Allot's).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const KEY_PREFIX = 'allot_';

async function authenticate(header) {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
  const presented = match?.[1];
  if (!presented || !presented.startsWith(KEY_PREFIX) || presented.length > 200) return null;
  const hash = createHash('sha256').update(presented).digest('hex');
  const { rows } = await pool.query(
    'SELECT id, "organizationId", "userId", "secretHash", "revokedAt" FROM "ApiKey" WHERE "secretHash" = $1',
    [hash],
  );
  const key = rows[0];
  if (!key || key.revokedAt) return null;
  if (!timingSafeEqual(Buffer.from(key.secretHash, 'hex'), Buffer.from(hash, 'hex'))) return null;
  return { organizationId: key.organizationId, userId: key.userId };
}

function decodeId(globalId, typename) {
  const decoded = Buffer.from(String(globalId), 'base64url').toString('utf8');
  const [type, id] = decoded.split(':');
  if (type !== typename || !/^[0-9a-f-]{36}$/i.test(id ?? '')) throw new Error(`not a ${typename} id`);
  return id;
}

// Relay global id as Allot encodes it: base64url("Type:uuid"), no padding.
const gid = (type, column) => `rtrim(translate(encode(convert_to('${type}:' || ${column}::text, 'UTF8'), 'base64'), '+/', '-_'), '=')`;
// Decimal string of minor units; every currency in the benchmark has 2 decimals.
const money = (column) => `(${column}::numeric / 100)::numeric(20,2)::text`;

const READS = {
  // (a) 50 newest expenses with category title and account name (Allot's default order).
  A: {
    sql: `SELECT json_build_object('data', json_build_object('expenses', json_build_object('nodes', COALESCE(json_agg(json_build_object(
            'id', ${gid('Expense', 'p.id')}, 'title', p.title, 'amount', ${money('p."amountMinor"')}, 'posted', p.posted,
            'category', CASE WHEN p.ctitle IS NULL THEN NULL ELSE json_build_object('title', p.ctitle) END,
            'account', json_build_object('name', p.aname)) ORDER BY p."createdAt" DESC, p.id DESC), '[]'::json))))::text AS body
          FROM (SELECT e.id, e.title, e."amountMinor", e.posted, e."createdAt", c.title AS ctitle, a.name AS aname
                FROM "Entry" e JOIN "Account" a ON a.id = e."accountId" LEFT JOIN "Category" c ON c.id = e."categoryId"
                WHERE e."organizationId" = $1 AND e.kind = 'EXPENSE'
                ORDER BY e."createdAt" DESC, e.id DESC LIMIT 50) p`,
    params: (viewer) => [viewer.organizationId],
  },
  // (b) one budget with its spent amount (Allot's spend rule, src/services/budgets/spend.ts).
  B: {
    sql: `SELECT json_build_object('data', json_build_object('node', (
            SELECT json_build_object('id', ${gid('Budget', 'b.id')}, 'name', b.name, 'limit', ${money('b."limitMinor"')},
              'spent', ${money(`(COALESCE((SELECT SUM(e."amountMinor") FROM "Entry" e
                  WHERE e."budgetId" = b.id AND e.kind = 'EXPENSE' AND e.posted
                    AND COALESCE(e."plannedDate", make_date(e."periodYear", e."periodMonth", 1)) BETWEEN b."dateFrom" AND b."dateTo"), 0)
                + COALESCE((SELECT SUM(bt."amountMinor") FROM "BudgetTransaction" bt JOIN "Transaction" t ON t.id = bt."transactionId"
                  WHERE bt."budgetId" = b.id AND t.date BETWEEN b."dateFrom" AND b."dateTo"), 0))`)})
            FROM "Budget" b WHERE b.id = $2 AND b."organizationId" = $1)))::text AS body`,
    params: (viewer, variables) => [viewer.organizationId, decodeId(variables.id, 'Budget')],
  },
  // (c) the whole expense category tree, three levels, children by title.
  C: {
    sql: `WITH c AS (SELECT id, title, "parentId" FROM "Category" WHERE "organizationId" = $1 AND kind = 'EXPENSE')
          SELECT json_build_object('data', json_build_object('categories', COALESCE((
            SELECT json_agg(json_build_object('id', ${gid('Category', 'r.id')}, 'title', r.title, 'children', COALESCE((
              SELECT json_agg(json_build_object('id', ${gid('Category', 'k.id')}, 'title', k.title, 'children', COALESCE((
                SELECT json_agg(json_build_object('id', ${gid('Category', 'g.id')}, 'title', g.title) ORDER BY g.title, g.id)
                FROM c g WHERE g."parentId" = k.id), '[]'::json)) ORDER BY k.title, k.id)
              FROM c k WHERE k."parentId" = r.id), '[]'::json)) ORDER BY r.title, r.id)
            FROM c r WHERE r."parentId" IS NULL), '[]'::json)))::text AS body`,
    params: (viewer) => [viewer.organizationId],
  },
  // (d) accounts(first: 5): open accounts, oldest first.
  D: {
    sql: `SELECT json_build_object('data', json_build_object('accounts', json_build_object('nodes', COALESCE(json_agg(json_build_object(
            'id', ${gid('Account', 'p.id')}, 'name', p.name, 'balance', ${money('p."balanceMinor"')}, 'currency', p.currency)
            ORDER BY p."createdAt", p.id), '[]'::json))))::text AS body
          FROM (SELECT id, name, "balanceMinor", currency, "createdAt" FROM "Account"
                WHERE "organizationId" = $1 AND "closedAt" IS NULL ORDER BY "createdAt", id LIMIT 5) p`,
    params: (viewer) => [viewer.organizationId],
  },
};

/** createExpense(input: {title, amount, accountId, categoryId, post: true}) in one transaction. */
async function createPostedExpense(viewer, input) {
  const accountId = decodeId(input.accountId, 'Account');
  const categoryId = input.categoryId ? decodeId(input.categoryId, 'Category') : null;
  const [whole, fraction = ''] = String(input.amount).split('.');
  const amountMinor = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(
      `SELECT a."balanceMinor", a.currency,
              ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM "Category" c WHERE c.id = $3 AND c."organizationId" = $2 AND c.kind = 'EXPENSE')) AS "categoryOk"
       FROM "Account" a WHERE a.id = $1 AND a."organizationId" = $2 AND a."closedAt" IS NULL FOR UPDATE`,
      [accountId, viewer.organizationId, categoryId],
    );
    const account = rows[0];
    if (!account || !account.categoryOk) throw new Error('account or category not found');
    if (BigInt(account.balanceMinor) < amountMinor) throw new Error('insufficient funds');
    const entry = await client.query(
      `INSERT INTO "Entry" (id, "organizationId", kind, title, "categoryId", "accountId", "amountMinor", "periodYear", "periodMonth",
                            posted, "postedAt", "authorId", "createdAt", "updatedAt")
       VALUES (gen_random_uuid(), $1, 'EXPENSE', $2, $3, $4, $5, extract(year FROM now() AT TIME ZONE 'UTC')::int,
               extract(month FROM now() AT TIME ZONE 'UTC')::int, true, now(), $6, now(), now())
       RETURNING id`,
      [viewer.organizationId, input.title, categoryId, accountId, amountMinor.toString(), viewer.userId],
    );
    const entryId = entry.rows[0].id;
    await client.query('UPDATE "Account" SET "balanceMinor" = "balanceMinor" - $1, "updatedAt" = now() WHERE id = $2', [
      amountMinor.toString(),
      accountId,
    ]);
    await client.query(
      `INSERT INTO "ChangelogEvent" (id, "organizationId", "entityType", "entityId", action, "userId", comment, changes, at)
       VALUES (gen_random_uuid(), $1, 'Entry', $2, 'NEW', $3, $4, '{}', now()),
              (gen_random_uuid(), $1, 'Entry', $2, 'POSTED', $3, NULL, $5, now())`,
      [
        viewer.organizationId,
        entryId,
        viewer.userId,
        `Added expense of ${input.amount} ${account.currency}`,
        JSON.stringify({ posted: { from: false, to: true } }),
      ],
    );
    await client.query('COMMIT');
    return Buffer.from(`Expense:${entryId}`).toString('base64url');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = createServer(async (req, res) => {
  try {
    if (req.method !== 'POST' || !req.url?.startsWith('/graphql')) return send(res, 404, '{"error":"not found"}');
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const viewer = await authenticate(req.headers.authorization);
    if (!viewer) {
      return send(res, 401, JSON.stringify({ errors: [{ message: 'Invalid or revoked API key', extensions: { code: 'UNAUTHENTICATED' } }] }));
    }
    const variables = request.variables ?? {};
    if (request.operationName === 'W') {
      const id = await createPostedExpense(viewer, variables.input);
      return send(res, 200, JSON.stringify({ data: { createExpense: { __typename: 'CreateExpenseSuccess', expense: { id, posted: true } } } }));
    }
    const read = READS[request.operationName];
    if (!read) return send(res, 400, JSON.stringify({ errors: [{ message: `unknown operation ${request.operationName}` }] }));
    const { rows } = await pool.query(read.sql, read.params(viewer, variables));
    send(res, 200, rows[0].body);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) send(res, 500, JSON.stringify({ errors: [{ message: 'Unexpected error.' }] }));
  }
});

server.listen(Number(process.env.PORT ?? 4353), process.env.HOST ?? '127.0.0.1', () => {
  console.log(`raw pg server on ${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? 4353}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    void pool.end().finally(() => process.exit(0));
  });
}

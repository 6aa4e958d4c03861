/**
 * The four reads and the write of issue 9, as each server is asked them, and how each answer is
 * reduced to one canonical form so the servers can be checked to return the same data.
 * Allot and the raw server take the same request body (the raw one picks its statement by
 * operationName); PostGraphile gets the equivalent query in its own schema.
 */
export type ServerKind = 'allot' | 'postgraphile' | 'raw';

export interface ReadQuery {
  key: 'a' | 'b' | 'c' | 'd';
  label: string;
  body(kind: ServerKind, ids: { budgetId: string }): { query: string; operationName: string; variables?: Record<string, unknown> };
  canonical(kind: ServerKind, response: any): unknown;
}

const fromGlobalId = (id: string) => Buffer.from(id, 'base64url').toString('utf8').split(':')[1];
const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64url');
/** "123.45" → "12345" (every benchmark currency has 2 decimals). */
const minor = (decimal: string) => {
  const [whole, fraction = ''] = decimal.split('.');
  return (BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0')) * (decimal.startsWith('-') ? -1n : 1n)).toString();
};
const byTitle = (a: { title: string; id: string }, b: { title: string; id: string }) =>
  a.title < b.title ? -1 : a.title > b.title ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

const ORDER = '[CREATED_AT_DESC, ROW_ID_DESC]';
const TITLE = '[TITLE_ASC, ROW_ID_ASC]';

export const READS: ReadQuery[] = [
  {
    key: 'a',
    label: '(a) 50 newest expenses with category title and account name',
    body: (kind) =>
      kind === 'postgraphile'
        ? {
            operationName: 'A',
            query: `query A { allEntries(first: 50, condition: { kind: EXPENSE }, orderBy: ${ORDER}) { nodes { rowId title amountMinor posted categoryByCategoryId { title } accountByAccountId { name } } } }`,
          }
        : { operationName: 'A', query: 'query A { expenses(first: 50) { nodes { id title amount posted category { title } account { name } } } }' },
    canonical: (kind, response) =>
      kind === 'postgraphile'
        ? response.data.allEntries.nodes.map((n: any) => ({
            id: n.rowId, title: n.title, amountMinor: String(n.amountMinor), posted: n.posted,
            category: n.categoryByCategoryId?.title ?? null, account: n.accountByAccountId.name,
          }))
        : response.data.expenses.nodes.map((n: any) => ({
            id: fromGlobalId(n.id), title: n.title, amountMinor: minor(n.amount), posted: n.posted,
            category: n.category?.title ?? null, account: n.account.name,
          })),
  },
  {
    key: 'b',
    label: '(b) one budget with its spent amount',
    body: (kind, ids) =>
      kind === 'postgraphile'
        ? { operationName: 'B', query: 'query B($id: UUID!) { budgetByRowId(rowId: $id) { rowId name limitMinor spent } }', variables: { id: ids.budgetId } }
        : {
            operationName: 'B',
            query: 'query B($id: ID!) { node(id: $id) { ... on Budget { id name limit spent } } }',
            variables: { id: globalId('Budget', ids.budgetId) },
          },
    canonical: (kind, response) => {
      if (kind === 'postgraphile') {
        const b = response.data.budgetByRowId;
        return { id: b.rowId, name: b.name, limitMinor: String(b.limitMinor), spentMinor: String(b.spent) };
      }
      const b = response.data.node;
      return { id: fromGlobalId(b.id), name: b.name, limitMinor: minor(b.limit), spentMinor: minor(b.spent) };
    },
  },
  {
    key: 'c',
    label: '(c) the whole expense category tree',
    body: (kind) =>
      kind === 'postgraphile'
        ? {
            operationName: 'C',
            query: `query C { allCategories(condition: { kind: EXPENSE, parentId: null }, orderBy: ${TITLE}) { nodes { rowId title
              categoriesByParentId(orderBy: ${TITLE}) { nodes { rowId title categoriesByParentId(orderBy: ${TITLE}) { nodes { rowId title } } } } } } }`,
          }
        : { operationName: 'C', query: 'query C { categories(kind: EXPENSE) { id title children { id title children { id title } } } }' },
    canonical: (kind, response) => {
      const pgl = (nodes: any[]): any[] =>
        nodes
          .map((n) => ({ id: n.rowId, title: n.title, children: n.categoriesByParentId ? pgl(n.categoriesByParentId.nodes) : [] }))
          .sort(byTitle);
      const allot = (nodes: any[]): any[] =>
        nodes.map((n) => ({ id: fromGlobalId(n.id)!, title: n.title, children: n.children ? allot(n.children) : [] })).sort(byTitle);
      return kind === 'postgraphile' ? pgl(response.data.allCategories.nodes) : allot(response.data.categories);
    },
  },
  {
    key: 'd',
    label: '(d) `accounts(first: 5)`',
    body: (kind) =>
      kind === 'postgraphile'
        ? {
            operationName: 'D',
            query: 'query D { allAccounts(first: 5, condition: { closedAt: null }, orderBy: [CREATED_AT_ASC, ROW_ID_ASC]) { nodes { rowId name balanceMinor currency } } }',
          }
        : { operationName: 'D', query: 'query D { accounts(first: 5) { nodes { id name balance currency } } }' },
    canonical: (kind, response) =>
      kind === 'postgraphile'
        ? response.data.allAccounts.nodes.map((n: any) => ({ id: n.rowId, name: n.name, balanceMinor: String(n.balanceMinor), currency: n.currency }))
        : response.data.accounts.nodes.map((n: any) => ({ id: fromGlobalId(n.id), name: n.name, balanceMinor: minor(n.balance), currency: n.currency })),
  },
];

/** createExpense(post: true) on one account; Allot and the raw server take the same body. */
export function writeBody(accountId: string, categoryId: string): string {
  return JSON.stringify({
    operationName: 'W',
    query: `mutation W($input: CreateExpenseInput!) { createExpense(input: $input) { __typename
      ... on CreateExpenseSuccess { expense { id posted } notPostedReason { code } } ... on Error { code message } } }`,
    variables: {
      input: { title: 'Bench write', amount: '1.25', accountId: globalId('Account', accountId), categoryId: globalId('Category', categoryId), post: true },
    },
  });
}

/** (b) on PostGraphile: Allot's spend rule (src/services/budgets/spend.ts) as a computed column. */
export const POSTGRAPHILE_SPENT_FUNCTION = `
CREATE OR REPLACE FUNCTION public."Budget_spent"(b public."Budget") RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT (COALESCE((SELECT SUM(e."amountMinor") FROM "Entry" e
                     WHERE e."budgetId" = b.id AND e.kind = 'EXPENSE' AND e.posted
                       AND COALESCE(e."plannedDate", make_date(e."periodYear", e."periodMonth", 1)) BETWEEN b."dateFrom" AND b."dateTo"), 0)
        + COALESCE((SELECT SUM(bt."amountMinor") FROM "BudgetTransaction" bt
                     JOIN "Transaction" t ON t.id = bt."transactionId"
                     WHERE bt."budgetId" = b.id AND t.date BETWEEN b."dateFrom" AND b."dateTo"), 0))::bigint
$$`;

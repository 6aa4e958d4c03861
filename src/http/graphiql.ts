/**
 * GraphiQL, self-hosted: `@graphql-yoga/render-graphiql` inlines GraphiQL's scripts, styles, Monaco
 * workers, the explorer plugin and the favicon into the one HTML page, so the page makes no request
 * to anything but this server (yoga's default loads them from unpkg.com and stays blank offline).
 *
 * It opens on tabs with example operations for this API (as long as the browser has no tabs of its
 * own stored); in development the demo key is in the Authorization header and the demo's ids are in
 * the tabs' variables, so every tab runs as it opens.
 */
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphiQLOptions } from 'graphql-yoga';
import type { Db } from '../db/open.js';
import { encodeGlobalId } from '../graphql/global-id.js';
import { authenticateApiKey } from '../services/core/organizations.js';

export { renderGraphiQL };

export interface ExampleTab {
  /** Shown in the tests and docs; GraphiQL names a tab after its first operation. */
  name: string;
  query: string;
  variables?: Record<string, unknown>;
}

/** The ids the example tabs need, taken from the demo organization when there is one. */
export interface ExampleIds {
  unpostedExpenseId?: string;
  budgetId?: string;
}

export function exampleTabs(ids: ExampleIds = {}): ExampleTab[] {
  return [
    {
      name: 'AccountsAndBalances',
      query: `# Accounts with their running balance (opening + posted incomes − posted expenses ± transfers).
# Lists are cursor connections: 20 items by default, at most 100 (first: 101 is refused).
query AccountsAndBalances {
  accounts(first: 20) {
    totalCount
    nodes { id name bank currency balance openingBalance }
  }
  expenses(first: 5) {
    totalCount
    nodes { title amount posted plannedDate category { title } counterparty { name } }
  }
}
`,
    },
    {
      name: 'CategoryTree',
      query: `# The CRM's income/expense category tree: roots, then children to any depth.
query CategoryTree {
  categories(kind: EXPENSE) {
    title
    depth
    children { title path { title } }
  }
}
`,
    },
    {
      name: 'BudgetsWithSpend',
      query: `# Budgets with their spend and status (OK, WARNING from 80 %, EXCEEDED, FROZEN for AUTO_FREEZE at the limit).
query BudgetsWithSpend {
  budgets(first: 20) {
    nodes {
      name currency limit spent remaining status config dateFrom dateTo
      alerts { thresholdPercent spent createdAt }
    }
  }
}
`,
    },
    {
      name: 'PostExpense',
      query: `# Post an unposted expense: it needs enough money on its account, else INSUFFICIENT_FUNDS.
# Every mutation returns a union; \`... on Error\` covers every typed refusal.
mutation PostExpense($id: ID!) {
  postExpense(input: { id: $id }) {
    __typename
    ... on PostExpenseSuccess { expense { title amount posted account { name balance } budget { name spent status } } }
    ... on Error { code message field }
  }
}

# The unposted expenses, to pick another id for the variables.
query UnpostedExpenses {
  expenses(filter: { posted: false }) { nodes { id title amount } }
}
`,
      variables: { id: ids.unpostedExpenseId ?? '<Expense id from UnpostedExpenses>' },
    },
    {
      name: 'ChangeFeed',
      query: `# Every created, updated or deleted object, oldest first (node is null for a deletion).
# Store \`cursor\` and pass it as \`after\` next time: no later commit can land before it.
query ChangeFeed($after: String) {
  changes(after: $after, first: 20) {
    nodes { type id operation at node { id } }
    cursor
    hasMore
  }
}
`,
    },
    {
      name: 'BudgetAlerts',
      query: `# Budget alerts as they are recorded (80 % and 100 % crossings of SPEND_ALERTS budgets), over SSE.
# Run it, then post an expense charging that budget in another tab.
subscription BudgetAlerts($budgetId: ID) {
  budgetAlerts(budgetId: $budgetId) {
    thresholdPercent
    spent
    limit
    budget { name spent status }
  }
}
`,
      variables: ids.budgetId ? { budgetId: ids.budgetId } : {},
    },
  ];
}

/** Finds the demo ids for the tabs, through the demo key's own organization: an unposted expense that charges a budget, and that budget. */
export async function demoExampleIds(db: Db, apiKey: string): Promise<ExampleIds> {
  const viewer = await authenticateApiKey(db, apiKey);
  if (!viewer) return {};
  const organizationId = viewer.organizationId;
  const expense = await db.entry.findFirst({
    where: { organizationId, kind: 'EXPENSE', posted: false, budgetId: { not: null } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true, budgetId: true },
  });
  return {
    unpostedExpenseId: expense ? encodeGlobalId('Expense', expense.id) : undefined,
    // The subscription tab watches the budget that posting this expense charges.
    budgetId: expense?.budgetId ? encodeGlobalId('Budget', expense.budgetId) : undefined,
  };
}

export function graphiqlOptions(options: { apiKey?: string; ids?: ExampleIds }): GraphiQLOptions {
  const headers = options.apiKey ? JSON.stringify({ Authorization: `Bearer ${options.apiKey}` }, null, 2) : undefined;
  return {
    title: 'Allot GraphiQL',
    headers,
    defaultHeaders: headers,
    // Subscriptions over SSE, the protocol the server speaks (POST, accept: text/event-stream).
    subscriptionsProtocol: 'SSE',
    defaultTabs: exampleTabs(options.ids).map((tab) => ({
      query: tab.query,
      variables: tab.variables ? JSON.stringify(tab.variables, null, 2) : null,
      headers: headers ?? null,
    })),
  };
}

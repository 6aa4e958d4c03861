/**
 * Small named fixtures for the budgets tests, created through the services (the same code the API
 * runs), so a test reads as the scenario it sets up.
 */
import type { Db } from '../../src/db/open.js';
import { encodeGlobalId } from '../../src/graphql/global-id.js';
import { createEmployee } from '../../src/services/budgets/allocation-targets.js';
import { createBudget, createBudgetGroup, type CreateBudgetInput } from '../../src/services/budgets/budgets.js';
import { createTransaction, type TransactionFields } from '../../src/services/budgets/external-transactions.js';
import type { Viewer } from '../../src/services/core/viewer.js';
import { runService } from '../../src/services/core/service.js';

export const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

let counter = 0;
export const unique = (prefix: string) => `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

export function budgetFixture(db: Db, viewer: Viewer, overrides: Partial<CreateBudgetInput> = {}) {
  return runService(db, viewer, createBudget, {
    name: 'Marketing FY24',
    type: 'GLOBAL',
    granularity: 'MONTH',
    dateFrom: day('2024-01-01'),
    dateTo: day('2024-12-31'),
    limit: '1000.00',
    currency: 'EUR',
    config: [],
    ...overrides,
  });
}

export function transactionFixture(db: Db, viewer: Viewer, overrides: Partial<TransactionFields> & { projectId?: string | null } = {}) {
  return runService(db, viewer, createTransaction, {
    externalId: unique('txn'),
    date: day('2024-03-15'),
    amount: '500.00',
    currency: 'EUR',
    direction: 'DEBIT',
    description: 'Supplier invoice',
    ...overrides,
  });
}

export const employeeFixture = (db: Db, viewer: Viewer, name = 'Ada Lovelace') => runService(db, viewer, createEmployee, { name });
export const groupFixture = (db: Db, viewer: Viewer, name = 'EMEA Marketing') => runService(db, viewer, createBudgetGroup, { name });

export const gid = encodeGlobalId;

import { BUDGET_GRANULARITIES, BUDGET_OPTIONS, BUDGET_TYPES, TRANSACTION_DIRECTIONS, TRANSACTION_TYPES } from '../../domain/choices.js';
import { builder } from '../builder.js';
import { describedValues } from './enums.js';

// Output enums. Inputs take these values as strings (see domain/choices.ts): an unknown value then
// comes back as a typed UNKNOWN_VALUE error in the mutation result, per row for imports.
export const BudgetTypeEnum = builder.enumType('BudgetType', {
  description: 'GLOBAL: one budget for everyone; EMPLOYEE: a budget per employee allocation.',
  values: describedValues(BUDGET_TYPES, { GLOBAL: 'One budget for everyone.', EMPLOYEE: 'A budget per employee allocation.' }),
});
export const BudgetGranularityEnum = builder.enumType('BudgetGranularity', {
  description: 'The reporting bucket of spendByPeriod.',
  values: describedValues(BUDGET_GRANULARITIES, { MONTH: 'One bucket per calendar month.', QUARTER: 'One bucket per calendar quarter.', YEAR: 'One bucket per calendar year.' }),
});
export const BudgetOptionEnum = builder.enumType('BudgetOption', {
  description: 'SPEND_ALERTS: alert at 80 % and 100 % of the limit. AUTO_FREEZE: refuse spend that would pass the limit.',
  values: describedValues(BUDGET_OPTIONS, {
    SPEND_ALERTS: 'Alert at 80 % and 100 % of the limit.',
    AUTO_FREEZE: 'Refuse spend that would pass the limit.',
  }),
});
export const BudgetStatusEnum = builder.enumType('BudgetStatus', {
  description: 'OK below 80 % of the limit; WARNING from 80 %; EXCEEDED above 100 %; FROZEN when an AUTO_FREEZE budget has reached its limit.',
  values: describedValues(['OK', 'WARNING', 'EXCEEDED', 'FROZEN'] as const, {
    OK: 'Spent below 80 % of the limit.',
    WARNING: 'Spent from 80 % of the limit.',
    EXCEEDED: 'Spent above 100 % of the limit.',
    FROZEN: 'An AUTO_FREEZE budget that has reached its limit.',
  }),
});
export const TransactionTypeEnum = builder.enumType('TransactionType', {
  description: 'GENERIC, INCOME (income transactions) or PROJECT (project transactions).',
  values: describedValues(TRANSACTION_TYPES, { GENERIC: 'A transaction of no particular kind.', INCOME: 'An income transaction.', PROJECT: 'A project transaction.' }),
});
export const TransactionDirectionEnum = builder.enumType('TransactionDirection', {
  description: 'DEBIT: money out; CREDIT: money in.',
  values: describedValues(TRANSACTION_DIRECTIONS, { DEBIT: 'Money out.', CREDIT: 'Money in.' }),
});

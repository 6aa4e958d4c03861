import { BUDGET_GRANULARITIES, BUDGET_OPTIONS, BUDGET_TYPES, TRANSACTION_DIRECTIONS, TRANSACTION_TYPES } from '../../domain/choices.js';
import { builder } from '../builder.js';

// Output enums. Inputs take these values as strings (see domain/choices.ts): an unknown value then
// comes back as a typed UNKNOWN_VALUE error in the mutation result, per row for imports.
export const BudgetTypeEnum = builder.enumType('BudgetType', {
  description: 'GLOBAL: one budget for everyone; EMPLOYEE: a budget per employee allocation.',
  values: BUDGET_TYPES,
});
export const BudgetGranularityEnum = builder.enumType('BudgetGranularity', {
  description: 'The reporting bucket of spendByPeriod.',
  values: BUDGET_GRANULARITIES,
});
export const BudgetOptionEnum = builder.enumType('BudgetOption', {
  description: 'SPEND_ALERTS: alert at 80 % and 100 % of the limit. AUTO_FREEZE: refuse spend that would pass the limit.',
  values: BUDGET_OPTIONS,
});
export const BudgetStatusEnum = builder.enumType('BudgetStatus', {
  description: 'OK below 80 % of the limit; WARNING from 80 %; EXCEEDED above 100 %; FROZEN when an AUTO_FREEZE budget has reached its limit.',
  values: ['OK', 'WARNING', 'EXCEEDED', 'FROZEN'] as const,
});
export const TransactionTypeEnum = builder.enumType('TransactionType', {
  description: 'GENERIC, INCOME (income transactions) or PROJECT (project transactions).',
  values: TRANSACTION_TYPES,
});
export const TransactionDirectionEnum = builder.enumType('TransactionDirection', {
  description: 'DEBIT: money out; CREDIT: money in.',
  values: TRANSACTION_DIRECTIONS,
});

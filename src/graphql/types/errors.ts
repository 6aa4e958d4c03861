/**
 * Every domain error class becomes a GraphQL object type implementing `Error`, so a client can
 * always ask `... on Error { code message }` and branch on the stable `code`.
 */
import * as errors from '../../domain/errors.js';
import { DomainError, ERROR_CODES } from '../../domain/errors.js';
import { builder } from '../builder.js';

export const ErrorCodeEnum = builder.enumType('ErrorCode', { values: ERROR_CODES });

export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description: 'Implemented by every error a mutation can return in its result union.',
  fields: (t) => ({
    code: t.field({ type: ErrorCodeEnum, resolve: (error) => error.code }),
    message: t.exposeString('message'),
    field: t.string({
      nullable: true,
      description: 'The input field the error is about, e.g. "input.amount", when there is one.',
      resolve: (error) => error.field ?? null,
    }),
  }),
});

type ErrorClass = new (...args: never[]) => DomainError;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- error classes take differing constructor args
function errorType(cls: new (...args: any[]) => DomainError, description: string) {
  return builder.objectType(cls, {
    name: cls.name,
    description,
    interfaces: [ErrorInterface],
    isTypeOf: (value) => value instanceof cls,
    fields: () => ({}),
  });
}

errorType(errors.NotFoundError, 'The id names nothing this organization can see.');
builder.objectFields(errors.NotFoundError, (t) => ({ entity: t.exposeString('entity') }));
errorType(errors.InvalidIdError, 'The id is malformed or names an object of another type.');
errorType(errors.InvalidInputError, 'A field breaks a shape rule: empty, too long, out of range.');
errorType(errors.InvalidAmountError, 'An amount is not a decimal string, has the wrong sign, or more decimals than its currency allows.');
errorType(errors.UnknownCurrencyError, 'Not an active ISO 4217 currency code.');
errorType(errors.InsufficientFundsError, 'The account does not hold enough money for this.');
builder.objectFields(errors.InsufficientFundsError, (t) => ({
  available: t.field({ type: 'Decimal', resolve: (error) => error.available }),
  required: t.field({ type: 'Decimal', resolve: (error) => error.required }),
}));
errorType(errors.AccountClosedError, 'The account is closed and takes no new records.');
errorType(errors.AccountNotEmptyError, 'The account still holds money and cannot be closed.');
errorType(errors.AccountInUseError, 'The account still has unposted records or transfers.');
errorType(errors.CurrencyMismatchError, 'The amounts involved are in different currencies.');
errorType(errors.SameAccountError, 'A transfer needs two different accounts.');
errorType(errors.CategoryHasChildrenError, 'A category with children cannot be deleted.');
errorType(errors.CategoryInUseError, 'Records still use this category; move them first.');
errorType(errors.CategoryCycleError, 'A category cannot be moved below itself.');
errorType(errors.CategoryKindMismatchError, 'Income and expense categories and records do not mix.');
errorType(errors.AlreadyPostedError, 'The record is already posted.');
errorType(errors.NotPostedError, 'The record is not posted.');
errorType(errors.EntryPostedError, 'A posted record cannot be deleted; unpost it first.');
errorType(errors.TransferCancelledError, 'The transfer was already cancelled.');
errorType(errors.InvalidDateRangeError, 'The start date is after the end date.');
errorType(errors.BudgetFrozenError, 'The budget is auto-frozen: this spend would pass its limit.');
errorType(errors.AllocationExceededError, 'The parts of a transaction would add up to more than the transaction.');
errorType(errors.DuplicateError, 'Something with the same unique key already exists.');
errorType(errors.IdempotencyKeyReusedError, 'This idempotency key was used with a different input.');
errorType(errors.FileTooLargeError, 'The file is over the upload size limit.');
errorType(errors.FileTypeRefusedError, 'The file type is not accepted.');
errorType(errors.UnknownValueError, 'A value outside a closed list; `allowed` lists the accepted ones.');
builder.objectFields(errors.UnknownValueError, (t) => ({ allowed: t.exposeStringList('allowed') }));
errorType(errors.TransactionInUseError, 'The transaction is still charged to budgets; delete its budget transactions first.');

/** Errors any mutation that takes ids or text can return. */
export const COMMON_ERRORS: ErrorClass[] = [errors.InvalidIdError, errors.InvalidInputError, errors.NotFoundError];

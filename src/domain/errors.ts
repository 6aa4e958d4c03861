/**
 * Every refusal the service layer can give, each named after the exact condition that failed and
 * carrying a stable code (TigerBeetle style). The GraphQL layer exposes each class as an object
 * type implementing `interface Error { code, message }`; clients branch on `code`.
 */
export const ERROR_CODES = [
  'NOT_FOUND',
  'INVALID_ID',
  'INVALID_INPUT',
  'INVALID_AMOUNT',
  'UNKNOWN_CURRENCY',
  'INSUFFICIENT_FUNDS',
  'ACCOUNT_CLOSED',
  'ACCOUNT_NOT_EMPTY',
  'ACCOUNT_IN_USE',
  'CURRENCY_MISMATCH',
  'SAME_ACCOUNT',
  'CATEGORY_HAS_CHILDREN',
  'CATEGORY_IN_USE',
  'CATEGORY_CYCLE',
  'CATEGORY_KIND_MISMATCH',
  'ALREADY_POSTED',
  'NOT_POSTED',
  'ENTRY_POSTED',
  'TRANSFER_CANCELLED',
  'INVALID_DATE_RANGE',
  'BUDGET_FROZEN',
  'ALLOCATION_EXCEEDED',
  'DUPLICATE',
  'IDEMPOTENCY_KEY_REUSED',
  'FILE_TOO_LARGE',
  'FILE_TYPE_REFUSED',
  'UNKNOWN_VALUE',
  'TRANSACTION_IN_USE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  /** The input field the error is about, as a path such as `input.amount`, when there is one. */
  readonly field?: string;

  constructor(message: string, field?: string) {
    super(message);
    this.name = new.target.name;
    if (field !== undefined) this.field = field;
  }
}

/** The id names nothing this organization can see: absent, deleted, or another tenant's. */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(readonly entity: string, field?: string) {
    super(`${entity} not found`, field);
  }
}

/** The id is not a well-formed Allot id of the expected type. */
export class InvalidIdError extends DomainError {
  readonly code = 'INVALID_ID';
  constructor(readonly expectedType: string, field?: string) {
    super(`Not a valid ${expectedType} id`, field);
  }
}

/** A field breaks a shape rule: empty, too long, out of range, malformed. */
export class InvalidInputError extends DomainError {
  readonly code = 'INVALID_INPUT';
}

/** An amount that is not a decimal number, is zero or negative where that is refused, or has more
 * decimals than its currency allows. */
export class InvalidAmountError extends DomainError {
  readonly code = 'INVALID_AMOUNT';
}

export class UnknownCurrencyError extends DomainError {
  readonly code = 'UNKNOWN_CURRENCY';
  constructor(readonly currency: string, field?: string) {
    super(`"${currency}" is not an ISO 4217 currency code`, field);
  }
}

export class InsufficientFundsError extends DomainError {
  readonly code = 'INSUFFICIENT_FUNDS';
  constructor(
    message: string,
    readonly available: string,
    readonly required: string,
  ) {
    super(message);
  }
}

export class AccountClosedError extends DomainError {
  readonly code = 'ACCOUNT_CLOSED';
}

export class AccountNotEmptyError extends DomainError {
  readonly code = 'ACCOUNT_NOT_EMPTY';
}

export class AccountInUseError extends DomainError {
  readonly code = 'ACCOUNT_IN_USE';
}

export class CurrencyMismatchError extends DomainError {
  readonly code = 'CURRENCY_MISMATCH';
}

export class SameAccountError extends DomainError {
  readonly code = 'SAME_ACCOUNT';
}

export class CategoryHasChildrenError extends DomainError {
  readonly code = 'CATEGORY_HAS_CHILDREN';
}

export class CategoryInUseError extends DomainError {
  readonly code = 'CATEGORY_IN_USE';
}

export class CategoryCycleError extends DomainError {
  readonly code = 'CATEGORY_CYCLE';
}

export class CategoryKindMismatchError extends DomainError {
  readonly code = 'CATEGORY_KIND_MISMATCH';
}

export class AlreadyPostedError extends DomainError {
  readonly code = 'ALREADY_POSTED';
}

export class NotPostedError extends DomainError {
  readonly code = 'NOT_POSTED';
}

/** A posted record cannot be deleted; unpost it first. */
export class EntryPostedError extends DomainError {
  readonly code = 'ENTRY_POSTED';
}

export class TransferCancelledError extends DomainError {
  readonly code = 'TRANSFER_CANCELLED';
}

export class InvalidDateRangeError extends DomainError {
  readonly code = 'INVALID_DATE_RANGE';
}

export class BudgetFrozenError extends DomainError {
  readonly code = 'BUDGET_FROZEN';
}

/** The parts of one transaction split across budgets would add up to more than the transaction. */
export class AllocationExceededError extends DomainError {
  readonly code = 'ALLOCATION_EXCEEDED';
}

export class DuplicateError extends DomainError {
  readonly code = 'DUPLICATE';
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
}

export class FileTooLargeError extends DomainError {
  readonly code = 'FILE_TOO_LARGE';
}

export class FileTypeRefusedError extends DomainError {
  readonly code = 'FILE_TYPE_REFUSED';
}

/** A value outside a closed list (a budget granularity, a budget option, a direction…). */
export class UnknownValueError extends DomainError {
  readonly code = 'UNKNOWN_VALUE';
  constructor(
    message: string,
    readonly allowed: readonly string[],
    field?: string,
  ) {
    super(message, field);
  }
}

/** The transaction is still split across budgets; delete its budget transactions first. */
export class TransactionInUseError extends DomainError {
  readonly code = 'TRANSACTION_IN_USE';
}

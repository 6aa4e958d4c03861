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
  'CATEGORY_TOO_DEEP',
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
  'TOTAL_OUT_OF_RANGE',
  'BUDGET_OVER_LIMIT',
  'WEBHOOK_URL_REFUSED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Extra fields an error type shows besides `code`, `message` and `field`, with their kind and
 * schema description, so the API layer can expose them without knowing each class: a plain string,
 * an amount (a Decimal string), or a list of strings.
 */
export type ExposedFields = Record<string, { kind: 'string' | 'decimal' | 'strings'; description: string }>;

/**
 * The one error contract. Each subclass is a refusal the API answers as a typed member of a
 * mutation's result union: `code` is stable, `description` documents it in the schema, `exposes`
 * names its extra fields. The GraphQL layer registers one type per subclass (graphql/types/errors.ts);
 * a service lists the ones it throws (services/core/service.ts).
 */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  static readonly description: string;
  static readonly exposes: ExposedFields = {};
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
  static override readonly description = 'The id names nothing this organization can see.';
  static override readonly exposes: ExposedFields = {
    entity: { kind: 'string', description: 'What was looked for, usually a type name such as "Account", "Budget" or "Expense".' },
  };
  constructor(readonly entity: string, field?: string) {
    super(`${entity} not found`, field);
  }
}

/** The id is not a well-formed Allot id of the expected type. */
export class InvalidIdError extends DomainError {
  readonly code = 'INVALID_ID';
  static override readonly description = 'The id is malformed or names an object of another type.';
  constructor(readonly expectedType: string, field?: string) {
    super(`Not a valid ${expectedType} id`, field);
  }
}

/** A field breaks a shape rule: empty, too long, out of range, malformed. */
export class InvalidInputError extends DomainError {
  readonly code = 'INVALID_INPUT';
  static override readonly description = 'A field breaks a shape rule: empty, too long, out of range.';
}

/** An amount that is not a decimal number, is zero or negative where that is refused, or has more
 * decimals than its currency allows. */
export class InvalidAmountError extends DomainError {
  readonly code = 'INVALID_AMOUNT';
  static override readonly description = 'An amount is not a decimal string, has the wrong sign, or more decimals than its currency allows.';
}

export class UnknownCurrencyError extends DomainError {
  readonly code = 'UNKNOWN_CURRENCY';
  static override readonly description = 'Not an active ISO 4217 currency code.';
  constructor(readonly currency: string, field?: string) {
    super(`"${currency}" is not an ISO 4217 currency code`, field);
  }
}

export class InsufficientFundsError extends DomainError {
  readonly code = 'INSUFFICIENT_FUNDS';
  static override readonly description = 'The account does not hold enough money for this.';
  static override readonly exposes: ExposedFields = {
    available: { kind: 'decimal', description: 'What the account held, in its currency with its decimals, e.g. "100.00".' },
    required: { kind: 'decimal', description: 'What the operation would have taken off the account, in the same currency, e.g. "12665.00".' },
  };
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
  static override readonly description = 'The account is closed and takes no new records.';
}

export class AccountNotEmptyError extends DomainError {
  readonly code = 'ACCOUNT_NOT_EMPTY';
  static override readonly description = 'The account still holds money and cannot be closed.';
}

export class AccountInUseError extends DomainError {
  readonly code = 'ACCOUNT_IN_USE';
  static override readonly description = 'The account still has unposted records or transfers.';
}

export class CurrencyMismatchError extends DomainError {
  readonly code = 'CURRENCY_MISMATCH';
  static override readonly description = 'The amounts involved are in different currencies.';
}

export class SameAccountError extends DomainError {
  readonly code = 'SAME_ACCOUNT';
  static override readonly description = 'A transfer needs two different accounts.';
}

export class CategoryHasChildrenError extends DomainError {
  readonly code = 'CATEGORY_HAS_CHILDREN';
  static override readonly description = 'A category with children cannot be deleted.';
}

export class CategoryInUseError extends DomainError {
  readonly code = 'CATEGORY_IN_USE';
  static override readonly description = 'Records still use this category; move them first.';
}

export class CategoryCycleError extends DomainError {
  readonly code = 'CATEGORY_CYCLE';
  static override readonly description = 'A category cannot be moved below itself.';
}

export class CategoryKindMismatchError extends DomainError {
  readonly code = 'CATEGORY_KIND_MISMATCH';
  static override readonly description = 'Income and expense categories and records do not mix.';
}

export class CategoryTooDeepError extends DomainError {
  readonly code = 'CATEGORY_TOO_DEEP';
  static override readonly description =
    'The category tree would be deeper than its limit of 10 levels (a root and 9 levels of subcategories).';
}

export class AlreadyPostedError extends DomainError {
  readonly code = 'ALREADY_POSTED';
  static override readonly description = 'The record is already posted.';
}

export class NotPostedError extends DomainError {
  readonly code = 'NOT_POSTED';
  static override readonly description = 'The record is not posted.';
}

/** A posted record cannot be deleted; unpost it first. */
export class EntryPostedError extends DomainError {
  readonly code = 'ENTRY_POSTED';
  static override readonly description = 'A posted record cannot be deleted; unpost it first.';
}

export class TransferCancelledError extends DomainError {
  readonly code = 'TRANSFER_CANCELLED';
  static override readonly description = 'The transfer was already cancelled.';
}

export class InvalidDateRangeError extends DomainError {
  readonly code = 'INVALID_DATE_RANGE';
  static override readonly description = 'The start date is after the end date.';
}

export class BudgetFrozenError extends DomainError {
  readonly code = 'BUDGET_FROZEN';
  static override readonly description = 'The budget is auto-frozen: this spend would pass its limit.';
  /** The budget that refused (not shown in the API's error; it feeds the `budget.frozen` webhook). */
  readonly budgetId?: string;
  constructor(message: string, field?: string, budgetId?: string) {
    super(message, field);
    if (budgetId !== undefined) this.budgetId = budgetId;
  }
}

/** The parts of one transaction split across budgets would add up to more than the transaction. */
export class AllocationExceededError extends DomainError {
  readonly code = 'ALLOCATION_EXCEEDED';
  static override readonly description = 'The parts of a transaction would add up to more than the transaction.';
}

export class DuplicateError extends DomainError {
  readonly code = 'DUPLICATE';
  static override readonly description = 'Something with the same unique key already exists.';
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  static override readonly description = 'This idempotency key was used with a different input.';
}

export class FileTooLargeError extends DomainError {
  readonly code = 'FILE_TOO_LARGE';
  static override readonly description = 'The file is over the upload size limit.';
}

export class FileTypeRefusedError extends DomainError {
  readonly code = 'FILE_TYPE_REFUSED';
  static override readonly description = 'The file type is not accepted.';
}

/** A value outside a closed list (a budget granularity, a budget option, a direction…). */
export class UnknownValueError extends DomainError {
  readonly code = 'UNKNOWN_VALUE';
  static override readonly description = 'A value outside a closed list; `allowed` lists the accepted ones.';
  static override readonly exposes: ExposedFields = {
    allowed: { kind: 'strings', description: 'The accepted values, e.g. ["MONTH", "QUARTER", "YEAR"]; case, "-" and "_" do not matter when sending one.' },
  };
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
  static override readonly description = 'The transaction is still charged to budgets; delete its budget transactions first.';
}

/**
 * The write would take a balance or a total (a budget's spend) past the largest amount Allot can
 * hold, PostgreSQL's bigint of minor units (domain/money.ts `MAX_TOTAL_MINOR`).
 */
export class TotalOutOfRangeError extends DomainError {
  readonly code = 'TOTAL_OUT_OF_RANGE';
  static override readonly description =
    'This would take a balance or a total past the largest amount that can be held (9223372036854775807 minor units).';
}

/**
 * A change of an AUTO_FREEZE budget itself (a lower limit, a wider window, AUTO_FREEZE turned on)
 * would leave its spend above its limit. The limit can go down to the spend, not below it.
 */
export class BudgetOverLimitError extends DomainError {
  readonly code = 'BUDGET_OVER_LIMIT';
  static override readonly description =
    'This change (a lower limit, a wider window, AUTO_FREEZE turned on) would leave an AUTO_FREEZE budget spending more than its limit.';
}

/** The webhook URL is not one Allot may call: not http(s), or (in production) it resolves to a
 * loopback, private, link-local or otherwise non-public address that is not on the allow-list. */
export class WebhookUrlRefusedError extends DomainError {
  readonly code = 'WEBHOOK_URL_REFUSED';
  static override readonly description =
    'The webhook URL is refused: not http(s), unresolvable, or it names a loopback, private or link-local address (allowed only for hosts on ALLOT_WEBHOOK_ALLOWED_HOSTS).';
}

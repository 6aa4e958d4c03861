/**
 * Every domain error class becomes a GraphQL object type implementing `Error`, registered here in
 * one loop from the classes themselves (name, description and extra fields live on the class, in
 * src/domain/errors.ts), so a client can always ask `... on Error { code message }` and branch on
 * the stable `code`. A new error class needs no line here.
 */
import * as errors from '../../domain/errors.js';
import { DomainError, ERROR_CODES, type ExposedFields } from '../../domain/errors.js';
import { builder } from '../builder.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- error classes take differing constructor args
type ErrorClass = (new (...args: any[]) => DomainError) & { description: string; exposes: ExposedFields };

/** Every concrete DomainError subclass the domain exports. */
export const ERROR_CLASSES: readonly ErrorClass[] = (Object.values(errors) as unknown[]).filter(
  (value): value is ErrorClass => typeof value === 'function' && value.prototype instanceof DomainError,
);

/** `InsufficientFundsError` → `INSUFFICIENT_FUNDS`: the code each class carries, by its naming rule. */
const codeOfClassName = (name: string) => name.replace(/Error$/, '').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
const descriptionOfCode = new Map(ERROR_CLASSES.map((cls) => [codeOfClassName(cls.name), `${cls.name}: ${cls.description}`]));

export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description: 'The stable code of an error; branch on it rather than on the message.',
  values: Object.fromEntries(
    ERROR_CODES.map((code) => [code, { description: descriptionOfCode.get(code) ?? 'An error of this code.' }]),
  ) as { [Code in (typeof ERROR_CODES)[number]]: { description: string } },
});

export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description: 'Implemented by every error a mutation can return in its result union.',
  fields: (t) => ({
    code: t.field({ type: ErrorCodeEnum, description: 'The stable code of the error.', resolve: (error) => error.code }),
    message: t.exposeString('message', { description: 'What went wrong, for a person to read; its wording may change.' }),
    field: t.string({
      nullable: true,
      description: 'The input field the error is about, e.g. "input.amount", when there is one.',
      resolve: (error) => error.field ?? null,
    }),
  }),
});

function registerErrorType(cls: ErrorClass): void {
  builder.objectType(cls, {
    name: cls.name,
    description: cls.description,
    interfaces: [ErrorInterface],
    isTypeOf: (value) => value instanceof cls,
    fields: (t) =>
      Object.fromEntries(
        Object.entries(cls.exposes).map(([name, { kind, description }]) => {
          const read = (error: DomainError) => (error as unknown as Record<string, unknown>)[name];
          if (kind === 'decimal') return [name, t.field({ type: 'Decimal', description, resolve: (error) => read(error) as string })];
          if (kind === 'strings') return [name, t.stringList({ description, resolve: (error) => read(error) as string[] })];
          return [name, t.string({ description, resolve: (error) => read(error) as string })];
        }),
      ),
  });
}

for (const cls of ERROR_CLASSES) registerErrorType(cls);

/** Errors any mutation that takes ids or text can return. */
export const COMMON_ERRORS: ErrorClass[] = [errors.InvalidIdError, errors.InvalidInputError, errors.NotFoundError];

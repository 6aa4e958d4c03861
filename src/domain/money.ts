/**
 * Exact money: amounts are bigint minor units in storage and decimal strings ("12665.00") at the
 * API. No float ever touches an amount.
 */
import { currencyExponent } from './currencies.js';
import { InvalidAmountError, UnknownCurrencyError } from './errors.js';

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;
/** Bounds every amount so sums of many stay far inside PostgreSQL's bigint. 10^15 major units. */
const MAX_DIGITS_BEFORE_POINT = 15;

export function requireCurrency(raw: string, field = 'currency'): string {
  const currency = raw.trim().toUpperCase();
  if (currencyExponent(currency) === undefined) throw new UnknownCurrencyError(raw, field);
  return currency;
}

export type AmountSign = 'positive' | 'nonNegative' | 'any';

/**
 * Parses a decimal string into minor units of `currency`.
 * Throws InvalidAmountError for non-numbers, too many decimals for the currency, or the wrong sign.
 */
export function parseMoney(raw: string, currency: string, field = 'amount', sign: AmountSign = 'positive'): bigint {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) throw new UnknownCurrencyError(currency);
  const match = DECIMAL.exec(raw.trim());
  if (!match) throw new InvalidAmountError(`"${raw}" is not a decimal amount such as "12665.00"`, field);
  const [, minus, whole = '', fraction = ''] = match;
  if (whole.replace(/^0+/, '').length > MAX_DIGITS_BEFORE_POINT) {
    throw new InvalidAmountError(`${field} is too large`, field);
  }
  if (fraction.replace(/0+$/, '').length > exponent) {
    throw new InvalidAmountError(`${currency} amounts have at most ${exponent} decimals; got "${raw}"`, field);
  }
  const minor = BigInt(whole + fraction.padEnd(exponent, '0').slice(0, exponent)) * (minus ? -1n : 1n);
  if (sign === 'positive' && minor <= 0n) throw new InvalidAmountError(`${field} must be greater than zero`, field);
  if (sign === 'nonNegative' && minor < 0n) throw new InvalidAmountError(`${field} must not be negative`, field);
  return minor;
}

/** Formats minor units as a decimal string with exactly the currency's decimals: 1266500n → "12665.00". */
export function formatMoney(minor: bigint, currency: string): string {
  const exponent = currencyExponent(currency) ?? 2;
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`;
}

/**
 * One spelling per decimal value, without knowing its currency: "3.0", "3.00" and "03" are all
 * "3"; "-0.0" is "0". Anything that is not a decimal comes back as it was (the service refuses it).
 * For telling whether two requests asked for the same amount (idempotency fingerprints).
 */
export function canonicalDecimal(raw: string): string {
  const match = DECIMAL.exec(raw.trim());
  if (!match) return raw;
  const [, minus, whole = '', fraction = ''] = match;
  const integer = whole.replace(/^0+(?=\d)/, '');
  const decimals = fraction.replace(/0+$/, '');
  const digits = decimals ? `${integer}.${decimals}` : integer;
  return minus && /[1-9]/.test(digits) ? `-${digits}` : digits;
}

/**
 * Exact money: amounts are bigint minor units in storage and decimal strings ("12665.00") at the
 * API. No float ever touches an amount.
 */
import { currencyExponent } from './currencies.js';
import { InvalidAmountError, UnknownCurrencyError } from './errors.js';

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;
/** At most 15 digits before the point (under 10^15 major units) in every currency. */
const MAX_DIGITS_BEFORE_POINT = 15;
/**
 * And at most 18 digits in minor units, which only 4-decimal currencies (CLF, UYW) reach first:
 * their largest amount is 99 999 999 999 999.9999. Any one amount is then below a tenth of
 * PostgreSQL's bigint, so a single write can never overflow a column.
 */
const MAX_AMOUNT_MINOR_DIGITS = 18;

/**
 * PostgreSQL's bigint, where balances and every stored total live: 9 223 372 036 854 775 807
 * minor units. A write that would take a balance or a budget's spend past it is refused
 * (TOTAL_OUT_OF_RANGE) instead of failing in the database.
 */
export const MAX_TOTAL_MINOR = 2n ** 63n - 1n;

/**
 * The largest amount in `currency`, in minor units: under 10^15 major units and under 10^18 minor
 * units. EUR 999 999 999 999 999.99, JPY 999 999 999 999 999, BHD 999 999 999 999 999.999,
 * CLF 99 999 999 999 999.9999.
 */
export function maxAmountMinor(currency: string): bigint {
  const exponent = currencyExponent(currency) ?? 2;
  const digits = Math.min(MAX_DIGITS_BEFORE_POINT + exponent, MAX_AMOUNT_MINOR_DIGITS);
  return 10n ** BigInt(digits) - 1n;
}

export function requireCurrency(raw: string, field = 'currency'): string {
  const currency = raw.trim().toUpperCase();
  if (currencyExponent(currency) === undefined) throw new UnknownCurrencyError(raw, field);
  return currency;
}

export type AmountSign = 'positive' | 'nonNegative' | 'any';

/**
 * Parses a decimal string into minor units of `currency`.
 * Throws InvalidAmountError for non-numbers, too many decimals for the currency, more than the
 * currency's largest amount (`maxAmountMinor`), or the wrong sign.
 */
export function parseMoney(raw: string, currency: string, field = 'amount', sign: AmountSign = 'positive'): bigint {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) throw new UnknownCurrencyError(currency);
  const match = DECIMAL.exec(raw.trim());
  if (!match) throw new InvalidAmountError(`"${raw}" is not a decimal amount such as "12665.00"`, field);
  const [, minus, whole = '', fraction = ''] = match;
  if (whole.replace(/^0+/, '').length > MAX_DIGITS_BEFORE_POINT) {
    throw new InvalidAmountError(`${field} is too large: at most ${formatMoney(maxAmountMinor(currency), currency)} ${currency}`, field);
  }
  if (fraction.replace(/0+$/, '').length > exponent) {
    throw new InvalidAmountError(`${currency} amounts have at most ${exponent} decimals; got "${raw}"`, field);
  }
  const magnitude = BigInt(whole + fraction.padEnd(exponent, '0').slice(0, exponent));
  if (magnitude > maxAmountMinor(currency)) {
    throw new InvalidAmountError(`${field} is too large: at most ${formatMoney(maxAmountMinor(currency), currency)} ${currency}`, field);
  }
  const minor = minus ? -magnitude : magnitude;
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

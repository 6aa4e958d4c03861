/** Exact money: decimal strings in, bigint minor units stored, decimal strings out. */
import { describe, expect, it } from 'vitest';
import { canonicalDecimal, formatMoney, MAX_TOTAL_MINOR, maxAmountMinor, parseMoney, requireCurrency } from '../../src/domain/money.js';

function refusal(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('parseMoney', () => {
  it.each([
    ['12665.00', 'EUR', 1266500n],
    ['12665', 'EUR', 1266500n],
    ['0.5', 'EUR', 50n],
    ['1.10', 'USD', 110n],
    ['1500', 'JPY', 1500n],
    ['1500.000', 'JPY', 1500n], // trailing zeros add no precision
    ['1.234', 'KWD', 1234n],
    ['1.2', 'KWD', 1200n],
    ['0.0001', 'CLF', 1n],
    ['  7.25 ', 'EUR', 725n], // surrounding whitespace is trimmed
    ['000123.40', 'EUR', 12340n],
    ['999999999999999.99', 'EUR', 99999999999999999n], // the largest amount: 15 digits before the point
    ['0000000000000000001', 'EUR', 100n], // leading zeros do not count toward the limit
  ])('parses %s %s as %s minor units', (raw, currency, minor) => {
    expect(parseMoney(raw, currency, 'amount', 'any')).toBe(minor);
  });

  it('reads "-0" as zero, which is allowed where zero is', () => {
    expect(parseMoney('-0', 'EUR', 'amount', 'nonNegative')).toBe(0n);
    expect(parseMoney('-0.00', 'EUR', 'amount', 'any')).toBe(0n);
    expect(refusal(() => parseMoney('-0', 'EUR', 'amount', 'positive'))).toBe('INVALID_AMOUNT');
  });

  it('keeps negative amounts only where the sign rule allows them', () => {
    expect(parseMoney('-12.50', 'EUR', 'amount', 'any')).toBe(-1250n);
    expect(refusal(() => parseMoney('-12.50', 'EUR', 'amount', 'nonNegative'))).toBe('INVALID_AMOUNT');
    expect(refusal(() => parseMoney('0', 'EUR'))).toBe('INVALID_AMOUNT'); // default: positive
    expect(parseMoney('0', 'EUR', 'amount', 'nonNegative')).toBe(0n);
  });

  it.each([
    ['1.001', 'EUR'],
    ['1.5', 'JPY'],
    ['0.0001', 'KWD'],
    ['+1.00', 'EUR'],
    ['1e5', 'EUR'],
    ['1E5', 'EUR'],
    ['0x10', 'EUR'],
    ['1,50', 'EUR'],
    ['1 000', 'EUR'],
    ['.5', 'EUR'],
    ['5.', 'EUR'],
    ['', 'EUR'],
    ['   ', 'EUR'],
    ['NaN', 'EUR'],
    ['Infinity', 'EUR'],
    ['--1', 'EUR'],
    ['１２', 'EUR'], // full-width digits are not ASCII decimals
    ['1000000000000000', 'EUR'], // 16 digits before the point
    ['9'.repeat(40), 'EUR'],
  ])('refuses %j in %s with INVALID_AMOUNT', (raw, currency) => {
    expect(refusal(() => parseMoney(raw, currency, 'amount', 'any'))).toBe('INVALID_AMOUNT');
  });

  it('names the field and the currency rule in the refusal', () => {
    try {
      parseMoney('1.001', 'EUR', 'openingBalance', 'any');
      expect.unreachable();
    } catch (error) {
      expect((error as { field?: string }).field).toBe('openingBalance');
      expect((error as Error).message).toContain('EUR amounts have at most 2 decimals');
    }
  });

  it('refuses an unknown currency with UNKNOWN_CURRENCY', () => {
    expect(refusal(() => parseMoney('1.00', 'XYZ'))).toBe('UNKNOWN_CURRENCY');
  });
});

describe('formatMoney', () => {
  it.each([
    [1266500n, 'EUR', '12665.00'],
    [5n, 'EUR', '0.05'],
    [0n, 'EUR', '0.00'],
    [-1250n, 'EUR', '-12.50'],
    [-5n, 'USD', '-0.05'],
    [1500n, 'JPY', '1500'],
    [0n, 'JPY', '0'],
    [-7n, 'JPY', '-7'],
    [1234n, 'KWD', '1.234'],
    [1n, 'KWD', '0.001'],
    [1n, 'CLF', '0.0001'],
    [99999999999999999n, 'EUR', '999999999999999.99'],
    [9223372036854775807n, 'EUR', '92233720368547758.07'], // PostgreSQL's largest bigint, still exact
  ])('formats %s %s as %s', (minor, currency, text) => {
    expect(formatMoney(minor, currency)).toBe(text);
  });

  it('round-trips through parseMoney for every exponent', () => {
    for (const [raw, currency] of [
      ['123456789012345.67', 'EUR'],
      ['987654321012345', 'JPY'],
      ['12345.678', 'KWD'],
      ['-0.01', 'USD'],
    ] as const) {
      expect(formatMoney(parseMoney(raw, currency, 'amount', 'any'), currency)).toBe(raw);
    }
  });
});

describe('requireCurrency', () => {
  it('accepts ISO codes in any case and refuses unknown or malformed ones', () => {
    expect(requireCurrency('rub')).toBe('RUB');
    expect(requireCurrency(' EUR ')).toBe('EUR');
    for (const bad of ['XYZ', 'EURO', '', 'E', '€']) {
      expect(refusal(() => requireCurrency(bad))).toBe('UNKNOWN_CURRENCY');
    }
  });
});

describe('canonicalDecimal', () => {
  it.each([
    ['3.0', '3'],
    ['3.00', '3'],
    ['03', '3'],
    [' 3.10 ', '3.1'],
    ['0.50', '0.5'],
    ['000', '0'],
    ['-0.00', '0'],
    ['-1.20', '-1.2'],
    ['12665.00', '12665'],
    ['abc', 'abc'], // not a decimal: kept, the service refuses it
    ['1e3', '1e3'],
  ])('spells %s as %s', (raw, canonical) => {
    expect(canonicalDecimal(raw)).toBe(canonical);
  });
});

describe('the largest amount per currency', () => {
  it.each([
    ['JPY', '999999999999999'],
    ['EUR', '999999999999999.99'],
    ['BHD', '999999999999999.999'],
    ['CLF', '99999999999999.9999'], // 10^18 − 1 minor units: 4 decimals leave 14 digits before the point
    ['UYW', '99999999999999.9999'],
  ])('%s: %s is accepted, one minor unit more is INVALID_AMOUNT', (currency, largest) => {
    const minor = parseMoney(largest, currency);
    expect(minor).toBe(maxAmountMinor(currency));
    expect(formatMoney(minor, currency)).toBe(largest);
    expect(refusal(() => parseMoney(formatMoney(minor + 1n, currency), currency))).toBe('INVALID_AMOUNT');
    expect(refusal(() => parseMoney(`-${formatMoney(minor + 1n, currency)}`, currency, 'amount', 'any'))).toBe('INVALID_AMOUNT');
  });

  it('refuses the reported 10^19 minor units of CLF, which passes bigint', () => {
    expect(refusal(() => parseMoney('999999999999999.9999', 'CLF'))).toBe('INVALID_AMOUNT');
    expect(10n ** 19n - 1n > MAX_TOTAL_MINOR).toBe(true);
  });

  it('any single amount is below a tenth of the largest total, so one write never overflows a column', () => {
    for (const currency of ['JPY', 'EUR', 'BHD', 'CLF']) expect(maxAmountMinor(currency) * 9n < MAX_TOTAL_MINOR).toBe(true);
  });
});

/** Pure budgets code: period buckets, closed-list parsing, file-type sniffing. */
import { describe, expect, it } from 'vitest';
import { periodBuckets, periodStartOf } from '../../src/domain/budget-periods.js';
import { BUDGET_OPTIONS, parseChoice, parseChoices } from '../../src/domain/choices.js';
import { UnknownValueError } from '../../src/domain/errors.js';
import { sniffContentType } from '../../src/domain/file-types.js';
import { day } from '../support/budget-fixtures.js';

const iso = (date: Date) => date.toISOString().slice(0, 10);

describe('periodBuckets', () => {
  it('clips the first and last month to the window', () => {
    const buckets = periodBuckets(day('2024-01-15'), day('2024-03-10'), 'MONTH');
    expect(buckets.map((b) => [iso(b.periodStart), iso(b.start), iso(b.end)])).toEqual([
      ['2024-01-01', '2024-01-15', '2024-01-31'],
      ['2024-02-01', '2024-02-01', '2024-02-29'],
      ['2024-03-01', '2024-03-01', '2024-03-10'],
    ]);
  });

  it('splits by quarter and by year, and a one-day window has one bucket', () => {
    expect(periodBuckets(day('2024-02-01'), day('2025-01-31'), 'QUARTER').map((b) => iso(b.periodStart))).toEqual([
      '2024-01-01',
      '2024-04-01',
      '2024-07-01',
      '2024-10-01',
      '2025-01-01',
    ]);
    expect(periodBuckets(day('2023-06-01'), day('2025-06-01'), 'YEAR').map((b) => iso(b.end))).toEqual(['2023-12-31', '2024-12-31', '2025-06-01']);
    expect(periodBuckets(day('2024-05-05'), day('2024-05-05'), 'MONTH')).toHaveLength(1);
    expect(iso(periodStartOf(day('2024-11-30'), 'QUARTER'))).toBe('2024-10-01');
  });
});

describe('parseChoice', () => {
  it("accepts the source API's spellings and refuses anything else with the accepted list", () => {
    expect(parseChoices(['spend_alerts', 'auto-freeze', 'AUTO_FREEZE'], BUDGET_OPTIONS, 'config')).toEqual(['SPEND_ALERTS', 'AUTO_FREEZE']);
    expect(parseChoice(' month ', ['MONTH', 'YEAR'], 'granularity')).toBe('MONTH');
    const error = (() => {
      try {
        parseChoice('weekly', ['MONTH', 'YEAR'], 'granularity');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(UnknownValueError);
    expect(error).toMatchObject({ code: 'UNKNOWN_VALUE', field: 'granularity', allowed: ['MONTH', 'YEAR'] });
  });
});

describe('sniffContentType', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  it('recognises documents by their first bytes, whatever the name', () => {
    expect(sniffContentType(bytes('%PDF-1.4 ...'), 'scan.png')).toBe('application/pdf');
    expect(sniffContentType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]), 'photo')).toBe('image/jpeg');
    expect(sniffContentType(bytes('RIFF\0\0\0\0WEBPVP8 '), 'x')).toBe('image/webp');
    expect(sniffContentType(bytes('a,b\n1,2\n'), 'data.CSV')).toBe('text/csv');
    expect(sniffContentType(bytes('hello'), 'notes')).toBe('text/plain');
  });

  it('refuses binaries, markup, invalid UTF-8 and empty files', () => {
    expect(sniffContentType(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]), 'report.pdf')).toBeUndefined();
    expect(sniffContentType(bytes('  <svg onload="x()"></svg>'), 'logo.txt')).toBeUndefined();
    expect(sniffContentType(bytes('<html><body>hi'), 'page.csv')).toBeUndefined();
    expect(sniffContentType(Uint8Array.from([0xc3, 0x28]), 'bad.txt')).toBeUndefined();
    expect(sniffContentType(bytes('tab\tok\0nul'), 'x.txt')).toBeUndefined();
    expect(sniffContentType(new Uint8Array(0), 'empty.txt')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { iban, ibanChecksumValid } from '../../lib/redaction/detectors/iban.js';

const values = (text: string) => iban.find(text).map((m) => m.value);

describe('iban', () => {
  it('finds IBANs of several countries, compact and in groups of four', () => {
    const text =
      'pay GB82 WEST 1234 5698 7654 32 or DE89370400440532013000, FR14 2004 1010 0505 0001 3M02 606, ' +
      'NL91ABNA0417164300; BE68 5390 0754 7034 and CH93 0076 2011 6238 5295 7 (NO9386011117947)';
    expect(values(text)).toEqual([
      'GB82 WEST 1234 5698 7654 32',
      'DE89370400440532013000',
      'FR14 2004 1010 0505 0001 3M02 606',
      'NL91ABNA0417164300',
      'BE68 5390 0754 7034',
      'CH93 0076 2011 6238 5295 7',
      'NO9386011117947',
    ]);
  });

  it('accepts lower case and reports offsets', () => {
    expect(iban.find('iban: gb82west12345698765432.')).toEqual([{ start: 6, end: 28, value: 'gb82west12345698765432' }]);
  });

  it('rejects bad check digits', () => {
    expect(values('GB83 WEST 1234 5698 7654 32')).toEqual([]);
    expect(values('DE88370400440532013000')).toEqual([]);
    expect(ibanChecksumValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanChecksumValid('GB82WEST12345698765433')).toBe(false);
    expect(ibanChecksumValid('GB82 WEST')).toBe(false);
  });

  it('rejects wrong lengths, unknown countries and bad grouping', () => {
    expect(values('GB82 WEST 1234 5698 7654')).toEqual([]); // too short
    expect(values('GB82 WEST 1234 5698 7654 3200')).toEqual([]); // runs on
    expect(values('DE893704004405320130001')).toEqual([]); // 23 characters
    expect(values('ZZ82WEST12345698765432')).toEqual([]); // no such country
    expect(values('GB82 WES T123 4569 8765 432')).toEqual([]); // groups not of four
    expect(values('GB82WEST 1234 5698 7654 32')).toEqual([]); // half compact
    expect(values('XGB82WEST12345698765432')).toEqual([]); // inside a word
  });

  it('is fast on near-misses', () => {
    const started = performance.now();
    iban.find('GB82 '.repeat(20_000));
    iban.find('DE89'.repeat(25_000));
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

import { describe, expect, it } from 'vitest';
import { ssnValid, usSsn } from '../../lib/redaction/detectors/us-ssn.js';

const values = (text: string) => usSsn.find(text).map((m) => m.value);

describe('us-ssn', () => {
  it('finds AAA-GG-SSSS and AAA GG SSSS', () => {
    expect(values('SSN 123-45-6789 and 123 45 6789; 536-22-1234.')).toEqual(['123-45-6789', '123 45 6789', '536-22-1234']);
    expect(usSsn.find('x 772-01-0001 y')).toEqual([{ start: 2, end: 13, value: '772-01-0001' }]);
  });

  it.each([
    ['area 000', '000-12-3456'],
    ['area 666', '666-12-3456'],
    ['area 900-999 (ITINs, advertising)', '900-12-3456'],
    ['area 999', '999-12-3456'],
    ['advertising range 987-65-432x', '987-65-4320'],
    ['group 00', '123-00-4567'],
    ['serial 0000', '123-45-0000'],
    ['the Woolworth wallet card', '078-05-1120'],
    ['the SSA pamphlet number', '219-09-9999'],
    ['mixed separators', '123-45 6789'],
    ['wrong grouping', '1234-5-6789'],
    ['part of a longer dashed number', '1-123-45-6789'],
    ['followed by more groups', '123-45-6789-12'],
    ['part of a longer spaced number', '555 123 45 6789'],
    ['inside a word', 'ID123-45-6789'],
    ['undelimited without context', 'order 123456789'],
  ])('does not match %s', (_name, text) => {
    expect(values(`x ${text} y`)).toEqual([]);
  });

  it('matches undelimited nine digits only after a context word', () => {
    expect(values('SSN: 123456789')).toEqual(['123456789']);
    expect(values('Social Security Number 536221234')).toEqual(['536221234']);
    expect(values('ss# 536221234, soc. sec. 536221235')).toEqual(['536221234', '536221235']);
    expect(values('my ssn is 000123456')).toEqual([]); // invalid area
    expect(values(`SSN: ${'x'.repeat(40)} 123456789`)).toEqual([]); // too far away
    expect(values('glass 123456789')).toEqual([]); // "ss" inside a word is no context
    expect(values('SSN 1234567890')).toEqual([]); // ten digits
  });

  it('validates ranges', () => {
    expect(ssnValid('123456789')).toBe(true);
    expect(ssnValid('899999999')).toBe(true);
    expect(ssnValid('900000001')).toBe(false);
    expect(ssnValid('12345678')).toBe(false);
  });

  it('does not match a kept tail of a masked SSN', () => {
    expect(values('***-**-6789 *****6789 SSN *****6789')).toEqual([]);
  });
});

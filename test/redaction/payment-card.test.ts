import { describe, expect, it } from 'vitest';
import { cardNetwork, luhnValid, paymentCard } from '../../lib/redaction/detectors/payment-card.js';
import { group, withCheckDigit, withWrongCheckDigit } from './cards.js';

const values = (text: string) => paymentCard.find(text).map((m) => m.value);

describe('payment-card', () => {
  it('finds the test numbers of every network, unbroken and grouped', () => {
    const cards = [
      '4111111111111111',
      '4012888888881881',
      '4222222222222',
      withCheckDigit('411111111111111111'), // Visa 16, 16, 13, 19
      '5555555555554444',
      '5105105105105100',
      '2221000000000009',
      withCheckDigit('272099999999999'), // Mastercard
      '378282246310005',
      '371449635398431', // Amex
      '6011111111111117',
      '6011000990139424',
      withCheckDigit('644564456445644'),
      withCheckDigit('650000000000000000'), // Discover
      '3530111333300000',
      '3566002020360505',
      withCheckDigit('358900000000000000'), // JCB
      '30569309025904',
      '38520000023237',
      '36227206271667', // Diners
    ];
    for (const card of cards) {
      expect(values(`pay with ${card} today`), card).toEqual([card]);
      expect(cardNetwork(card), card).toBeDefined();
    }
    expect(values('a 4111 1111 1111 1111 b 5500-0000-0000-0004 c 3782 822463 10005 d 3056 930902 5904')).toEqual([
      '4111 1111 1111 1111',
      '5500-0000-0000-0004',
      '3782 822463 10005',
      '3056 930902 5904',
    ]);
    const visa19 = withCheckDigit('411111111111111111');
    expect(values(group(visa19, [4, 4, 4, 4], ' '))).toEqual([group(visa19, [4, 4, 4, 4], ' ')]);
  });

  it('reports offsets and values exactly', () => {
    expect(paymentCard.find('Card: 4111-1111-1111-1111.')).toEqual([{ start: 6, end: 25, value: '4111-1111-1111-1111' }]);
  });

  it('requires a valid Luhn check digit', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnValid('12a4')).toBe(false);
    expect(values('4111111111111112')).toEqual([]);
    expect(values(withWrongCheckDigit('510510510510510'))).toEqual([]);
    expect(values('4111 1111 1111 1112')).toEqual([]);
  });

  it('requires a known issuer prefix and length', () => {
    expect(values('1234567812345670')).toEqual([]); // Luhn ok, no issuer
    expect(values(withCheckDigit('99999999999999'))).toEqual([]);
    expect(values(withCheckDigit('41111111111111'))).toEqual([]); // Visa with 15 digits
    expect(values(withCheckDigit('5111111111111'))).toEqual([]); // Mastercard with 14 digits
    expect(values(withCheckDigit('3711111111111111'))).toEqual([]); // Amex with 17 digits
    expect(values(withCheckDigit('2220999999999999'.slice(0, 15)))).toEqual([]); // just below the 2-series
    expect(values(withCheckDigit('272100000000000'))).toEqual([]); // just above it
    expect(values(withCheckDigit('306000000000'.padEnd(13, '0')))).toEqual([]); // Diners 306 is not an IIN
  });

  it('does not fire inside longer digit runs or words', () => {
    expect(values('94111111111111111')).toEqual([]);
    expect(values('41111111111111119')).toEqual([]);
    expect(values('order 0004111111111111111000')).toEqual([]);
    expect(values('ID4111111111111111 4111111111111111x')).toEqual([]);
    expect(values('x_4111111111111111_x (4111111111111111)')).toEqual(['4111111111111111', '4111111111111111']);
  });

  it('finds groups split by dots, doubled spaces, or spaces and dashes mixed; not other groupings', () => {
    for (const written of ['4111 1111-1111 1111', '4111  1111  1111  1111', '4111.1111.1111.1111', '4111 - 1111 - 1111 - 1111', '4111-1111 1111.1111']) {
      expect(values(`card: ${written} thanks`)).toEqual([written]);
    }
    expect(values('4111    1111 1111 1111')).toEqual([]); // a gap of four is two fields, not one number
    expect(values('4111_1111_1111_1111')).toEqual([]);
    expect(values('41 11 11 11 11 11 11 11')).toEqual([]); // not a card grouping
    expect(values('411 111 111 111 1111')).toEqual([]);
    expect(values('4111\u00a01111\u00a01111\u00a01111')).toEqual(['4111\u00a01111\u00a01111\u00a01111']);
    expect(values('4111\u20111111\u20111111\u20111111')).toHaveLength(1); // non-breaking hyphens
  });

  it('finds cards next to other numbers at group boundaries, and lists of cards', () => {
    expect(values('ref 12 4111 1111 1111 1111 exp 12 27')).toEqual(['4111 1111 1111 1111']);
    expect(values('4111111111111111 5555555555554444,378282246310005')).toEqual(['4111111111111111', '5555555555554444', '378282246310005']);
    expect(values('4111-1111-1111-1111 5555 5555 5555 4444')).toEqual(['4111-1111-1111-1111', '5555 5555 5555 4444']);
  });

  it('ignores text without candidates quickly', () => {
    expect(values('')).toEqual([]);
    expect(values('no digits here')).toEqual([]);
    const started = performance.now();
    paymentCard.find('1 '.repeat(50_000));
    paymentCard.find('1234-'.repeat(20_000));
    paymentCard.find('9'.repeat(100_000));
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

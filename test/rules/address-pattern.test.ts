import { describe, expect, it } from 'vitest';
import { InvalidPatternError, matchesPattern, normaliseAddress, parsePattern, patternSpecificity, validatePattern } from '../../lib/rules/address-pattern.js';

describe('WorkMail sender/recipient patterns', () => {
  it.each([
    // [address, pattern, matches]
    ['a@example.com', 'a@example.com', true],
    ['A@Example.COM', 'a@example.com', true],
    ['a@example.com', 'A@EXAMPLE.com', true],
    ['b@example.com', 'a@example.com', false],
    ['a@sub.example.com', 'a@example.com', false],
    ['a@example.com', 'example.com', true],
    ['a@EXAMPLE.com', 'Example.Com', true],
    ['a@sub.example.com', 'example.com', false],
    ['a@example.com', '*.example.com', true],
    ['a@sub.example.com', '*.example.com', true],
    ['a@deep.sub.example.com', '*.example.com', true],
    ['a@notexample.com', '*.example.com', false],
    ['a@example.com.evil.org', '*.example.com', false],
    ['a@example.com.evil.org', 'example.com', false],
    ['anyone@anywhere.net', '*', true],
    ['', '*', true],
    ['', 'example.com', false],
    ['not-an-address', 'not-an-address', false],
    ['Boss <boss@partner.org>', 'boss@partner.org', true],
    ['  a@example.com. ', 'example.com', true],
    ['a+tag@example.com', 'example.com', true],
    ['a+tag@example.com', 'a@example.com', false],
    ['user@bücher.de', 'bücher.de', true],
    ['user@xn--bcher-kva.de', '*.bücher.de', true],
    ['user@bücher.de', 'xn--bcher-kva.de', true],
  ])('%j against %j → %s', (address, pattern, expected) => {
    expect(matchesPattern(address, pattern)).toBe(expected);
  });

  it('never matches with an invalid pattern, so a typo cannot widen a rule', () => {
    for (const bad of ['a+b@example.com', '*example.com', 'ex ample.com', '', '*.', '@example.com', 'a*@example.com', 'example..com']) {
      expect(matchesPattern('a+b@example.com', bad)).toBe(false);
      expect(patternSpecificity(bad)).toBe(-1);
    }
  });

  it.each([
    ['a+b@example.com', /"\+" is not allowed/],
    ['ex ample.com', /cannot contain spaces/],
    ['', /cannot be empty/],
    ['   ', /cannot be empty/],
    ['*@example.com', /wildcards are only allowed as "\*" or "\*\.domain", not in an address/],
    ['a*b@example.com', /not in an address/],
    ['ex*ample.com', /wildcards are only allowed/],
    ['*.*.example.com', /is not a valid domain/],
    ['**', /wildcards are only allowed/],
    ['@example.com', /needs a local part/],
    ['a@', /"" is not a valid domain/],
    ['a@-bad.com', /"-bad.com" is not a valid domain/],
    ['under_score.com', /is not a valid domain/],
    ['example..com', /is not a valid domain/],
    ['a..b@example.com', /not a valid local part/],
    ['"quoted"@example.com', /not a valid local part/],
    [`${'x'.repeat(64)}.com`, /is not a valid domain/],
  ])('rejects %j', (pattern, why) => {
    expect(validatePattern(pattern)).toMatch(why);
    expect(() => parsePattern(pattern)).toThrow(InvalidPatternError);
  });

  it('accepts the four documented forms, normalised', () => {
    expect(parsePattern(' A@Example.COM ')).toEqual({ kind: 'address', normalised: 'a@example.com', domain: 'example.com', localPart: 'a' });
    expect(parsePattern('Example.com.')).toMatchObject({ kind: 'domain', normalised: 'example.com' });
    expect(parsePattern('*.Example.com')).toMatchObject({ kind: 'wildcard-domain', normalised: '*.example.com', domain: 'example.com' });
    expect(parsePattern('*')).toMatchObject({ kind: 'any' });
    expect(parsePattern('bücher.de').normalised).toBe('xn--bcher-kva.de');
    for (const ok of ['first.last@example.com', "o'brien@example.ie", 'x@a-b.example.co.uk', 'com', '*.com']) expect(validatePattern(ok)).toBeUndefined();
    const e = (() => {
      try {
        parsePattern('a+b@x.com');
      } catch (err) {
        return err as InvalidPatternError;
      }
    })();
    expect([e?.code, e?.pattern]).toEqual(['ADDRESS_PATTERN_INVALID', 'a+b@x.com']);
  });

  it('orders patterns: address > domain > wildcard domain (deeper first) > *', () => {
    const ordered = ['*', '*.example.com', '*.eu.example.com', 'example.com', 'a@example.com'].map(patternSpecificity);
    expect([...ordered].sort((a, b) => a - b)).toEqual(ordered);
    expect(new Set(ordered).size).toBe(ordered.length);
    // A domain beats a wildcard for its own subdomain, however deep the wildcard.
    expect(patternSpecificity('eu.example.com')).toBeGreaterThan(patternSpecificity('*.eu.example.com'));
  });

  it('normalises addresses the way patterns compare them', () => {
    expect(normaliseAddress('"Boss" <Boss@Partner.ORG.>')).toEqual({ localPart: 'boss', domain: 'partner.org' });
    expect(normaliseAddress('nobody')).toEqual({ localPart: 'nobody', domain: '' });
  });
});

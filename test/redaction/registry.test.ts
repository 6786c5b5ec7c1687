import { describe, expect, it } from 'vitest';
import { WmflowError } from '../../lib/errors.js';
import { RedactionError } from '../../lib/redaction/errors.js';
import { BUILTIN_DETECTOR_IDS, getBuiltinDetector, isBuiltinDetectorId, requireBuiltinDetector, suggestDetector } from '../../lib/redaction/registry.js';
import { editDistance } from '../../lib/redaction/suggest-detector.js';

describe('built-in detectors', () => {
  it('are registered under their documented ids', () => {
    expect(BUILTIN_DETECTOR_IDS).toEqual(['payment-card', 'us-ssn', 'iban', 'aws-access-key-id', 'email-address']);
    for (const id of BUILTIN_DETECTOR_IDS) {
      expect(getBuiltinDetector(id)?.id).toBe(id);
      expect(isBuiltinDetectorId(id)).toBe(true);
    }
    expect(getBuiltinDetector('credit_card')).toBeUndefined();
    expect(getBuiltinDetector('toString')).toBeUndefined();
    expect(isBuiltinDetectorId('__proto__')).toBe(false);
  });

  it('requireBuiltinDetector throws a typed error with a suggestion', () => {
    expect(requireBuiltinDetector('iban').id).toBe('iban');
    let error: unknown;
    try {
      requireBuiltinDetector('credit_card');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RedactionError);
    expect(error).toBeInstanceOf(WmflowError);
    expect(error).toMatchObject({ code: 'REDACTION_UNKNOWN_DETECTOR', message: 'unknown detector "credit_card" (did you mean "payment-card"?)' });
    expect(() => requireBuiltinDetector('zzzzzz')).toThrow(/^unknown detector "zzzzzz"$/);
  });
});

describe('suggestDetector', () => {
  it.each([
    ['credit_card', 'payment-card'],
    ['Credit Card', 'payment-card'],
    ['payment_card', 'payment-card'],
    ['paymentcard', 'payment-card'],
    ['PAN', 'payment-card'],
    ['ssn', 'us-ssn'],
    ['us_ssn', 'us-ssn'],
    ['usssn', 'us-ssn'],
    ['ibna', 'iban'],
    ['email', 'email-address'],
    ['email_adress', 'email-address'],
    ['aws-access-key', 'aws-access-key-id'],
    ['aws_access_key_id', 'aws-access-key-id'],
  ])('%s → %s', (input, expected) => {
    expect(suggestDetector(input)).toBe(expected);
  });

  it('suggests nothing for unrelated names', () => {
    expect(suggestDetector('passport')).toBeUndefined();
    expect(suggestDetector('')).toBeUndefined();
    expect(suggestDetector('phone-number')).toBeUndefined();
  });

  it('edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('iban', 'iban')).toBe(0);
    expect(editDistance('ibna', 'iban')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
  });
});

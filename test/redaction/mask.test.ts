import { describe, expect, it } from 'vitest';
import { DEFAULT_REPLACEMENT, maskProblem, maskValue } from '../../lib/redaction/mask.js';

describe('maskValue', () => {
  it('full: the default replacement, a custom one, or a per-detector label', () => {
    expect(DEFAULT_REPLACEMENT).toBe('[REDACTED]');
    expect(maskValue('4111 1111 1111 1111', { style: 'full' })).toBe('[REDACTED]');
    expect(maskValue('4111 1111 1111 1111', { style: 'full', replacement: '[CARD]' })).toBe('[CARD]');
    expect(maskValue('4111 1111 1111 1111', { style: 'full', replacement: '[REDACTED:{detector}]' }, 'payment-card')).toBe('[REDACTED:payment-card]');
    expect(maskValue('x', { style: 'full', replacement: '' })).toBe('');
  });

  it('keep-last: masks letters and digits but the last N, keeping separators', () => {
    expect(maskValue('4111 1111 1111 1111', { style: 'keep-last', keep: 4 })).toBe('**** **** **** 1111');
    expect(maskValue('4111-1111-1111-1111', { style: 'keep-last', keep: 4, maskChar: '#' })).toBe('####-####-####-1111');
    expect(maskValue('123-45-6789', { style: 'keep-last', keep: 4 })).toBe('***-**-6789');
    expect(maskValue('GB82 WEST 1234 5698 7654 32', { style: 'keep-last', keep: 4 })).toBe('**** **** **** **** **54 32');
    expect(maskValue('jane.doe@example.com', { style: 'keep-last', keep: 3, maskChar: '•' })).toBe('••••.•••@•••••••.com');
    expect(maskValue('4111111111111111', { style: 'keep-last', keep: 0 })).toBe('*'.repeat(16));
  });

  it('keep-last never keeps more than half of the letters and digits', () => {
    expect(maskValue('123-45-6789', { style: 'keep-last', keep: 8 })).toBe('***-**-6789');
    expect(maskValue('AB12', { style: 'keep-last', keep: 4 })).toBe('**12');
    expect(maskValue('x', { style: 'keep-last', keep: 4 })).toBe('*');
  });

  it('keep-last treats non-ASCII letters and astral characters as single characters', () => {
    expect(maskValue('Jürgen-😀-Ø1', { style: 'keep-last', keep: 2 })).toBe('******-😀-Ø1');
  });
});

describe('maskProblem', () => {
  it('accepts valid masks and explains invalid ones', () => {
    expect(maskProblem({ style: 'full' })).toBeUndefined();
    expect(maskProblem({ style: 'keep-last', keep: 4, maskChar: '•' })).toBeUndefined();
    expect(maskProblem({ style: 'keep-last', keep: -1 })).toMatch(/keep/);
    expect(maskProblem({ style: 'keep-last', keep: 1.5 })).toMatch(/keep/);
    expect(maskProblem({ style: 'keep-last', keep: 4, maskChar: 'X' })).toMatch(/maskChar/);
    expect(maskProblem({ style: 'keep-last', keep: 4, maskChar: '**' })).toMatch(/maskChar/);
    expect(maskProblem({ style: 'keep-last', keep: 4, maskChar: ' ' })).toMatch(/maskChar/);
    expect(maskProblem({ style: 'blur' } as never)).toMatch(/unknown mask style/);
  });
});

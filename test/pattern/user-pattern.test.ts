import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WmflowError } from '../../lib/errors.js';
import { parseMessage } from '../../lib/mime/index.js';
import { PatternError, compileUserPattern, userPatternProblem } from '../../lib/pattern/index.js';
import { ConfigError, evaluateCondition, parseRulesConfig, type Condition } from '../../lib/rules/index.js';
import { run } from '../support/run.js';
import { ADVERSARIAL_PATTERNS } from '../support/adversarial-patterns.js';
import { mail } from '../support/samples.js';

const ADVERSARIAL = ADVERSARIAL_PATTERNS;
const BOUND_MS = 1000;

function timed<T>(fn: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = fn();
  return { value, ms: performance.now() - started };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('did not throw');
}

describe('adversarial patterns run in linear time', () => {
  it.each(ADVERSARIAL)('%s on 100 KB of near-miss text', (pattern, char) => {
    const re = compileUserPattern({ pattern });
    const missing = pattern.at(-1)!;
    const miss = char.repeat(100_000);
    const test = timed(() => re.test(miss));
    const scan = timed(() => [...re.matches(miss)]);
    const hit = `${miss}${missing}`;
    const whole = timed(() => [...re.matches(hit)]);
    // 1,000 near-misses of 99 characters, each completed: the automaton runs over every character.
    const many = `${char.repeat(99)}${missing}`.repeat(1000);
    const each = timed(() => [...re.matches(many)]);
    console.log(
      `${pattern}: test ${test.ms.toFixed(1)} ms, matches ${scan.ms.toFixed(1)} ms (no match), ${whole.ms.toFixed(1)} ms (whole 100 KB match), ${each.ms.toFixed(1)} ms (1,000 matches)`,
    );
    expect(test.value).toBe(false);
    expect(scan.value).toEqual([]);
    // Every character can be consumed by the repetition, so the leftmost match is the whole text.
    expect(whole.value).toEqual([{ start: 0, end: hit.length }]);
    expect(each.value).toEqual(Array.from({ length: 1000 }, (_, i) => ({ start: i * 100, end: i * 100 + 100 })));
    for (const { ms } of [test, scan, whole, each]) expect(ms).toBeLessThan(BOUND_MS);
  });

  const subjectInput = async (subject: string) => {
    const message = await parseMessage(mail(['From: a@example.org', `Subject: ${subject}`, `X-Tag: ${subject}`, '', 'hi', '']));
    return {
      direction: 'INBOUND' as const,
      mailFrom: 'a@example.org',
      sender: undefined,
      recipients: ['me@example.com'],
      orgDomains: ['example.com'],
      message,
    };
  };

  it.each([28, 100_000])('a subject or header condition (a|a)*b is fast on a %i-character near-miss', async (n) => {
    const input = await subjectInput('a'.repeat(n));
    expect(input.message.headers.getDecoded('subject')[0]).toBe('a'.repeat(n));
    const conditions: Condition[] = [{ subject: { pattern: '(a|a)*b' } }, { header: { name: 'X-Tag', matches: { pattern: '(a|a)*b' } } }];
    for (const condition of conditions) {
      const { value, ms } = timed(() => evaluateCondition(condition, input));
      console.log(`condition ${JSON.stringify(condition)} on ${n} characters: ${ms.toFixed(1)} ms`);
      expect(value).toBe(false);
      expect(ms).toBeLessThan(BOUND_MS);
    }
    const matching = await subjectInput(`${'a'.repeat(n - 1)}b`);
    for (const condition of conditions) expect(evaluateCondition(condition, matching)).toBe(true);
  });

  it('a custom detector (a|a)*b loads from configuration and redacts 100 KB quickly', async () => {
    const config = parseRulesConfig({ rules: [{ type: 'redact', detectors: [{ id: 'ab', pattern: '(a|a)*b' }], mask: { style: 'full' } }] });
    const lines = Array.from({ length: 1500 }, () => 'a'.repeat(70));
    const input = mail(['From: a@example.org', 'To: me@example.com', 'Subject: x', 'Content-Type: text/plain; charset=utf-8', '', ...lines, 'aaab', '']);
    const { value: result, ms } = await (async () => {
      const started = performance.now();
      const value = await run(config.rules, input);
      return { value, ms: performance.now() - started };
    })();
    console.log(`redact rule with (a|a)*b over ${input.length} bytes: ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(BOUND_MS * 5);
    const out = result.output.toString('utf8');
    expect(out).toContain('\r\n[REDACTED]\r\n');
    expect(out).not.toContain('aaab');
    expect(out.split('a'.repeat(70)).length - 1).toBe(1500);
  });
});

describe('refusals', () => {
  it.each([
    ['(a)\\1', /^backreferences like \\1 are not supported: patterns run in linear time \(RE2 syntax\)$/],
    ['(?<n>a)\\k<n>', /^named backreferences like \\k<name> are not supported: patterns run in linear time/],
    ['a(?=b)', /^lookahead \(\?=…\) is not supported: patterns run in linear time/],
    ['a(?!b)', /^lookahead \(\?!…\) is not supported/],
    ['(?<=a)b', /^lookbehind \(\?<=…\) is not supported/],
    ['(?<!a)b', /^lookbehind \(\?<!…\) is not supported/],
    ['a++', /^possessive quantifiers like a\+\+ are not supported/],
    ['a*+b', /^possessive quantifiers like a\*\+ are not supported/],
    ['a{2,}+', /^possessive quantifiers like a\{2,\}\+ are not supported/],
    ['(?>ab)', /^atomic groups \(\?>…\) are not supported/],
    ['(ab', /^invalid regular expression \(RE2 syntax\): missing closing \): `\(ab`$/],
    ['[z-a]', /^invalid regular expression \(RE2 syntax\): invalid character class range: `z-a`$/],
    ['a{1001}', /^invalid regular expression \(RE2 syntax\): invalid repeat count/],
    ['\\u12', /^invalid escape \\u/],
  ])('%s', (pattern, message) => {
    expect(userPatternProblem({ pattern })).toMatch(message);
    const err = thrown(() => compileUserPattern({ pattern }));
    expect(err).toBeInstanceOf(PatternError);
    expect(err).toBeInstanceOf(WmflowError);
    expect(err).toMatchObject({ code: 'PATTERN_INVALID', pattern });
    expect((err as PatternError).problem).toMatch(message);
    expect((err as Error).message).toBe(`invalid pattern ${JSON.stringify(pattern)}: ${(err as PatternError).problem}`);
  });

  it.each(['g', 'y', 'v', 'x', 'iq'])('refuses the flags %s', (flags) => {
    expect(userPatternProblem({ pattern: 'a', flags })).toBe(`invalid regular expression flags "${flags}": use i, m, s or u`);
  });

  it('refuses backreferences and lookaround at config load, with the path', () => {
    let err: unknown;
    try {
      parseRulesConfig({
        rules: [
          { type: 'subject-tag', name: 'a', tag: '[A]', when: { subject: { pattern: 'x' } } },
          { type: 'subject-tag', name: 'b', tag: '[B]', when: { subject: { pattern: '(a|a)*b' } } },
          { type: 'subject-tag', name: 'c', tag: '[C]', when: { subject: { pattern: '(re:)\\1', flags: 'i' } } },
          { type: 'action', action: 'DROP', when: { any: [{ header: { name: 'X-Spam', matches: { pattern: 'yes(?!!)' } } }] } },
          { type: 'redact', detectors: ['payment-card', { pattern: '(?<=id:)\\d+' }] },
        ],
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      'rules[2].when.subject.pattern: backreferences like \\1 are not supported: patterns run in linear time (RE2 syntax)',
      'rules[3].when.any[0].header.matches.pattern: lookahead (?!…) is not supported: patterns run in linear time (RE2 syntax)',
      'rules[4].detectors[1].pattern: lookbehind (?<=…) is not supported: patterns run in linear time (RE2 syntax)',
    ]);
  });
});

describe('syntax', () => {
  const spans = (pattern: string, text: string, flags?: string) =>
    [...compileUserPattern({ pattern, flags }).matches(text)].map((m) => text.slice(m.start, m.end));

  it('maps the flags i, m and s, and accepts u as a no-op', () => {
    expect(compileUserPattern({ pattern: 'invoice' }).test('INVOICE')).toBe(false);
    expect(compileUserPattern({ pattern: 'invoice', flags: 'i' }).test('INVOICE')).toBe(true);
    expect(compileUserPattern({ pattern: '^b$' }).test('a\nb\nc')).toBe(false);
    expect(compileUserPattern({ pattern: '^b$', flags: 'm' }).test('a\nb\nc')).toBe(true);
    expect(compileUserPattern({ pattern: 'a.b' }).test('a\nb')).toBe(false);
    expect(compileUserPattern({ pattern: 'a.b', flags: 's' }).test('a\nb')).toBe(true);
    expect(spans('.', '😀é', 'u')).toEqual(spans('.', '😀é'));
    expect(spans('.', '😀é')).toEqual(['😀', 'é']);
  });

  it('translates JavaScript escapes and accepts both named-group spellings', () => {
    expect(spans('\\u00e9+', 'café éé')).toEqual(['é', 'éé']);
    expect(spans('\\uD83D\\uDE00|\\u{1F601}', '😀x😁')).toEqual(['😀', '😁']);
    expect(spans('a\\cJb', 'a\nb')).toEqual(['a\nb']);
    expect(spans('[\\u0041-\\u0043]+', 'xABCD')).toEqual(['ABC']);
    // Escaped backslashes and RE2's literal \Q…\E are left alone.
    expect(spans('\\\\u0041', 'A \\u0041')).toEqual(['\\u0041']);
    expect(spans('\\Q\\u0041.\\E', 'A. \\u0041.')).toEqual(['\\u0041.']);
    expect(spans('(?<y>\\d{4})-(?P<m>\\d{2})', 'on 2026-12-02')).toEqual(['2026-12']);
  });

  it('reports UTF-16 indices usable with String.slice around non-BMP characters', () => {
    const text = '😀ab😀😀c é😀abc';
    const re = compileUserPattern({ pattern: '[a-c]+' });
    const expected = [...text.matchAll(/[a-c]+/gu)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
    expect([...re.matches(text)]).toEqual(expected);
    expect(expected.map((m) => m.start)).toEqual([2, 8, 13]);
  });

  // The documented differences from JavaScript: if re2js changes, the TSDoc must too.
  it('differs from JavaScript where documented', () => {
    expect(compileUserPattern({ pattern: '\\s' }).test('\v')).toBe(false);
    expect(/\s/.test('\v')).toBe(true);
    expect(compileUserPattern({ pattern: '\\s' }).test('\u00a0')).toBe(false);
    expect(compileUserPattern({ pattern: 'a.b' }).test('a\rb')).toBe(true);
    expect(/a.b/.test('a\rb')).toBe(false);
    expect(compileUserPattern({ pattern: 'a$', flags: 'm' }).test('a\r\nb')).toBe(false);
    expect(/a$/m.test('a\r\nb')).toBe(true);
    expect(compileUserPattern({ pattern: 'a$' }).test('a\n')).toBe(false);
  });
});

describe('agrees with JavaScript RegExp on safe patterns', () => {
  // Patterns whose meaning is the same in both engines on this alphabet (no \v, \r, U+2028/9 or
  // Unicode spaces, where \s, `.` and line anchors differ). The oracle uses `u` so that both
  // step over surrogate pairs and fold case the same way.
  const PATTERNS = [
    'a',
    'a+b',
    'ab|ba',
    '(a|b)+c',
    '(a|ab)(c|bcd)',
    '[a-c]+',
    '[^a ]+',
    '\\d+',
    '\\d{2,3}',
    '\\w+',
    '\\W',
    '\\bab',
    'a\\b',
    '\\Bb',
    '^a',
    'b$',
    '^\\w+$',
    'a.b',
    'a.*b',
    'a.*?b',
    'a+?',
    '(?:ab)*c',
    'a{2}',
    'a?b?c',
    'b*',
    'é+',
    '😀.',
    '[😀é]+',
    '-\\d',
    '\\s+\\S',
    'É',
  ];
  const ALPHABET = ['a', 'b', 'c', 'd', 'A', 'B', 'C', '1', '2', ' ', '-', '_', '\n', '\t', 'é', 'É', '😀'];
  const text = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 24 }).map((cs) => cs.join(''));
  const flags = fc.constantFrom('', 'i', 'm', 's', 'ims');

  it('match or not, the first match span, and every match span', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATTERNS), flags, text, (pattern, f, input) => {
        const re = compileUserPattern({ pattern, flags: f });
        const js = new RegExp(pattern, `${f}u`);
        const jsAll = [...input.matchAll(new RegExp(pattern, `${f}gu`))].map((m) => ({ start: m.index, end: m.index + m[0].length }));
        const ours = [...re.matches(input)];
        expect(re.test(input)).toBe(js.test(input));
        expect(ours[0]).toEqual(jsAll[0]);
        expect(ours).toEqual(jsAll);
      }),
      { numRuns: 2000 },
    );
  });
});

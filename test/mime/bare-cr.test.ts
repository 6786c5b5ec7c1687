import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { HeaderBlock, MimeError, parseMessage } from '../../lib/mime/index.js';
import { headerRule, subjectTagRule } from '../../lib/rules/index.js';
import { run } from '../support/run.js';

/**
 * Header fields as Python's email (and many clients) read them: lines split on CRLF, CR or LF,
 * a line starting with SP/HT continues the field, the header ends at an empty line or at a
 * line that is not a field. Names lower-cased, values unfolded and trimmed.
 */
function pythonFields(message: Buffer): [string, string][] {
  const out: [string, string][] = [];
  for (const line of message.toString('latin1').split(/\r\n|\r|\n/)) {
    if (line === '') break;
    const last = out[out.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last[1] = `${last[1]}${line}`.trim();
      continue;
    }
    const m = /^([^\s:]+)[ \t]*:(.*)$/.exec(line);
    if (!m) break;
    out.push([m[1]!.toLowerCase(), m[2]!.trim()]);
  }
  return out;
}

/** The fields other than `name`, as a comparable list. */
const others = (fields: [string, string][], name: string) => fields.filter(([n]) => n !== name.toLowerCase()).map((f) => f.join(': '));

/** mailparser's header lines other than `name` (its own, LF-based reading). */
async function mailparserOthers(message: Buffer, name: string): Promise<string[]> {
  const parsed = await simpleParser(message);
  return parsed.headerLines.filter((h) => h.key !== name.toLowerCase()).map((h) => `${h.key}: ${h.line}`);
}

const bareCr = Buffer.from(
  [
    'From: alice@example.org',
    'To: user@example.com',
    'Date: Mon, 1 Jan 2024 00:00:00 +0000',
    'Subject: hello\rMessage-ID: <orig@example.org>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain',
    '',
    'body',
    '',
  ].join('\r\n'),
  'latin1',
);

describe('a bare CR inside a header field', () => {
  it('is read as the end of the field (the hidden field is not part of the value)', async () => {
    const m = await parseMessage(bareCr);
    expect(m.headers.getFirst('subject')).toBe('hello');
    // A CR before SP/HT is a fold, as for CR-breaking parsers.
    expect(new HeaderBlock(Buffer.from('Subject: a\r b\r\n\r\n')).getFirst('subject')).toBe('a b');
  });

  it('tagging the subject keeps Message-ID a field of its own for Python and unchanged for mailparser', async () => {
    const result = await run([subjectTagRule({ tag: '[EXT]' })], bareCr);
    const before = pythonFields(bareCr);
    const after = pythonFields(result.output);
    expect(others(after, 'subject')).toEqual(others(before, 'subject'));
    expect(after.find(([n]) => n === 'subject')![1]).toBe('[EXT] hello');
    expect(after.filter(([n]) => n === 'message-id')).toEqual([['message-id', '<orig@example.org>']]);
    expect(await mailparserOthers(result.output, 'subject')).toEqual(await mailparserOthers(bareCr, 'subject'));
    expect((await simpleParser(result.output)).subject).toMatch(/^\[EXT\] hello/);
    // Idempotent: the tag is seen on the next pass.
    expect((await run([subjectTagRule({ tag: '[EXT]' })], result.output)).changed).toBe(false);
  });

  it('setting such a field through the header rule keeps the hidden field too', async () => {
    const input = Buffer.from('From: a@example.org\r\nX-Flag: old\rX-Hidden: keep me\r\n continued\r\nSubject: s\r\n\r\nbody\r\n', 'latin1');
    const result = await run([headerRule({ operations: [{ op: 'set', name: 'X-Flag', value: 'new value' }] })], input);
    expect(others(pythonFields(result.output), 'x-flag')).toEqual(others(pythonFields(input), 'x-flag'));
    expect(pythonFields(result.output)).toContainEqual(['x-flag', 'new value']);
    expect(await mailparserOthers(result.output, 'x-flag')).toEqual(await mailparserOthers(input, 'x-flag'));
  });

  it('refuses to remove a field that hides another, or to edit a field that exists only hidden', async () => {
    const block = () => new HeaderBlock(Buffer.from('Subject: hello\rMessage-ID: <a@b>\r\nSubject: again\r\nX-A: 1\r\n\r\n', 'latin1'));
    const expectRefusal = (fn: () => unknown, pattern: RegExp) => {
      try {
        fn();
        expect.unreachable('no error');
      } catch (err) {
        expect(err).toBeInstanceOf(MimeError);
        expect((err as MimeError).code).toBe('MIME_AMBIGUOUS_HEADER');
        expect((err as MimeError).message).toMatch(pattern);
      }
    };
    expectRefusal(() => block().remove('Subject'), /cannot remove Subject: .*bare CR.*Message-ID/);
    expectRefusal(
      () => block().remove('Message-ID'),
      /cannot remove Message-ID: other parsers see a Message-ID field behind a bare CR inside the Subject field/,
    );
    expectRefusal(() => block().set('Message-ID', '<new@b>'), /cannot set Message-ID/);
    // Setting Subject would drop the second Subject; that one has no bare CR, so it may go.
    const b = block();
    b.set('Subject', 'new');
    expect(b.toBuffer().toString('latin1')).toBe('Subject: new\rMessage-ID: <a@b>\r\nX-A: 1\r\n\r\n');
    // Fields without bare CRs are edited as before.
    const plain = block();
    expect(plain.remove('X-A')).toBe(1);
  });

  it('rules refuse such edits with the reason in their report and leave the message unchanged', async () => {
    const hiddenSubject = Buffer.from('From: a@example.org\r\nX-A: 1\rSubject: seen by Python\r\n\r\nbody\r\n', 'latin1');
    const tag = await run([subjectTagRule({ tag: '[EXT]' })], hiddenSubject);
    expect(tag.output.equals(hiddenSubject)).toBe(true);
    expect(tag.reports[0]).toMatchObject({ status: 'skipped' });
    expect(tag.reports[0]!.reason).toMatch(/cannot set Subject: other parsers see a Subject field behind a bare CR inside the X-A field/);
    const remove = await run(
      [
        headerRule({
          operations: [
            { op: 'remove', name: 'X-A' },
            { op: 'add', name: 'X-Checked', value: 'yes' },
          ],
        }),
      ],
      hiddenSubject,
    );
    expect(remove.reports[0]!.changes).toEqual([expect.stringMatching(/^left X-A alone: cannot remove X-A: .*bare CR.*\(Subject\)/), 'added X-Checked']);
    expect(pythonFields(remove.output)).toEqual([...pythonFields(hiddenSubject), ['x-checked', 'yes']]);
  });

  it('adding after a header-only block that ends in a bare CR does not create an empty line', () => {
    const b = new HeaderBlock(Buffer.from('From: a@example.org\r\nSubject: x\r', 'latin1'));
    b.add('X-New', 'v');
    const out = Buffer.concat([b.toBuffer(), Buffer.from('\r\n')]);
    expect(pythonFields(out).map(([n]) => n)).toEqual(['from', 'subject', 'x-new']);
  });

  it('property: any set either keeps every other field for both readings, or refuses with a typed error', () => {
    const name = fc.constantFrom('Subject', 'X-A', 'X-B', 'Message-ID');
    const value = fc.stringMatching(/^[a-z <>@.]{0,12}$/);
    const field = fc
      .tuple(name, value, fc.option(fc.tuple(name, value), { nil: undefined }))
      .map(([n, v, hidden]) => (hidden ? `${n}: ${v}\r${hidden[0]}: ${hidden[1]}` : `${n}: ${v}`));
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 6 }), name, value, (fields, target, newValue) => {
        const input = Buffer.from(`${fields.join('\r\n')}\r\n\r\n`, 'latin1');
        const b = new HeaderBlock(input);
        try {
          b.set(target, newValue.trim() || 'v');
        } catch (err) {
          expect(err).toBeInstanceOf(MimeError);
          expect((err as MimeError).code).toBe('MIME_AMBIGUOUS_HEADER');
          return;
        }
        const out = b.toBuffer();
        expect(others(pythonFields(out), target)).toEqual(others(pythonFields(input), target));
        // The LF-based reading (HeaderBlock's own, as mailsplit's): other fields unchanged too.
        const lfOthers = (h: HeaderBlock) =>
          h
            .list()
            .filter((f) => f.name.toLowerCase() !== target.toLowerCase())
            .map((f) => f.raw.toString('latin1'));
        expect(lfOthers(new HeaderBlock(out))).toEqual(lfOthers(new HeaderBlock(input)));
      }),
      { numRuns: 300 },
    );
  });
});

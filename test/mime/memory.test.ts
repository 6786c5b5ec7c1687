import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findAttachments, parseMessage, setText, findReaderBodies } from '../../lib/mime/index.js';

/** A 25 MB message: a short text body and one large base64 attachment. */
function bigMessage(): Buffer {
  const attachment = randomBytes(18 * 1024 * 1024)
    .toString('base64')
    .replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    'From: a@example.com\r\nSubject: big\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="XX"\r\n\r\n' +
      '--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n' +
      '--XX\r\nContent-Type: application/zip; name=big.zip\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
      attachment +
      '\r\n--XX--\r\n',
    'latin1',
  );
}

describe('bounded memory', () => {
  it('parses a 25 MB message holding bodies as views, not copies', async () => {
    const input = bigMessage();
    expect(input.length).toBeGreaterThan(24 * 1024 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    const m = await parseMessage(input);
    const held = process.memoryUsage().arrayBuffers - before;
    // Everything the tree holds beyond the input itself: header copies and small buffers.
    expect(held).toBeLessThan(input.length);
    const [att] = findAttachments(m);
    expect(att!.part.segments.every((s) => Buffer.isBuffer(s) && s.buffer === input.buffer)).toBe(true);
    // An edit of the text body still leaves the attachment as a view of the input.
    setText(findReaderBodies(m).text!, 'hello with a disclaimer');
    const out = m.toBuffer();
    expect(out.length).toBe(input.length + 'hello with a disclaimer'.length - 'hello'.length);
  });
});

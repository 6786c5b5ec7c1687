import { describe, expect, it } from 'vitest';
import { decodedBody } from '../../lib/mime/decoded-body.js';
import { decodeTransfer } from '../../lib/mime/transfer-encoding.js';

describe('decodedBody', () => {
  const qp = Buffer.from('caf=C3=A9 =\r\nau lait\r\n', 'latin1');
  const b64 = Buffer.from('aGVsbG8g\r\nd29ybGQ=\r\n', 'latin1');

  it('decodes exactly as decodeTransfer does', () => {
    expect(decodedBody(qp, 'quoted-printable').equals(decodeTransfer(qp, 'quoted-printable'))).toBe(true);
    expect(decodedBody(b64, 'base64').toString()).toBe('hello world');
    const plain = Buffer.from('as is\r\n');
    expect(decodedBody(plain, '7bit')).toBe(plain);
  });

  it('decodes a raw buffer once, and a different buffer or encoding afresh', () => {
    const first = decodedBody(qp, 'quoted-printable');
    expect(decodedBody(qp, 'quoted-printable')).toBe(first);
    // Same bytes in another buffer (a replaced body): not the cached object.
    const copy = Buffer.from(qp);
    expect(decodedBody(copy, 'quoted-printable')).not.toBe(first);
    expect(decodedBody(copy, 'quoted-printable').equals(first)).toBe(true);
    // The same buffer read with another encoding is decoded with that one.
    expect(decodedBody(qp, 'base64').equals(decodeTransfer(qp, 'base64'))).toBe(true);
  });
});

import libmime from 'libmime';
import { describe, expect, it } from 'vitest';
import { buildHeaderParams, parseHeaderParams } from '../../lib/mime/header-params.js';
import { parseMessage } from '../../lib/mime/index.js';
import { allMessages } from '../support/samples.js';

describe('parseHeaderParams', () => {
  it('splits a value and lower-cased parameters, quoted or not, comments dropped on request', () => {
    const parsed = parseHeaderParams('text/plain; CHARSET="utf-8" (a comment); format=flowed', { stripComments: true });
    expect(parsed).toEqual({ value: 'text/plain', params: { charset: 'utf-8', format: 'flowed' }, decodedParams: [] });
  });

  it('joins RFC 2231 continuations and decodes the charset-encoded ones, naming them', () => {
    const parsed = parseHeaderParams("attachment; filename*0*=utf-8''%E6%97%A5%E6%9C%AC; filename*1*=%E8%AA%9E_x.pdf; size=3");
    expect(parsed.params.filename).toBe('日本語_x.pdf');
    expect(parsed.decodedParams).toEqual(['filename']);
    expect(parsed.params.size).toBe('3');
    // Continuations without a charset are joined as the text they are.
    expect(parseHeaderParams('multipart/mixed; boundary*0="abc"; boundary*1="def"').params.boundary).toBe('abcdef');
  });

  it('never decodes a plain parameter that merely looks like an encoded word (a boundary may)', () => {
    const parsed = parseHeaderParams('multipart/mixed; boundary="=?utf-8?Q?x?="');
    expect(parsed.params.boundary).toBe('=?utf-8?Q?x?=');
    expect(parsed.decodedParams).toEqual([]);
  });

  it('builds a value back that parses to the same parameters', () => {
    const built = buildHeaderParams('text/plain', { charset: 'utf-8', name: 'résumé final.txt' });
    expect(parseHeaderParams(built).params).toEqual({ charset: 'utf-8', name: 'résumé final.txt' });
    expect(libmime.parseHeaderValue(built).params).toEqual({ charset: 'utf-8', name: 'résumé final.txt' });
  });

  it('agrees with libmime on every Content-Type and Content-Disposition of the samples and the public corpus', async () => {
    let compared = 0;
    for (const [label, bytes] of allMessages()) {
      const message = await parseMessage(bytes);
      for (const part of message.parts()) {
        for (const name of ['content-type', 'content-disposition']) {
          for (const value of part.headers.get(name)) {
            const ours = parseHeaderParams(value, { stripComments: true });
            const theirs = libmime.parseHeaderValue(value, { stripComments: true });
            expect({ value: ours.value, params: ours.params }, `${label}: ${name}: ${value}`).toEqual({ value: theirs.value, params: theirs.params });
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });
});

import { describe, expect, it } from 'vitest';
import { awsAccessKeyId } from '../../lib/redaction/detectors/aws-access-key-id.js';
import { emailAddress } from '../../lib/redaction/detectors/email-address.js';

const values = (d: { find(t: string): { value: string }[] }, text: string) => d.find(text).map((m) => m.value);

describe('aws-access-key-id', () => {
  it('finds the documented example and every prefix', () => {
    expect(values(awsAccessKeyId, 'key=AKIAIOSFODNN7EXAMPLE;')).toEqual(['AKIAIOSFODNN7EXAMPLE']);
    expect(values(awsAccessKeyId, 'ASIAY34FZKBOKMUTVV7A ABIAAAAAAAAAAAAAAAAA ACCA2222222222222222')).toHaveLength(3);
    expect(awsAccessKeyId.find('"AKIAIOSFODNN7EXAMPLE"')).toEqual([{ start: 1, end: 21, value: 'AKIAIOSFODNN7EXAMPLE' }]);
  });

  it('needs boundaries, the base-32 alphabet and the exact length', () => {
    expect(values(awsAccessKeyId, 'XAKIAIOSFODNN7EXAMPLE')).toEqual([]);
    expect(values(awsAccessKeyId, 'AKIAIOSFODNN7EXAMPLEX')).toEqual([]);
    expect(values(awsAccessKeyId, 'AKIAIOSFODNN7EXAMPL')).toEqual([]);
    expect(values(awsAccessKeyId, 'AKIAIOSFODNN1EXAMPLE')).toEqual([]); // 1 is not base-32
    expect(values(awsAccessKeyId, 'akiaiosfodnn7example')).toEqual([]);
    expect(values(awsAccessKeyId, 'AKIDIOSFODNN7EXAMPLE')).toEqual([]);
  });
});

describe('email-address', () => {
  it('finds pragmatic RFC 5322 addresses', () => {
    expect(values(emailAddress, 'write to jane.doe+tag@mail.example.co.uk, not @foo or a@b')).toEqual(['jane.doe+tag@mail.example.co.uk']);
    expect(values(emailAddress, "<o'brien@example.ie> mailto:x_y-z@sub-domain.example.com. user%host@example.org")).toEqual([
      "o'brien@example.ie",
      'x_y-z@sub-domain.example.com',
      'user%host@example.org',
    ]);
    expect(values(emailAddress, 'info@xn--bcher-kva.xn--p1ai')).toEqual(['info@xn--bcher-kva.xn--p1ai']);
  });

  it('rejects things that only look like addresses', () => {
    for (const text of [
      'jane@localhost',
      'jane@example',
      'jane@example.c',
      '@example.com',
      'jane.@example.com',
      'jane@-example.com',
      'jane@example.com-x',
      'jane@exa_mple.com',
    ]) {
      expect(values(emailAddress, text), text).toEqual([]);
    }
    expect(values(emailAddress, `${'a'.repeat(65)}@example.com`)).toEqual([]);
  });

  it('is fast on pathological input', () => {
    const started = performance.now();
    emailAddress.find('a.'.repeat(50_000));
    emailAddress.find(`x@${'a-'.repeat(50_000)}`);
    emailAddress.find(`${'a'.repeat(50_000)}@`);
    emailAddress.find('a@b.'.repeat(25_000));
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

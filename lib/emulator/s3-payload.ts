/**
 * The two things about S3 upload bodies a local server gets wrong most often: the `aws-chunked`
 * framing current SDKs use for streamed bodies (with the checksum as a trailer), and the flexible
 * checksums (`x-amz-checksum-*`) they send by default. Stored objects must be the decoded bytes,
 * never the framing, and a checksum that does not match must fail the upload as S3 does.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** A malformed upload, with the S3 error code it answers with. */
export class PayloadError extends Error {
  constructor(
    readonly s3Code: 'IncompleteBody' | 'BadDigest' | 'InvalidRequest',
    message: string,
  ) {
    super(message);
  }
}

const CRLF = Buffer.from('\r\n');

/**
 * Decodes an `aws-chunked` body: `<hex size>[;chunk-signature=…]\r\n<data>\r\n` … then
 * `0[;…]\r\n`, optional trailer lines (`x-amz-checksum-crc32:…`) and a final `\r\n`.
 * Chunk signatures are not verified (the emulator accepts any credentials).
 * @throws {PayloadError} `IncompleteBody` when the framing is broken or cut short.
 */
export function decodeAwsChunked(body: Buffer): { data: Buffer; trailers: Record<string, string> } {
  const chunks: Buffer[] = [];
  const trailers: Record<string, string> = {};
  const broken = (why: string) => new PayloadError('IncompleteBody', `The request body terminated unexpectedly (aws-chunked: ${why})`);
  let pos = 0;
  for (;;) {
    const lineEnd = body.indexOf(CRLF, pos);
    if (lineEnd < 0) throw broken('missing chunk header');
    const sizeText = body.subarray(pos, lineEnd).toString('latin1').split(';')[0]!.trim();
    if (!/^[0-9a-f]+$/i.test(sizeText)) throw broken(`bad chunk size "${sizeText}"`);
    const size = parseInt(sizeText, 16);
    pos = lineEnd + 2;
    if (size === 0) break;
    if (pos + size + 2 > body.length) throw broken('chunk cut short');
    chunks.push(body.subarray(pos, pos + size));
    if (!body.subarray(pos + size, pos + size + 2).equals(CRLF)) throw broken('chunk not followed by CRLF');
    pos += size + 2;
  }
  // Trailer lines, then the empty line that ends the body.
  for (;;) {
    const lineEnd = body.indexOf(CRLF, pos);
    if (lineEnd < 0) {
      // Some encoders omit the final CRLF after the last trailer; accept what is complete.
      if (pos < body.length) addTrailer(body.subarray(pos).toString('latin1'), trailers);
      break;
    }
    const line = body.subarray(pos, lineEnd).toString('latin1');
    pos = lineEnd + 2;
    if (line === '') break;
    addTrailer(line, trailers);
  }
  return { data: Buffer.concat(chunks), trailers };
}

function addTrailer(line: string, into: Record<string, string>): void {
  const colon = line.indexOf(':');
  if (colon > 0) into[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
}

/** The flexible-checksum algorithms S3 knows, by the suffix of their `x-amz-checksum-` header. */
export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

let crc32cTable: Uint32Array | undefined;

function crc32c(data: Buffer): number {
  if (!crc32cTable) {
    crc32cTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      crc32cTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = crc32cTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function uint32Base64(value: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b.toString('base64');
}

/** The base64 checksum S3 would compute, or undefined for an algorithm the emulator does not compute (CRC64NVME). */
export function computeChecksum(algorithm: ChecksumAlgorithm, data: Buffer): string | undefined {
  switch (algorithm) {
    case 'crc32':
      return uint32Base64(crc32(data));
    case 'crc32c':
      return uint32Base64(crc32c(data));
    case 'sha1':
      return createHash('sha1').update(data).digest('base64');
    case 'sha256':
      return createHash('sha256').update(data).digest('base64');
    case 'crc64nvme':
      return undefined;
  }
}

/**
 * The checksum an upload declared (header or trailer), checked against the bytes.
 * @throws {PayloadError} `BadDigest` when it does not match (S3's answer to a corrupted upload).
 */
export function verifyDeclaredChecksum(
  declared: Record<string, string | undefined>,
  data: Buffer,
): { algorithm: ChecksumAlgorithm; value: string } | undefined {
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = declared[`x-amz-checksum-${algorithm}`];
    if (!value) continue;
    const actual = computeChecksum(algorithm, data);
    if (actual !== undefined && actual !== value) {
      throw new PayloadError('BadDigest', `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
    }
    return { algorithm, value };
  }
  return undefined;
}

/**
 * Checks a `Content-MD5` header against the bytes.
 * @throws {PayloadError} `BadDigest` on a mismatch.
 */
export function verifyContentMd5(header: string | undefined, data: Buffer): void {
  if (header && createHash('md5').update(data).digest('base64') !== header) {
    throw new PayloadError('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
}

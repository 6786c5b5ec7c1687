import { decodeTransfer } from './transfer-encoding.js';

/** Decoded content per raw body buffer: raw bodies are never modified, only replaced. */
const decoded = new WeakMap<Buffer, { transferEncoding: string; bytes: Buffer }>();

/**
 * {@link decodeTransfer} of a leaf's raw body, decoded once per raw buffer: a rule that reads a
 * quoted-printable or base64 body (to see whether its text is already there) and then splices
 * into it would otherwise decode it twice. Keyed by the buffer itself, so a replaced body is
 * decoded afresh and the entry goes with the buffer. The result is shared: never modify it.
 */
export function decodedBody(raw: Buffer, transferEncoding: string): Buffer {
  if (transferEncoding !== 'base64' && transferEncoding !== 'quoted-printable') return decodeTransfer(raw, transferEncoding);
  const hit = decoded.get(raw);
  if (hit?.transferEncoding === transferEncoding) return hit.bytes;
  const bytes = decodeTransfer(raw, transferEncoding);
  decoded.set(raw, { transferEncoding, bytes });
  return bytes;
}

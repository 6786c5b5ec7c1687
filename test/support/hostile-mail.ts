import { mail } from './samples.js';

/** A test card number (Visa, valid Luhn) that DLP rules must find. */
export const TEST_CARD = '4111 1111 1111 1111';

/**
 * A multipart/mixed with `parts` text parts, the card in the first: over the parser's part limit
 * at 1,001 (cf. shared/cases/README.md; generated, never copied).
 */
export function manyPartsMail(head: readonly string[], parts: number): Buffer {
  return mail([
    ...head,
    'Content-Type: multipart/mixed; boundary=b',
    '',
    ...Array.from({ length: parts }, (_, i) => ['--b', 'Content-Type: text/plain', '', i === 0 ? `card ${TEST_CARD}` : `part ${i}`]).flat(),
    '--b--',
    '',
  ]);
}

/** Multiparts nested `levels` deep around a text part with the card: over the depth limit at 51. */
export function nestedMail(head: readonly string[], levels: number): Buffer {
  return mail([
    ...head,
    ...Array.from({ length: levels }, (_, i) => [`Content-Type: multipart/mixed; boundary=l${i}`, '', `--l${i}`]).flat(),
    'Content-Type: text/plain',
    '',
    `card ${TEST_CARD}`,
    ...Array.from({ length: levels }, (_, i) => `--l${levels - 1 - i}--`),
    '',
  ]);
}

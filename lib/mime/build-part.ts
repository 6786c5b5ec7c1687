import MimeNode from 'nodemailer/lib/mime-node';
import type { LineEnding } from './line-ending.js';

/** Content of a new body part: text, HTML, or both (then a multipart/alternative). */
export interface NewBodyContent {
  text?: string | undefined;
  html?: string | undefined;
}

/**
 * Builds the bytes (headers and body) of a new body part with nodemailer's MIME builder:
 * UTF-8, quoted-printable or base64 as the content needs, lines within 76 characters. The
 * result has no trailing line break, since the one before a following delimiter belongs to it.
 * `seed` (hex) makes its multipart boundaries deterministic.
 */
export async function buildBodyPart(content: NewBodyContent, eol: LineEnding, seed?: string): Promise<Buffer> {
  if (content.text === undefined && content.html === undefined) {
    throw new TypeError('buildBodyPart needs text, html or both');
  }
  // A throwaway root: children do not get Date/Message-ID/MIME-Version, which only the real
  // top-level header block may carry.
  // A seed makes nodemailer's boundaries deterministic (same message, same bytes).
  const root = new MimeNode('multipart/mixed', seed ? { baseBoundary: seed.slice(0, 16) } : {});
  let node: MimeNode;
  if (content.text !== undefined && content.html !== undefined) {
    node = root.createChild('multipart/alternative');
    node.createChild('text/plain; charset=utf-8').setContent(content.text);
    node.createChild('text/html; charset=utf-8').setContent(content.html);
  } else if (content.text !== undefined) {
    node = root.createChild('text/plain; charset=utf-8');
    node.setContent(content.text);
  } else {
    node = root.createChild('text/html; charset=utf-8');
    node.setContent(content.html!);
  }
  let text = (await node.build()).toString('latin1');
  text = text.replace(/\r\n$/, '');
  if (eol === '\n') text = text.replace(/\r\n/g, '\n');
  return Buffer.from(text, 'latin1');
}

/**
 * Builds the bytes of a text/plain attachment (UTF-8, 7bit or quoted-printable, the file name
 * RFC 2231-encoded when it needs to be), e.g. the notice that stands in for a removed
 * attachment, with an optional Content-Description. No trailing line break, like {@link buildBodyPart}.
 */
export async function buildTextAttachment(text: string, filename: string, eol: LineEnding, description?: string): Promise<Buffer> {
  const root = new MimeNode('multipart/mixed');
  const node = root.createChild('text/plain; charset=utf-8', { filename });
  if (description) node.setHeader('Content-Description', description);
  node.setContent(text.replace(/\r?\n/g, '\r\n'));
  let out = (await node.build()).toString('latin1').replace(/\r\n$/, '');
  if (eol === '\n') out = out.replace(/\r\n/g, '\n');
  return Buffer.from(out, 'latin1');
}

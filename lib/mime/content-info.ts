import path from 'node:path';
import { detectMimeType } from 'nodemailer/lib/mime-funcs';
import type { HeaderBlock } from './header-block.js';
import { parseHeaderParams } from './header-params.js';
import { decodeWords } from './encoded-words.js';

/** What a part's MIME headers say about its content. */
export interface ContentInfo {
  /**
   * `type/subtype`, lower-cased. Without a Content-Type: `message/rfc822` in a
   * multipart/digest, else derived as mailsplit does; `text/plain` for an unparseable one.
   */
  mediaType: string;
  /**
   * Where {@link mediaType} came from: the header (`declared`), the default for a part without
   * one (`default`), or the default that replaces an unparseable one (`invalid`).
   */
  typeSource: 'declared' | 'default' | 'invalid';
  /** Content-Type parameters, names lower-cased (RFC 2231 continuations joined and decoded). */
  params: Record<string, string>;
  /** Declared charset, lower-cased, if any. */
  charset: string | undefined;
  /** Content-Transfer-Encoding, lower-cased, comments dropped; `''` when absent. */
  transferEncoding: string;
  /** Content-Disposition value (`inline`, `attachment`), lower-cased, if any. */
  disposition: string | undefined;
  /** Decoded file name from Content-Disposition `filename` or Content-Type `name`. */
  filename: string | undefined;
  /** Content-ID without angle brackets, if any. */
  contentId: string | undefined;
}

/**
 * Drops everything from the first `(` to the last `)` of each line: what
 * `value.replace(/\(.*\)/g, '')` does, in linear time (that regex backtracks quadratically on a
 * value of many `(` and no `)`; mailsplit reads the transfer encoding the same way).
 */
function stripComments(value: string): string {
  if (!value.includes('(')) return value;
  return value
    .split(/([\n\r\u2028\u2029])/)
    .map((line) => {
      const start = line.indexOf('(');
      const end = line.lastIndexOf(')');
      return start >= 0 && end > start ? line.slice(0, start) + line.slice(end + 1) : line;
    })
    .join('');
}

function parse(value: string | undefined) {
  return parseHeaderParams(value ?? '', { stripComments: true });
}

/** A parsed Content-Type: media type lower-cased, parameters as {@link parseHeaderParams} decodes them. */
export interface ContentType {
  mediaType: string;
  params: Record<string, string>;
  decodedParams: string[];
}

/**
 * The part's own Content-Type header parsed, or undefined when it has none. The splitter
 * decides multipart and boundary from this alone, so it and {@link readContentInfo} can never
 * disagree.
 */
export function readContentType(headers: HeaderBlock): ContentType | undefined {
  const value = headers.getFirst('content-type');
  return value === undefined ? undefined : contentTypeOf(value);
}

function contentTypeOf(value: string): ContentType {
  const parsed = parse(value);
  return {
    mediaType: (parsed.value || '').toLowerCase().trim(),
    params: parsed.params,
    decodedParams: parsed.decodedParams,
  };
}

/** RFC 2045 `type "/" subtype`, both tokens (no tspecials, spaces or controls). */
const MEDIA_TYPE = /^[!#$%&'*+\-.^_`{|}~0-9a-z]+\/[!#$%&'*+\-.^_`{|}~0-9a-z]+$/;

/**
 * Reads a part's content headers. The splitter decides multipart and boundary from the same
 * {@link readContentType}, so structure and metadata never disagree. Defaults (RFC 2045 §5.2,
 * RFC 2046 §5.1.5):
 * - no Content-Type in a direct child of a multipart/digest: `message/rfc822` — an attached
 *   message, never the reader's text (Python's email and Thunderbird read it so);
 * - no Content-Type elsewhere: from the file name's extension, else `application/octet-stream`
 *   for attachments, else `text/plain` (charset us-ascii, the RFC default);
 * - an unparseable Content-Type (no `type/subtype`): `text/plain` with no parameters, as
 *   RFC 2045 recommends and Python's email does.
 *
 * @param parentMultipart The subtype of the enclosing multipart (`digest`…), if any.
 */
export function readContentInfo(headers: HeaderBlock, parentMultipart?: string | false): ContentInfo {
  const disposition = parse(headers.getFirst('content-disposition'));
  let contentType = readContentType(headers);
  let typeSource: ContentInfo['typeSource'] = 'declared';
  if (contentType === undefined) {
    typeSource = 'default';
    const ext = disposition.params.filename ? path.extname(disposition.params.filename).slice(1) : '';
    contentType = contentTypeOf(
      parentMultipart === 'digest'
        ? 'message/rfc822'
        : ext
          ? detectMimeType(ext)
          : /^attachment$/i.test(disposition.value)
            ? 'application/octet-stream'
            : 'text/plain',
    );
  } else if (!MEDIA_TYPE.test(contentType.mediaType)) {
    typeSource = 'invalid';
    contentType = contentTypeOf('text/plain');
  }
  const mediaType = contentType.mediaType;

  let filename = disposition.params.filename || contentType.params.name || undefined;
  if (filename) {
    const alreadyDecoded = disposition.params.filename ? disposition.decodedParams.includes('filename') : contentType.decodedParams.includes('name');
    if (!alreadyDecoded) filename = decodeWords(filename);
  }

  const cte = stripComments(headers.getFirst('content-transfer-encoding') ?? '')
    .trim()
    .toLowerCase();
  const cid = headers.getFirst('content-id')?.trim().replace(/^<|>$/g, '');
  return {
    mediaType,
    typeSource,
    params: contentType.params,
    charset: contentType.params.charset?.toLowerCase().trim() || undefined,
    transferEncoding: cte,
    disposition: disposition.value ? disposition.value.toLowerCase().trim() : undefined,
    filename,
    contentId: cid || undefined,
  };
}

import path from 'node:path';
import libmime from 'libmime';
import type { HeaderBlock } from './header-block.js';
import { decodeWords } from './header-value.js';

/** What a part's MIME headers say about its content. */
export interface ContentInfo {
  /** `type/subtype`, lower-cased; derived as mailsplit does when Content-Type is missing. */
  mediaType: string;
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
  return libmime.parseHeaderValue(value ?? '', { stripComments: true });
}

/** A parsed Content-Type: media type lower-cased, parameters as libmime decodes them. */
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
    mediaType: (parsed.value || '').toLowerCase().trim() || 'text/plain',
    params: parsed.params,
    decodedParams: parsed.decodedParams,
  };
}

/**
 * Reads a part's content headers. The rules are mailparser's (mailsplit's), and the splitter
 * decides multipart and boundary from the same {@link readContentType}, so structure and
 * metadata never disagree: a missing Content-Type is guessed from
 * the file name's extension, else `application/octet-stream` for attachments, else
 * `text/plain` (RFC 2045's default).
 */
export function readContentInfo(headers: HeaderBlock): ContentInfo {
  const disposition = parse(headers.getFirst('content-disposition'));
  let contentType = readContentType(headers);
  if (contentType === undefined) {
    const ext = disposition.params.filename ? path.extname(disposition.params.filename).slice(1) : '';
    contentType = contentTypeOf(
      ext ? libmime.detectMimeType(ext) : /^attachment$/i.test(disposition.value) ? 'application/octet-stream' : 'text/plain',
    );
  }
  const mediaType = contentType.mediaType;

  let filename = disposition.params.filename || contentType.params.name || undefined;
  if (filename) {
    const alreadyDecoded = disposition.params.filename
      ? disposition.decodedParams.includes('filename')
      : contentType.decodedParams.includes('name');
    if (!alreadyDecoded) filename = decodeWords(filename);
  }

  const cte = stripComments(headers.getFirst('content-transfer-encoding') ?? '').trim().toLowerCase();
  const cid = headers.getFirst('content-id')?.trim().replace(/^<|>$/g, '');
  return {
    mediaType,
    params: contentType.params,
    charset: contentType.params.charset?.toLowerCase().trim() || undefined,
    transferEncoding: cte,
    disposition: disposition.value ? disposition.value.toLowerCase().trim() : undefined,
    filename,
    contentId: cid || undefined,
  };
}

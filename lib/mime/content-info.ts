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

function parse(value: string | undefined) {
  return libmime.parseHeaderValue(value ?? '', { stripComments: true });
}

/**
 * Reads a part's content headers. The rules match mailsplit's (which decided how the message
 * was split), so structure and metadata never disagree: a missing Content-Type is guessed from
 * the file name's extension, else `application/octet-stream` for attachments, else
 * `text/plain` (RFC 2045's default).
 */
export function readContentInfo(headers: HeaderBlock): ContentInfo {
  const disposition = parse(headers.getFirst('content-disposition'));
  let contentTypeValue = headers.getFirst('content-type');
  if (contentTypeValue === undefined) {
    const ext = disposition.params.filename ? path.extname(disposition.params.filename).slice(1) : '';
    contentTypeValue = ext
      ? libmime.detectMimeType(ext)
      : /^attachment$/i.test(disposition.value)
        ? 'application/octet-stream'
        : 'text/plain';
  }
  const contentType = parse(contentTypeValue);
  const mediaType = (contentType.value || '').toLowerCase().trim() || 'text/plain';

  let filename = disposition.params.filename || contentType.params.name || undefined;
  if (filename) {
    const alreadyDecoded = disposition.params.filename
      ? disposition.decodedParams.includes('filename')
      : contentType.decodedParams.includes('name');
    if (!alreadyDecoded) filename = decodeWords(filename);
  }

  const cte = (headers.getFirst('content-transfer-encoding') ?? '').replace(/\(.*\)/g, '').trim().toLowerCase();
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

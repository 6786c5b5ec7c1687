import path from 'node:path';
import { decodeTransfer, findAttachments, type AttachmentInfo, type MimeMessage, type MimePart } from '../mime/index.js';
import { loadOnDemand } from '../on-demand.js';
import { compileUserPattern, type UserPattern } from '../pattern/user-pattern.js';

/**
 * Which attachments a condition or the `attachment` rule means. The identifying criteria
 * (`extensions`, `contentTypes`, `trueTypes`, `filenamePattern`) are alternatives: an
 * attachment matches when any one of those given matches (every attachment when none is
 * given). The size bounds, when given, must hold as well.
 */
export interface AttachmentMatch {
  /** File-name extensions, with or without the dot, any case (`exe`, `.PDF`). */
  extensions?: string[] | undefined;
  /** Declared media types (`application/pdf`, `image/*`). */
  contentTypes?: string[] | undefined;
  /**
   * Types detected from the content's first bytes (magic numbers, by `file-type`), whatever the
   * name or declared type say: extensions as file-type names them (`exe`, `zip`, `pdf`) or
   * media types (`application/x-msdownload`). So an `.exe` renamed `.pdf` is still `exe`.
   * Content file-type does not recognise (plain text, say) matches none.
   */
  trueTypes?: string[] | undefined;
  /** The decoded file name matches (RE2 syntax; an attachment without a name is tested as ""). */
  filenamePattern?: { pattern: string; flags?: string | undefined } | undefined;
  /** Decoded size at least this many bytes. */
  minSize?: number | undefined;
  /** Decoded size at most this many bytes. */
  maxSize?: number | undefined;
}

/** A content type detected from magic bytes. */
export interface TrueType {
  ext: string;
  mime: string;
}

/** Detected types of the attachments of a message, by part; `undefined`: not recognised. */
export type TrueTypes = ReadonlyMap<MimePart, TrueType | undefined>;

/** Enough decoded bytes for every signature file-type checks (its `reasonableDetectionSizeInBytes`). */
const SNIFF_BYTES = 4100;
/** Raw bytes that decode to at least {@link SNIFF_BYTES} even as base64 with CRLF every 76. */
const SNIFF_RAW = 8192;

const detected = new WeakMap<MimePart, { raw: Buffer; type: TrueType | undefined }>();
const sizes = new WeakMap<Buffer, number>();
const patterns = new WeakMap<object, UserPattern>();

/** file-type, loaded on first use: only configurations that ask for true types pay for it at cold start. */
const fileType = () => loadOnDemand<typeof import('file-type')>('file-type');

/** The first decoded bytes of a leaf, decoding only what they need. */
function decodedHead(part: MimePart): Buffer {
  const raw = part.rawBody();
  return decodeTransfer(raw.subarray(0, SNIFF_RAW), part.info.transferEncoding).subarray(0, SNIFF_BYTES);
}

/**
 * The true type of each attachment, from its first decoded bytes. Detection runs once per part
 * (remembered until the part's body changes), so rules and conditions share one pass.
 */
export async function detectTrueTypes(message: MimeMessage): Promise<TrueTypes> {
  const out = new Map<MimePart, TrueType | undefined>();
  for (const { part } of findAttachments(message)) {
    const raw = part.rawBody();
    let known = detected.get(part);
    if (!known || known.raw !== raw) {
      const found = await fileType().fileTypeFromBuffer(decodedHead(part));
      known = { raw, type: found ? { ext: found.ext, mime: found.mime } : undefined };
      detected.set(part, known);
    }
    out.set(part, known.type);
  }
  return out;
}

/**
 * Decoded size of a leaf's body in bytes. base64 is counted, not decoded (a 25 MB attachment
 * is never copied); quoted-printable is decoded.
 */
export function decodedSize(part: MimePart): number {
  const raw = part.rawBody();
  const cached = sizes.get(raw);
  if (cached !== undefined) return cached;
  let size: number;
  const encoding = part.info.transferEncoding;
  if (encoding === 'base64') {
    let n = 0;
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i]!;
      if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f) n++;
    }
    size = Math.floor((n * 3) / 4);
  } else {
    size = encoding === 'quoted-printable' ? decodeTransfer(raw, encoding).length : raw.length;
  }
  sizes.set(raw, size);
  return size;
}

/** Whether the match uses detected types (which need {@link detectTrueTypes} first). */
export function needsTrueTypes(match: AttachmentMatch): boolean {
  return !!match.trueTypes?.length;
}

function filenameRegex(spec: NonNullable<AttachmentMatch['filenamePattern']>): UserPattern {
  let re = patterns.get(spec);
  if (!re) {
    re = compileUserPattern({ pattern: spec.pattern, flags: spec.flags ?? '' });
    patterns.set(spec, re);
  }
  return re;
}

/**
 * Whether one attachment matches. Returns `undefined` when the answer depends on a true type
 * that was not detected (`trueTypes` absent or without this part).
 */
export function matchesAttachment(a: AttachmentInfo, match: AttachmentMatch, trueTypes: TrueTypes | undefined): boolean | undefined {
  const exts = (match.extensions ?? []).map((e) => e.replace(/^\./, '').toLowerCase());
  const types = (match.contentTypes ?? []).map((t) => t.toLowerCase());
  const trues = (match.trueTypes ?? []).map((t) => t.replace(/^\./, '').toLowerCase());
  const identifying = exts.length + types.length + trues.length + (match.filenamePattern ? 1 : 0) > 0;
  let identified: boolean | undefined = !identifying;
  if (identifying) {
    const ext = a.filename ? path.extname(a.filename).slice(1).toLowerCase() : '';
    identified =
      (!!ext && exts.includes(ext)) ||
      types.some((t) => (t.endsWith('/*') ? a.mediaType.startsWith(t.slice(0, -1)) : a.mediaType === t)) ||
      (match.filenamePattern !== undefined && filenameRegex(match.filenamePattern).test(a.filename ?? ''));
    if (!identified && trues.length) {
      if (!trueTypes?.has(a.part)) identified = undefined;
      else {
        const t = trueTypes.get(a.part);
        identified = !!t && trues.some((x) => (x.includes('/') ? x === t.mime : x === t.ext));
      }
    }
  }
  if (identified === false) return false;
  if (match.minSize !== undefined || match.maxSize !== undefined) {
    const size = decodedSize(a.part);
    if (match.minSize !== undefined && size < match.minSize) return false;
    if (match.maxSize !== undefined && size > match.maxSize) return false;
  }
  return identified;
}

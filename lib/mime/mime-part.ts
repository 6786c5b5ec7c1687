import { readContentInfo, type ContentInfo } from './content-info.js';
import { describePath, MimeError } from './errors.js';
import type { HeaderBlock } from './header-block.js';

/**
 * What follows a part's header block: for a leaf, its body chunks; for a multipart, the
 * preamble, delimiter lines and epilogue (raw bytes) interleaved with the child parts.
 */
export type Segment = Buffer | MimePart;

/**
 * One node of a parsed message. Untouched parts serialise to exactly the bytes they were
 * parsed from: bodies are views into the original buffer, never copied or decoded unless asked.
 */
export class MimePart {
  /** The part's header block (byte-preserving; see {@link HeaderBlock}). */
  readonly headers: HeaderBlock;
  /** The containing multipart, or null for the top-level message. */
  parent: MimePart | null;
  /** Nesting depth: 0 for the message itself. */
  readonly depth: number;
  /** Multipart subtype (`mixed`, `alternative`…) when the splitter treated it as a container. */
  readonly multipart: string | false;
  /** The multipart boundary, when this is a container. */
  readonly boundary: string | undefined;
  /** Body chunks (leaf) or preamble/delimiters/children/epilogue (multipart), in byte order. */
  segments: Segment[] = [];
  private bodyEdited = false;
  private structureEdited = false;
  private cachedInfo: ContentInfo | undefined;
  /** The header revision {@link cachedInfo} was read at. */
  private infoRevision = -1;

  constructor(headers: HeaderBlock, parent: MimePart | null, multipart: string | false, boundary: string | undefined) {
    this.headers = headers;
    this.parent = parent;
    this.depth = parent ? parent.depth + 1 : 0;
    this.multipart = multipart;
    this.boundary = boundary;
  }

  /**
   * Content-Type, transfer encoding, disposition and file name (with the defaults of the
   * enclosing multipart: a digest's members are messages). Parsed once and kept until this
   * part's headers change; the object is frozen, since every reader shares it.
   */
  get info(): ContentInfo {
    if (!this.cachedInfo || this.infoRevision !== this.headers.revision) {
      const info = readContentInfo(this.headers, this.parent?.multipart);
      Object.freeze(info.params);
      this.cachedInfo = Object.freeze(info);
      this.infoRevision = this.headers.revision;
    }
    return this.cachedInfo;
  }

  /** `type/subtype`, lower-cased. */
  get mediaType(): string {
    return this.info.mediaType;
  }

  /** Child parts of a multipart (empty for a leaf). */
  get children(): MimePart[] {
    // The splitter (like mailsplit) splits any part with a boundary parameter; a non-multipart one (a text/html
    // with a stray boundary) is a leaf to every reader, its "children" just body bytes.
    if (!this.multipart) return [];
    return this.segments.filter((s): s is MimePart => s instanceof MimePart);
  }

  /** IMAP-style position: `''` for the message, `1`, `2.1`, … for parts. */
  get path(): string {
    if (!this.parent) return '';
    const index = this.parent.children.indexOf(this) + 1;
    const parentPath = this.parent.path;
    return parentPath ? `${parentPath}.${index}` : String(index);
  }

  /** `message` or `part 2.1`, for messages that say where. */
  get where(): string {
    return describePath(this.path);
  }

  /** True for a leaf whose media type is `text/*`. */
  get isText(): boolean {
    return !this.multipart && this.mediaType.startsWith('text/');
  }

  /** The raw (still transfer-encoded) body of a leaf, as one buffer. */
  rawBody(): Buffer {
    if (this.multipart) throw new MimeError('MIME_UNSUPPORTED_EDIT', `${this.where} is a multipart and has no body of its own`, this.path);
    if (this.segments.length === 1 && Buffer.isBuffer(this.segments[0])) return this.segments[0];
    const chunks: Buffer[] = [];
    for (const s of this.segments) {
      if (Buffer.isBuffer(s)) chunks.push(s);
      else s.collect(chunks);
    }
    return Buffer.concat(chunks);
  }

  /** Byte length of the raw body (or of everything after the headers, for a multipart). */
  get bodyLength(): number {
    return this.segments.reduce((n, s) => n + (s instanceof MimePart ? s.byteLength : s.length), 0);
  }

  /** Byte length of the whole part as it would serialise now. */
  get byteLength(): number {
    return this.headers.byteLength + this.bodyLength;
  }

  /** Replaces the raw body of a leaf with already transfer-encoded bytes. */
  replaceRawBody(bytes: Buffer): void {
    if (this.multipart) throw new MimeError('MIME_UNSUPPORTED_EDIT', `${this.where} is a multipart and has no body of its own`, this.path);
    if (bytes.length) {
      this.headers.ensureBodySeparator();
      // A part whose body was empty can be followed by a delimiter line with no line break of
      // its own in front (`--b` right after the empty line, or two delimiter lines in a row):
      // the new body needs one, or the delimiter would become body text.
      if (this.followedByBareDelimiter()) bytes = Buffer.concat([bytes, Buffer.from(this.headers.eol)]);
    }
    this.segments = [bytes];
    this.bodyEdited = true;
  }

  /** Whether the bytes right after this part start a line (`--…`) without a line break before them. */
  followedByBareDelimiter(): boolean {
    for (let part: MimePart = this; part.parent; part = part.parent) {
      const siblings = part.parent.segments;
      for (let i = siblings.indexOf(part) + 1; i < siblings.length; i++) {
        const next = siblings[i]!;
        if (next instanceof MimePart) return false;
        if (next.length) return next[0] !== 0x0a && next[0] !== 0x0d;
      }
    }
    return false;
  }

  /** Marks a structural change (parts inserted or wrapped) made by the structure helpers. */
  markStructureChanged(): void {
    this.structureEdited = true;
  }

  /** Whether this part's own headers, body or direct structure changed (not its children). */
  get changedHere(): boolean {
    return this.headers.changed || this.bodyEdited || this.structureEdited;
  }

  /** This part and every part below it, depth first in byte order. */
  *walk(): Generator<MimePart> {
    yield this;
    for (const child of this.children) yield* child.walk();
  }

  /** Appends this part's bytes, as chunks, to `out`. */
  collect(out: Buffer[]): void {
    this.headers.collect(out);
    for (const segment of this.segments) {
      if (segment instanceof MimePart) segment.collect(out);
      else out.push(segment);
    }
  }
}

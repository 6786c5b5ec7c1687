import { describePath } from './errors.js';
import type { HeaderBlock } from './header-block.js';
import type { LineEnding } from './line-ending.js';
import type { MimePart } from './mime-part.js';

/**
 * A parsed message: the part tree over the original bytes. Serialising it with no edits gives
 * back the original bytes exactly; after edits, only the edited regions differ.
 */
export class MimeMessage {
  /** The top-level part (the message's own header block and body). */
  readonly root: MimePart;
  /** The bytes the message was parsed from (never modified). */
  readonly original: Buffer;
  /** The message's line ending, used for everything written into it. */
  readonly eol: LineEnding;

  /** Set on messages built by restructuring another one: they count as modified. */
  private derived = false;

  constructor(root: MimePart, original: Buffer, eol: LineEnding) {
    this.root = root;
    this.original = original;
    this.eol = eol;
  }

  /** Whether this message was built by restructuring another one (its `original` is not the input's). */
  get isDerived(): boolean {
    return this.derived;
  }

  /** Marks a message produced by restructuring another one as modified. */
  markDerived(): this {
    this.derived = true;
    return this;
  }

  /** The top-level header block. */
  get headers(): HeaderBlock {
    return this.root.headers;
  }

  /** Every part, depth first in byte order, the message itself first. */
  parts(): MimePart[] {
    return [...this.root.walk()];
  }

  /** The part at an IMAP-style path (`''` for the message, `2.1` …), if any. */
  findPart(path: string): MimePart | undefined {
    return this.parts().find((p) => p.path === path);
  }

  /** Whether any header, body or structure was changed since parsing. */
  get modified(): boolean {
    return this.derived || this.parts().some((p) => p.changedHere);
  }

  /** Paths of the parts whose own headers, body or structure changed. */
  changedParts(): string[] {
    return this.parts()
      .filter((p) => p.changedHere)
      .map((p) => describePath(p.path));
  }

  /** The message as chunks in order (views into the original where untouched). */
  chunks(): Buffer[] {
    const out: Buffer[] = [];
    this.root.collect(out);
    return out;
  }

  /** Serialises the message. Untouched regions are the original bytes. */
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks());
  }

  /** Size in bytes of the message as it would serialise now. */
  get byteLength(): number {
    return this.root.byteLength;
  }
}

import type { MimeMessage } from './mime-message.js';
import type { MimePart } from './mime-part.js';

/** The body parts a reader sees. */
export interface ReaderBodies {
  /** The first inline text/plain body, if any. */
  text: MimePart | undefined;
  /** The first inline text/html body, if any. */
  html: MimePart | undefined;
}

/** An attachment as structure queries report it. */
export interface AttachmentInfo {
  part: MimePart;
  /** Decoded file name (RFC 2047 / RFC 2231), if the part has one. */
  filename: string | undefined;
  mediaType: string;
  /** Content-Disposition value, if any. */
  disposition: string | undefined;
  /** Content-ID without brackets, if any. */
  contentId: string | undefined;
  /** Size of the (still encoded) body in bytes. */
  encodedSize: number;
}

/** How a message is protected, from its MIME structure. */
export interface SecurityInfo {
  signed: boolean;
  encrypted: boolean;
  /** What protects it: S/MIME, PGP/MIME, or inline PGP armour in a text body. */
  kinds: ('smime' | 'pgp-mime' | 'pgp-inline')[];
}

const SMIME_TYPES = new Set(['application/pkcs7-mime', 'application/x-pkcs7-mime']);
const CALENDAR_TYPES = new Set(['text/calendar', 'application/ics']);

/** An inline text body candidate: text/plain or text/html that is not an attachment. */
function isInlineBody(part: MimePart, type: 'text/plain' | 'text/html'): boolean {
  if (part.multipart || part.mediaType !== type) return false;
  const info = part.info;
  return info.disposition !== 'attachment';
}

/** The root part of a multipart/related: the `start` parameter's Content-ID, else the first. */
function relatedRoot(part: MimePart): MimePart | undefined {
  const start = part.info.params.start?.replace(/^<|>$/g, '');
  const children = part.children;
  return (start && children.find((c) => c.info.contentId === start)) || children[0];
}

/**
 * Finds the text/plain and text/html a reader sees, in reading order: both halves of a
 * multipart/alternative, the root of a multipart/related, the first part of a multipart/signed,
 * the first inline text parts of a mixed. Never inside an attached message/rfc822 (which the
 * parser keeps opaque) and never inside multipart/encrypted.
 */
export function findReaderBodies(message: MimeMessage): ReaderBodies {
  const found: ReaderBodies = { text: undefined, html: undefined };
  const visit = (part: MimePart): void => {
    if (found.text && found.html) return;
    if (!part.multipart) {
      if (!found.text && isInlineBody(part, 'text/plain')) found.text = part;
      else if (!found.html && isInlineBody(part, 'text/html')) found.html = part;
      return;
    }
    switch (part.multipart) {
      case 'encrypted':
        return;
      case 'related': {
        const root = relatedRoot(part);
        if (root) visit(root);
        return;
      }
      case 'signed': {
        const first = part.children[0];
        if (first) visit(first);
        return;
      }
      case 'alternative':
        // Both halves count; a client shows one of them, which one is its choice.
        for (const child of part.children) visit(child);
        return;
      default: {
        // mixed, report, digest…: the body is the first inline text; later inline texts in a
        // mixed are shown too, but adding to the first is what readers and Exchange do. A
        // digest's members without a Content-Type are message/rfc822, so never a body here.
        const children = part.children;
        for (const child of children) {
          if (found.text || found.html) {
            // Only the same alternative group may supply the other half.
            break;
          }
          visit(child);
        }
      }
    }
  };
  visit(message.root);
  return found;
}

/** Parts inside a multipart/related other than its root (inline images referenced by cid). */
export function findRelatedParts(message: MimeMessage): MimePart[] {
  const out: MimePart[] = [];
  for (const part of message.parts()) {
    if (part.multipart !== 'related') continue;
    const root = relatedRoot(part);
    for (const child of part.children) if (child !== root) out.push(...[...child.walk()].filter((p) => !p.multipart));
  }
  return out;
}

/**
 * Attachments: every leaf that is not a reader body and not an inline related part, including
 * attached messages (as one opaque attachment each) and the parts of signed/encrypted wrappers
 * that carry the protection itself are excluded.
 */
export function findAttachments(message: MimeMessage): AttachmentInfo[] {
  const bodies = findReaderBodies(message);
  const related = new Set(findRelatedParts(message));
  const out: AttachmentInfo[] = [];
  for (const part of message.parts()) {
    if (part.multipart || part === bodies.text || part === bodies.html || related.has(part)) continue;
    if (isProtectionPart(part)) continue;
    const info = part.info;
    // An inline text part with no file name in a mixed is extra body text, not a file.
    if (part.isText && info.disposition !== 'attachment' && !info.filename && part.mediaType !== 'text/calendar') continue;
    out.push({
      part,
      filename: info.filename,
      mediaType: info.mediaType,
      disposition: info.disposition,
      contentId: info.contentId,
      encodedSize: part.bodyLength,
    });
  }
  return out;
}

/** The signature of a multipart/signed or the control part of a multipart/encrypted. */
function isProtectionPart(part: MimePart): boolean {
  const parent = part.parent;
  if (!parent) return false;
  if (parent.multipart === 'signed') return parent.children.indexOf(part) === 1;
  if (parent.multipart === 'encrypted') return true;
  return false;
}

/** Calendar parts (text/calendar, application/ics), whose bytes must be kept for invites to work. */
export function findCalendarParts(message: MimeMessage): MimePart[] {
  return message.parts().filter((p) => !p.multipart && CALENDAR_TYPES.has(p.mediaType));
}

const PGP_INLINE = /-----BEGIN PGP (SIGNED MESSAGE|MESSAGE)-----/;

/**
 * Whether the message is signed or encrypted: multipart/signed, multipart/encrypted,
 * application/pkcs7-mime (signed-data or enveloped), anywhere outside attached messages, or
 * inline PGP armour at the start of a line in a reader body's first 64 KB.
 */
export function detectSecurity(message: MimeMessage): SecurityInfo {
  const info: SecurityInfo = { signed: false, encrypted: false, kinds: [] };
  const add = (kind: SecurityInfo['kinds'][number]) => {
    if (!info.kinds.includes(kind)) info.kinds.push(kind);
  };
  for (const part of message.parts()) {
    if (part.multipart === 'signed') {
      info.signed = true;
      add(/pgp/i.test(part.info.params.protocol ?? '') ? 'pgp-mime' : 'smime');
    } else if (part.multipart === 'encrypted') {
      info.encrypted = true;
      add(/pkcs7/i.test(part.info.params.protocol ?? '') ? 'smime' : 'pgp-mime');
    } else if (!part.multipart && SMIME_TYPES.has(part.mediaType)) {
      const smimeType = (part.info.params['smime-type'] ?? '').toLowerCase();
      if (smimeType === 'signed-data' || smimeType === 'certs-only') info.signed = true;
      else info.encrypted = true;
      add('smime');
    }
  }
  const bodies = findReaderBodies(message);
  for (const part of [bodies.text, bodies.html]) {
    if (!part) continue;
    const head = part
      .rawBody()
      .subarray(0, 64 * 1024)
      .toString('latin1');
    const match = PGP_INLINE.exec(head);
    if (match) {
      if (match[1] === 'MESSAGE') info.encrypted = true;
      else info.signed = true;
      add('pgp-inline');
    }
  }
  return info;
}

/** Text types a person opens as text when they come as attachments. */
const READABLE_ATTACHMENT_TYPES = new Set(['text/plain', 'text/html', 'text/csv', 'text/tab-separated-values', 'text/calendar', 'text/vcard', 'text/x-vcard']);

/** A part whose text a person can read. */
export interface ReadablePart {
  part: MimePart;
  /** `body`: shown inline as the message's text; `attachment`: a text file the reader opens. */
  kind: 'body' | 'attachment';
}

/**
 * Every part whose text a person can read, in byte order: every inline text/plain and text/html
 * leaf (the reader bodies and any further inline text), and text attachments (plain, HTML, CSV,
 * calendar, vCard). Never inside attached messages (opaque) or encrypted content, nor the
 * signature of a signed message. What DLP must look at, beyond the subject and file names.
 */
export function findReadableParts(message: MimeMessage): ReadablePart[] {
  const out: ReadablePart[] = [];
  const walk = (part: MimePart): void => {
    if (part.multipart === 'encrypted') return;
    if (part.multipart) {
      for (const child of part.children) if (!isProtectionPart(child)) walk(child);
      return;
    }
    const type = part.mediaType;
    if ((type === 'text/plain' || type === 'text/html') && isInlineBody(part, type)) out.push({ part, kind: 'body' });
    else if (READABLE_ATTACHMENT_TYPES.has(type)) out.push({ part, kind: 'attachment' });
  };
  walk(message.root);
  return out;
}

import path from 'node:path';
import { detectSecurity, findAttachments, type MimeMessage } from '../mime/index.js';
import { compileUserPattern, type UserPattern } from '../pattern/user-pattern.js';
import { matchesPattern } from '../workmail/address-pattern.js';
import type { FlowDirection } from '../workmail/event.js';

/** A regular expression in JSON: the pattern and optional flags (`i` is the usual one). */
export interface RegexSpec {
  pattern: string;
  flags?: string;
}

/**
 * A JSON-expressible condition. Every key present must hold (an implicit `all`); combine with
 * `all`, `any` and `not`. Address patterns follow WorkMail's email flow rules: an address,
 * `domain`, `*.domain` (the domain and its subdomains) or `*`.
 */
export interface Condition {
  all?: Condition[];
  any?: Condition[];
  not?: Condition;
  /** Flow direction. */
  direction?: FlowDirection;
  /** The envelope sender (or on-behalf-of sender) matches one of these patterns. */
  sender?: string | string[];
  /** At least one envelope recipient matches one of these patterns. */
  recipient?: string | string[];
  /** The sender is inside (`internal`) or outside (`external`) the organisation's domains. */
  senderIs?: 'internal' | 'external';
  /** Some recipient is external (`anyExternal`), or all are internal (`allInternal`). */
  recipients?: 'anyExternal' | 'allInternal';
  /** A header is present (and, with `matches`, one of its decoded values matches). */
  header?: { name: string; matches?: RegexSpec };
  /** The full decoded subject (read from the message, not the event) matches. */
  subject?: RegexSpec;
  /** The message has an attachment with one of these extensions or content types. */
  attachment?: { extensions?: string[]; contentTypes?: string[] };
  /** The message is larger than this many bytes. */
  sizeOver?: number;
  /** The message is signed and/or encrypted (true: either; false: neither). */
  signedOrEncrypted?: boolean;
}

/** What conditions are evaluated against. */
export interface ConditionInput {
  direction: FlowDirection;
  mailFrom: string;
  sender: string | undefined;
  recipients: readonly string[];
  orgDomains: readonly string[];
  message: MimeMessage;
}

/** Whether an address is in one of the organisation's domains (or their subdomains). */
export function isInternal(address: string, orgDomains: readonly string[]): boolean {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return orgDomains.some((d) => domain === d || domain.endsWith(`.${d}`));
}

function list(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

const compiled = new WeakMap<RegexSpec, UserPattern>();

/** The spec compiled with RE2 (linear time whatever the pattern), once per spec object. */
function regex(spec: RegexSpec): UserPattern {
  let re = compiled.get(spec);
  // `g` and `y` mean nothing to a yes/no test; they were always ignored here.
  if (!re) compiled.set(spec, (re = compileUserPattern({ pattern: spec.pattern, flags: (spec.flags ?? '').replace(/[gy]/g, '') })));
  return re;
}

/** Evaluates a condition; an absent condition holds. */
export function evaluateCondition(condition: Condition | undefined, input: ConditionInput): boolean {
  if (!condition) return true;
  const c = condition;
  const from = input.sender ?? input.mailFrom;
  if (c.all && !c.all.every((sub) => evaluateCondition(sub, input))) return false;
  if (c.any && !c.any.some((sub) => evaluateCondition(sub, input))) return false;
  if (c.not && evaluateCondition(c.not, input)) return false;
  if (c.direction && c.direction !== input.direction) return false;
  if (c.sender && !list(c.sender).some((p) => matchesPattern(from, p) || matchesPattern(input.mailFrom, p))) return false;
  if (c.recipient && !input.recipients.some((r) => list(c.recipient!).some((p) => matchesPattern(r, p)))) return false;
  if (c.senderIs && (c.senderIs === 'internal') !== isInternal(from, input.orgDomains)) return false;
  if (c.recipients) {
    const anyExternal = input.recipients.some((r) => !isInternal(r, input.orgDomains));
    if ((c.recipients === 'anyExternal') !== anyExternal) return false;
  }
  if (c.header) {
    const values = input.message.headers.getDecoded(c.header.name);
    if (!values.length) return false;
    if (c.header.matches) {
      const re = regex(c.header.matches);
      if (!values.some((v) => re.test(v))) return false;
    }
  }
  if (c.subject) {
    const subject = input.message.headers.getDecoded('subject')[0] ?? '';
    if (!regex(c.subject).test(subject)) return false;
  }
  if (c.attachment) {
    const exts = (c.attachment.extensions ?? []).map((e) => e.replace(/^\./, '').toLowerCase());
    const types = (c.attachment.contentTypes ?? []).map((t) => t.toLowerCase());
    const hit = findAttachments(input.message).some((a) => {
      const ext = a.filename ? path.extname(a.filename).slice(1).toLowerCase() : '';
      return (ext && exts.includes(ext)) || types.some((t) => (t.endsWith('/*') ? a.mediaType.startsWith(t.slice(0, -1)) : a.mediaType === t));
    });
    if (!hit) return false;
  }
  if (c.sizeOver !== undefined && !(input.message.byteLength > c.sizeOver)) return false;
  if (c.signedOrEncrypted !== undefined) {
    const s = detectSecurity(input.message);
    if ((s.signed || s.encrypted) !== c.signedOrEncrypted) return false;
  }
  return true;
}

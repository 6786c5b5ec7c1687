import path from 'node:path';
import { detectSecurity, findAttachments, type MimeMessage } from '../mime/index.js';
import { compileUserPattern, type UserPattern } from '../pattern/user-pattern.js';
import { isInternal, matchesPattern } from './address-pattern.js';
import type { FlowDirection } from './delivery.js';

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
  /** The message; only its top-level headers when `inspect` is `headers`. */
  message: MimeMessage;
  /**
   * How much of the message could be read: `full` (default); `headers` (the body could not be
   * parsed: conditions on it are unknown); `envelope` (not even the headers: only envelope
   * conditions evaluate).
   */
  inspect?: InspectLevel | undefined;
  /** Size of the whole message in bytes (default: the message's own length). */
  size?: number | undefined;
}

/** How much of a message conditions can see. */
export type InspectLevel = 'full' | 'headers' | 'envelope';

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

/** Three-valued AND: false wins, then unknown. */
function and(values: Iterable<boolean | undefined>): boolean | undefined {
  let unknown = false;
  for (const v of values) {
    if (v === false) return false;
    if (v === undefined) unknown = true;
  }
  return unknown ? undefined : true;
}

/** Three-valued OR: true wins, then unknown. */
function or(values: Iterable<boolean | undefined>): boolean | undefined {
  let unknown = false;
  for (const v of values) {
    if (v === true) return true;
    if (v === undefined) unknown = true;
  }
  return unknown ? undefined : false;
}

/**
 * Evaluates a condition; an absent condition holds. Returns `undefined` when the answer depends on
 * what could not be inspected (an attachment or signature condition on a message whose body could
 * not be parsed): the caller then follows the rule's uninspectable policy. `all`/`any`/`not`
 * follow three-valued logic, so `any` with one true branch still holds.
 */
export function evaluateCondition(condition: Condition | undefined, input: ConditionInput): boolean | undefined {
  if (!condition) return true;
  const c = condition;
  const from = input.sender ?? input.mailFrom;
  const checks: (() => boolean | undefined)[] = [];
  if (c.all) checks.push(() => and(c.all!.map((sub) => evaluateCondition(sub, input))));
  if (c.any) checks.push(() => or(c.any!.map((sub) => evaluateCondition(sub, input))));
  if (c.not) {
    checks.push(() => {
      const v = evaluateCondition(c.not, input);
      return v === undefined ? undefined : !v;
    });
  }
  if (c.direction) checks.push(() => c.direction === input.direction);
  if (c.sender) checks.push(() => list(c.sender!).some((p) => matchesPattern(from, p) || matchesPattern(input.mailFrom, p)));
  if (c.recipient) checks.push(() => input.recipients.some((r) => list(c.recipient!).some((p) => matchesPattern(r, p))));
  if (c.senderIs) checks.push(() => (c.senderIs === 'internal') === isInternal(from, input.orgDomains));
  if (c.recipients) {
    checks.push(() => {
      const anyExternal = input.recipients.some((r) => !isInternal(r, input.orgDomains));
      return (c.recipients === 'anyExternal') === anyExternal;
    });
  }
  const level = input.inspect ?? 'full';
  if (c.header) {
    checks.push(() => {
      if (level === 'envelope') return undefined;
      const values = input.message.headers.getDecoded(c.header!.name);
      if (!values.length) return false;
      if (!c.header!.matches) return true;
      const re = regex(c.header!.matches);
      return values.some((v) => re.test(v));
    });
  }
  if (c.subject) {
    checks.push(() => {
      if (level === 'envelope') return undefined;
      const subject = input.message.headers.getDecoded('subject')[0] ?? '';
      return regex(c.subject!).test(subject);
    });
  }
  if (c.attachment) {
    checks.push(() => {
      if (level !== 'full') return undefined;
      const exts = (c.attachment!.extensions ?? []).map((e) => e.replace(/^\./, '').toLowerCase());
      const types = (c.attachment!.contentTypes ?? []).map((t) => t.toLowerCase());
      return findAttachments(input.message).some((a) => {
        const ext = a.filename ? path.extname(a.filename).slice(1).toLowerCase() : '';
        return (ext && exts.includes(ext)) || types.some((t) => (t.endsWith('/*') ? a.mediaType.startsWith(t.slice(0, -1)) : a.mediaType === t));
      });
    });
  }
  if (c.sizeOver !== undefined) checks.push(() => (input.size === undefined && level === 'envelope' ? undefined : (input.size ?? input.message.byteLength) > c.sizeOver!));
  if (c.signedOrEncrypted !== undefined) {
    checks.push(() => {
      if (level !== 'full') return undefined;
      const s = detectSecurity(input.message);
      return (s.signed || s.encrypted) === c.signedOrEncrypted;
    });
  }
  // Lazily, in order: a false check short-circuits the costlier ones after it.
  return and((function* () {
    for (const check of checks) yield check();
  })());
}

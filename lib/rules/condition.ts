import { detectSecurity, findAttachments, type MimeMessage } from '../mime/index.js';
import { compileUserPattern, type UserPattern } from '../pattern/user-pattern.js';
import type { Detector } from '../redaction/detector.js';
import { resolveMatches } from '../redaction/resolve-matches.js';
import { isInternal, matchesPattern } from './address-pattern.js';
import { matchesAttachment, needsTrueTypes, type AttachmentMatch, type TrueTypes } from './attachment-match.js';
import { readAuthenticationResults, type AuthMethod, type AuthResult } from './authentication-results.js';
import { readableTexts } from './body-text.js';
import type { FlowDirection } from './delivery.js';
import { toDetector, type DetectorSpec } from './detector-spec.js';

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
  /**
   * The message has an attachment that matches (see {@link AttachmentMatch}: by extension,
   * declared type, true type from magic bytes, file-name pattern, decoded size). Attachments
   * inside attached messages are not looked at; an attached message is itself an attachment.
   */
  attachment?: AttachmentMatch;
  /**
   * The text a reader sees (text/plain body, text of the HTML body, decoded) contains one of
   * `words` (whole words, any case) or matches `pattern`; either one is enough.
   */
  body?: { words?: string[]; pattern?: RegexSpec };
  /**
   * DLP detectors (ids such as `payment-card`, or `{ pattern }`) find at least `atLeast`
   * (default 1) matches in the subject and the text a reader sees. Nothing is redacted.
   */
  detector?: { detectors: DetectorSpec[]; atLeast?: number };
  /** The message has no header field of this name. */
  headerMissing?: string;
  /**
   * Results in the top-most Authentication-Results header (RFC 8601); each method given must have
   * one of the results listed (`missing`: no result for it). Only meaningful when a trusted MTA
   * (WorkMail, for inbound mail) adds that header.
   */
  authentication?: Partial<Record<AuthMethod, AuthResult | AuthResult[]>>;
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
  /**
   * The attachments' detected types (from `detectTrueTypes`), for `attachment.trueTypes`; without
   * them such a condition is unknown. The engine detects them when a condition needs them.
   */
  trueTypes?: TrueTypes | undefined;
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
  if (!re) {
    re = compileUserPattern({ pattern: spec.pattern, flags: (spec.flags ?? '').replace(/[gy]/g, '') });
    compiled.set(spec, re);
  }
  return re;
}

const wordPatterns = new WeakMap<object, RegExp>();

/** Whole words or phrases, any case: not preceded or followed by a letter, digit or `_`. */
function wordsRegex(body: object, words: readonly string[]): RegExp {
  let re = wordPatterns.get(body);
  if (!re) {
    const alternatives = words
      .map((w) =>
        w
          .trim()
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          .replace(/\s+/g, '\\s+'),
      )
      .filter(Boolean);
    re = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}_])`, 'iu');
    wordPatterns.set(body, re);
  }
  return re;
}

const detectorLists = new WeakMap<object, Detector[]>();

function detectorsOf(spec: NonNullable<Condition['detector']>): Detector[] {
  let list = detectorLists.get(spec);
  if (!list) {
    list = spec.detectors.map(toDetector);
    detectorLists.set(spec, list);
  }
  return list;
}

/** Whether a condition (or any condition inside it) asks for attachments' true types. */
export function conditionNeedsTrueTypes(condition: Condition | undefined): boolean {
  if (!condition) return false;
  return (
    (!!condition.attachment && needsTrueTypes(condition.attachment)) ||
    !!condition.all?.some(conditionNeedsTrueTypes) ||
    !!condition.any?.some(conditionNeedsTrueTypes) ||
    conditionNeedsTrueTypes(condition.not)
  );
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
  if (c.headerMissing !== undefined) checks.push(() => (level === 'envelope' ? undefined : !input.message.headers.has(c.headerMissing!)));
  if (c.authentication) {
    checks.push(() => {
      if (level === 'envelope') return undefined;
      const found = readAuthenticationResults(input.message.headers);
      return Object.entries(c.authentication!).every(([method, wanted]) => (Array.isArray(wanted) ? wanted : [wanted]).includes(found[method as AuthMethod]));
    });
  }
  if (c.attachment) {
    checks.push(() => {
      if (level !== 'full') return undefined;
      return or(findAttachments(input.message).map((a) => matchesAttachment(a, c.attachment!, input.trueTypes)));
    });
  }
  if (c.body) {
    checks.push(() => {
      if (level !== 'full') return undefined;
      const { words, pattern } = c.body!;
      const wordsRe = words?.length ? wordsRegex(c.body!, words) : undefined;
      const re = pattern ? regex(pattern) : undefined;
      return readableTexts(input.message).some((t) => wordsRe?.test(t) || re?.test(t));
    });
  }
  if (c.detector) {
    checks.push(() => {
      if (level !== 'full') return undefined;
      const detectors = detectorsOf(c.detector!);
      const wanted = c.detector!.atLeast ?? 1;
      let found = 0;
      for (const text of [input.message.headers.getDecoded('subject')[0] ?? '', ...readableTexts(input.message)]) {
        found += resolveMatches(text, detectors).length;
        if (found >= wanted) return true;
      }
      return false;
    });
  }
  if (c.sizeOver !== undefined)
    checks.push(() => (input.size === undefined && level === 'envelope' ? undefined : (input.size ?? input.message.byteLength) > c.sizeOver!));
  if (c.signedOrEncrypted !== undefined) {
    checks.push(() => {
      if (level !== 'full') return undefined;
      const s = detectSecurity(input.message);
      return (s.signed || s.encrypted) === c.signedOrEncrypted;
    });
  }
  // Lazily, in order: a false check short-circuits the costlier ones after it.
  return and(
    (function* () {
      for (const check of checks) yield check();
    })(),
  );
}

/**
 * Sender/recipient patterns of WorkMail email flow rules, shared by the emulator's flow rules and
 * the rule engine's `sender`/`recipient` conditions.
 *
 * A pattern is one of:
 * - an address: `a@example.com` (that address only);
 * - a domain: `example.com` (addresses in that domain, not its subdomains);
 * - a wildcard domain: `*.example.com` (the domain itself and every subdomain);
 * - `*` (everyone, including the empty reverse-path of a bounce).
 *
 * Matching is case-insensitive; internationalised domains match in their ASCII (punycode) form.
 * `+` is not allowed in a pattern, so sub-addresses (`a+tag@…`) are only matched by domain-level
 * patterns.
 */
import { domainToASCII } from 'node:url';
import { WmflowError } from '../errors.js';

/** The four forms a pattern takes, least specific first. */
export type PatternKind = 'any' | 'wildcard-domain' | 'domain' | 'address';

/** A validated, normalised pattern. */
export interface ParsedPattern {
  kind: PatternKind;
  /** Lower-cased; domains in ASCII form; `*.` kept for wildcard domains. */
  normalised: string;
  /** The domain part (without `*.`); empty for `*`. */
  domain: string;
  /** The local part of an address pattern. */
  localPart?: string;
}

/** A pattern WorkMail would not accept. */
export class InvalidPatternError extends WmflowError {
  readonly pattern: string;

  constructor(pattern: string, reason: string) {
    super('ADDRESS_PATTERN_INVALID', reason);
    this.pattern = pattern;
  }
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
// dot-atom text of RFC 5322 without `+` (forbidden by WorkMail) and `*` (wildcards are domain-only).
const LOCAL_PART = /^[a-z0-9!#$%&'=?^_`{|}~/-]+(?:\.[a-z0-9!#$%&'=?^_`{|}~/-]+)*$/;

/** A domain in lower-case ASCII (punycode for IDNs), or undefined when it is not a valid host name. */
function asciiDomain(domain: string): string | undefined {
  const d = domain.toLowerCase().replace(/\.$/, '');
  // domainToASCII is lenient about some characters (`_`, `*`): check the labels ourselves too.
  const ascii = /^[\x20-\x7e]*$/.test(d) ? d : domainToASCII(d);
  if (!ascii || ascii.length > 253) return undefined;
  return ascii.split('.').every((label) => LABEL.test(label)) ? ascii : undefined;
}

/**
 * Parses and normalises a pattern.
 * @throws {InvalidPatternError} naming what is wrong (`+`, spaces, wildcards in the wrong place, a bad domain…).
 */
export function parsePattern(pattern: string): ParsedPattern {
  const p = pattern.trim();
  const fail = (why: string): never => {
    throw new InvalidPatternError(pattern, `"${pattern}": ${why}`);
  };
  if (!p) fail('a pattern cannot be empty');
  if (p === '*') return { kind: 'any', normalised: '*', domain: '' };
  if (p.includes('+')) fail('"+" is not allowed in a pattern');
  if (/\s/.test(p)) fail('a pattern cannot contain spaces');
  const at = p.lastIndexOf('@');
  if (at >= 0) {
    const local = p.slice(0, at);
    if (!local) fail('an address pattern needs a local part before "@"');
    if (local.includes('*')) fail('wildcards are only allowed as "*" or "*.domain", not in an address');
    if (local.length > 64 || !LOCAL_PART.test(local.toLowerCase())) fail(`"${local}" is not a valid local part`);
    const domain = asciiDomain(p.slice(at + 1)) ?? fail(`"${p.slice(at + 1)}" is not a valid domain`);
    const localPart = local.toLowerCase();
    return { kind: 'address', normalised: `${localPart}@${domain}`, domain, localPart };
  }
  if (p.startsWith('*.')) {
    const domain = asciiDomain(p.slice(2)) ?? fail(`"${p.slice(2)}" is not a valid domain`);
    return { kind: 'wildcard-domain', normalised: `*.${domain}`, domain };
  }
  if (p.includes('*')) fail('wildcards are only allowed as "*" or "*.domain"');
  const domain = asciiDomain(p) ?? fail(`"${p}" is not a valid domain`);
  return { kind: 'domain', normalised: domain, domain };
}

/** Why a pattern is not valid, or undefined when it is (for config validation). */
export function validatePattern(pattern: string): string | undefined {
  try {
    parsePattern(pattern);
    return undefined;
  } catch (err) {
    if (err instanceof InvalidPatternError) return err.message;
    throw err;
  }
}

/**
 * An address as patterns see it: trimmed, `<…>` unwrapped, lower-cased, the domain in ASCII
 * form without a trailing dot. Returns the local part and domain (domain empty when there is no `@`).
 */
export function normaliseAddress(address: string): { localPart: string; domain: string } {
  let a = address.trim();
  const angle = /<([^<>]*)>/.exec(a);
  if (angle) a = angle[1]!.trim();
  const at = a.lastIndexOf('@');
  if (at < 0) return { localPart: a.toLowerCase(), domain: '' };
  const rawDomain = a
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '');
  return { localPart: a.slice(0, at).toLowerCase(), domain: asciiDomain(rawDomain) ?? rawDomain };
}

function parseOrUndefined(pattern: string): ParsedPattern | undefined {
  try {
    return parsePattern(pattern);
  } catch (err) {
    if (err instanceof InvalidPatternError) return undefined;
    throw err;
  }
}

/**
 * Whether `address` matches `pattern` (see the module comment for the forms). An invalid
 * pattern matches nothing, so a typo can never widen a rule.
 */
export function matchesPattern(address: string, pattern: string): boolean {
  const parsed = parseOrUndefined(pattern);
  if (!parsed) return false;
  if (parsed.kind === 'any') return true;
  const { localPart, domain } = normaliseAddress(address);
  if (!domain) return false;
  switch (parsed.kind) {
    case 'address':
      return localPart === parsed.localPart && domain === parsed.domain;
    case 'domain':
      return domain === parsed.domain;
    case 'wildcard-domain':
      return domain === parsed.domain || domain.endsWith(`.${parsed.domain}`);
  }
}

/**
 * How specific a pattern is, for "the most specific rule wins": an address beats a domain, a
 * domain beats a wildcard domain, and `*` comes last. Among wildcard domains the deeper one wins
 * (`*.eu.example.com` over `*.example.com`). Invalid patterns rank below `*` (-1).
 */
export function patternSpecificity(pattern: string): number {
  const parsed = parseOrUndefined(pattern);
  if (!parsed) return -1;
  const labels = parsed.domain ? parsed.domain.split('.').length : 0;
  switch (parsed.kind) {
    case 'any':
      return 0;
    case 'wildcard-domain':
      return 1000 + labels;
    case 'domain':
      return 2000 + labels;
    case 'address':
      return 3000 + labels;
  }
}

/**
 * Whether an address is inside the organisation: its domain is one of `orgDomains` or a subdomain
 * of one. The one notion of "internal" used by conditions, the CLI and the emulator.
 */
export function isInternal(address: string, orgDomains: readonly string[]): boolean {
  const { domain } = normaliseAddress(address);
  if (!domain) return false;
  return orgDomains.some((d) => {
    const org = d.trim().toLowerCase().replace(/\.$/, '');
    return domain === org || domain.endsWith(`.${org}`);
  });
}

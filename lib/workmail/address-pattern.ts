/**
 * Sender/recipient patterns of WorkMail email flow rules: an address (`a@example.com`), a
 * domain (`example.com`), a wildcard domain (`*.example.com`: the domain and its subdomains),
 * or `*`. Matching is case-insensitive; `+` is not allowed in a pattern.
 */

/** Why a pattern is not valid, or undefined when it is. */
export function validatePattern(pattern: string): string | undefined {
  const p = pattern.trim();
  if (!p) return 'a pattern cannot be empty';
  if (p === '*') return undefined;
  if (p.includes('+')) return `"${pattern}": "+" is not allowed in a pattern`;
  if (/\s/.test(p)) return `"${pattern}": a pattern cannot contain spaces`;
  const at = p.lastIndexOf('@');
  const domain = at >= 0 ? p.slice(at + 1) : p.startsWith('*.') ? p.slice(2) : p;
  if (at >= 0 && (at === 0 || p.slice(0, at).includes('*'))) return `"${pattern}": the local part must be a plain address`;
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(domain)) {
    return `"${pattern}": "${domain}" is not a valid domain`;
  }
  return undefined;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** Whether `address` matches `pattern` (see the module comment for the forms). */
export function matchesPattern(address: string, pattern: string): boolean {
  const p = pattern.trim().toLowerCase();
  const a = address.trim().toLowerCase();
  if (p === '*') return true;
  if (p.includes('@')) return a === p;
  const domain = domainOf(a);
  if (p.startsWith('*.')) {
    const base = p.slice(2);
    return domain === base || domain.endsWith(`.${base}`);
  }
  return domain === p;
}

/**
 * How specific a pattern is, for "the most specific rule wins": an address beats a domain,
 * a domain beats a wildcard domain (deeper domains beat shallower ones), and `*` is last.
 */
export function patternSpecificity(pattern: string): number {
  const p = pattern.trim().toLowerCase();
  if (p === '*') return 0;
  if (p.includes('@')) return 3000;
  const labels = p.replace(/^\*\./, '').split('.').length;
  return (p.startsWith('*.') ? 1000 : 2000) + labels;
}

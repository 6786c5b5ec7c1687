const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and quoted attribute values (`& < > " '`). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITY[c]!);
}

/**
 * Escapes text like {@link escapeHtml} and also writes every non-ASCII character as a numeric
 * reference, so the result means the same whatever charset the HTML part is encoded in (a
 * `us-ascii` part cannot carry a literal `•`). With `unquotedAttribute`, whitespace, `=` and
 * `` ` `` are escaped too, as they would end or break an unquoted attribute value.
 */
export function escapeHtmlAscii(text: string, options: { unquotedAttribute?: boolean } = {}): string {
  const special = options.unquotedAttribute ? /[&<>"'\s=`]|[^\x00-\x7f]/gu : /[&<>"']|[^\x00-\x7f]/gu;
  return text.replace(special, (c) => ENTITY[c] ?? `&#x${c.codePointAt(0)!.toString(16).toUpperCase()};`);
}

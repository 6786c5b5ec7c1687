import type { RuleContext } from './rule.js';

/** Fields a template may use: `{{sender}}`, `{{recipients}}`, `{{date}}`, `{{direction}}`. */
export const TEMPLATE_FIELDS = ['sender', 'recipients', 'date', 'direction'] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

const FIELD = /\{\{\s*([a-zA-Z]+)\s*\}\}/g;

/** Fields a template uses that do not exist (for configuration errors). */
export function unknownTemplateFields(template: string): string[] {
  return [...template.matchAll(FIELD)].map((m) => m[1]!).filter((f) => !(TEMPLATE_FIELDS as readonly string[]).includes(f));
}

/** The values of the template fields for a message. */
export function templateValues(ctx: Pick<RuleContext, 'mailFrom' | 'sender' | 'recipients' | 'now' | 'direction'>): Record<TemplateField, string> {
  return {
    sender: ctx.sender ?? ctx.mailFrom,
    recipients: ctx.recipients.join(', '),
    date: ctx.now.toISOString().slice(0, 10),
    direction: ctx.direction.toLowerCase(),
  };
}

/** Fills `{{field}}`s; `encode` is applied to the values (HTML templates escape them). */
export function renderTemplate(template: string, values: Record<string, string>, encode: (s: string) => string = (s) => s): string {
  return template.replace(FIELD, (whole, name: string) => (name in values ? encode(values[name]!) : whole));
}

/**
 * A regular expression matching any rendering of `template` (fields as wildcards). Used to
 * recognise a disclaimer added on an earlier pass whatever sender or date it named. Fields at
 * the start or end are left out: they do not change whether the text is there, and a leading
 * wildcard would make the search quadratic on long bodies.
 */
export function templatePattern(template: string, flexibleSpace = true): RegExp {
  const parts = template.split(FIELD);
  // parts alternates literal, field name, literal, …; trim fields (and empty literals) at both ends.
  while (parts.length > 1 && !parts[0]!.trim()) parts.splice(0, 2);
  while (parts.length > 1 && !parts[parts.length - 1]!.trim()) parts.splice(-2, 2);
  const source = parts
    .map((part, i) => {
      if (i % 2 === 1) return '[\\s\\S]{0,2000}?';
      const outer = i === 0 || i === parts.length - 1;
      const literal = (outer ? part.trim() : part).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return flexibleSpace ? literal.replace(/\s+/g, '\\s+') : literal;
    })
    .join('');
  return new RegExp(source);
}

/** Whether a template has fixed text to recognise it by (not only fields and spaces). */
export function hasFixedText(template: string): boolean {
  return template.replace(FIELD, '').trim().length > 0;
}

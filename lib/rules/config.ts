import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { WmflowError } from '../errors.js';
import { userPatternProblem } from '../pattern/user-pattern.js';
import type { Detector } from '../redaction/detector.js';
import { BUILTIN_DETECTOR_IDS, customPatternProblem, customRegexDetector, getBuiltinDetector } from '../redaction/registry.js';
import { validatePattern } from './address-pattern.js';
import { formatPath } from '../format-path.js';
import { actionRule } from './builtin/action.js';
import { disclaimerRule } from './builtin/disclaimer.js';
import { headerOperationProblems, headerRule, type HeaderOperation } from './builtin/header.js';
import { redactRule } from './builtin/redact.js';
import { subjectTagRule } from './builtin/subject-tag.js';
import type { Condition } from './condition.js';
import { GENERIC_PLATFORM, type RulePlatform } from './platform.js';
import type { Rule } from './rule.js';
import { ACTION_TYPES } from './delivery.js';
import type { UninspectableChoice } from './builtin/uninspectable.js';
import { didYouMean } from './suggest.js';
import { hasFixedText, unknownTemplateFields } from './template.js';

/** A configuration that does not validate; `problems` has one `path: problem` line each. */
export class ConfigError extends WmflowError {
  readonly problems: string[];
  constructor(problems: string[], source = 'rules configuration') {
    super('CONFIG_INVALID', `invalid ${source}:\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

/** A loaded configuration. */
export interface RulesConfig {
  /** The organisation's domains, for internal/external conditions. */
  orgDomains: string[];
  rules: Rule[];
}

/** What a rule type is built for: the platform the rules will serve. */
export interface RuleTypeContext {
  platform: RulePlatform;
}

/** How a rule type is configured: its schema, and a factory from validated options. */
export interface RuleType<T extends z.ZodType = z.ZodType> {
  schema: T;
  create(options: z.infer<T>, context: RuleTypeContext): Rule;
  /** Checks beyond the schema; each problem with a path relative to the rule. */
  check?(options: z.infer<T>, context: RuleTypeContext): { path: (string | number)[]; message: string }[];
}

/** Options of config loading. */
export interface ConfigOptions {
  /** Rule types by name (default {@link BUILTIN_RULE_TYPES}; add custom ones beside them). */
  types?: Record<string, RuleType> | undefined;
  /** The platform the rules serve (default {@link GENERIC_PLATFORM}): header edits it forbids are refused. */
  platform?: RulePlatform | undefined;
}

/** Declares a rule type with its options typed from its schema (for custom types too). */
export function defineRuleType<T extends z.ZodType>(type: RuleType<T>): RuleType {
  return type as unknown as RuleType;
}

const regexSpec = z
  .object({ pattern: z.string().min(1), flags: z.string().regex(/^[imsu]*$/, 'flags may only be i, m, s, u').optional() })
  .strict()
  .superRefine((spec, ctx) => {
    const problem = userPatternProblem(spec);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['pattern'] });
  });

const addressPattern = z.string().superRefine((p, ctx) => {
  const problem = validatePattern(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const patterns = z.union([addressPattern, z.array(addressPattern).min(1)]);
const direction = z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(['INBOUND', 'OUTBOUND']));

/** JSON schema of a {@link Condition}. */
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z
    .object({
      all: z.array(conditionSchema).optional(),
      any: z.array(conditionSchema).optional(),
      not: conditionSchema.optional(),
      direction: direction.optional(),
      sender: patterns.optional(),
      recipient: patterns.optional(),
      senderIs: z.enum(['internal', 'external']).optional(),
      recipients: z.enum(['anyExternal', 'allInternal']).optional(),
      header: z.object({ name: z.string().min(1), matches: regexSpec.optional() }).strict().optional(),
      subject: regexSpec.optional(),
      attachment: z
        .object({ extensions: z.array(z.string().min(1)).optional(), contentTypes: z.array(z.string().regex(/^[\w.+-]+\/(\*|[\w.+-]+)$/, 'expected type/subtype')).optional() })
        .strict()
        .optional(),
      sizeOver: z.number().int().nonnegative().optional(),
      signedOrEncrypted: z.boolean().optional(),
    })
    .strict(),
) as z.ZodType<Condition>;

const protectedFallback = z.enum(['skip', 'wrap', 'bounce']);
const bounceText = z.string().min(1).max(2000);
const actionType = z.enum(ACTION_TYPES as [string, ...string[]]) as unknown as z.ZodType<(typeof ACTION_TYPES)[number]>;
const onUninspectable = z.enum(['apply', 'skip']) as z.ZodType<UninspectableChoice>;
const common = { type: z.string(), name: z.string().min(1).max(64).regex(/^[\w.-]+$/, 'use letters, digits, ".", "_" and "-"').optional(), when: conditionSchema.optional() };

const templateCheck = (path: (string | number)[], template: string | undefined) =>
  (template ? unknownTemplateFields(template) : []).map((f) => ({ path, message: `unknown template field {{${f}}}; use sender, recipients, date or direction` }));

const detectorSpec = z.union([
  z.string(),
  z.object({ id: z.string().regex(/^[\w-]+$/).optional(), pattern: z.string().min(1), flags: z.string().regex(/^[imsu]*$/).optional() }).strict(),
]);

function detectorProblems(specs: z.infer<typeof detectorSpec>[]): { path: (string | number)[]; message: string }[] {
  return specs.flatMap((spec, i) => {
    if (typeof spec === 'string') {
      return getBuiltinDetector(spec) ? [] : [{ path: ['detectors', i], message: `unknown detector "${spec}"${didYouMean(spec, BUILTIN_DETECTOR_IDS)}` }];
    }
    const problem = customPatternProblem(spec.pattern, spec.flags);
    return problem ? [{ path: ['detectors', i, 'pattern'], message: problem }] : [];
  });
}

function toDetector(spec: z.infer<typeof detectorSpec>, i: number): Detector {
  return typeof spec === 'string' ? getBuiltinDetector(spec)! : customRegexDetector(spec.id ?? `custom-${i + 1}`, spec.pattern, spec.flags);
}

/** The built-in rule types. */
export const BUILTIN_RULE_TYPES: Record<string, RuleType> = {
  disclaimer: defineRuleType({
    schema: z
      .object({
        ...common,
        text: z.string().min(1),
        html: z.string().min(1).optional(),
        position: z.enum(['top', 'bottom']).optional(),
        onProtected: protectedFallback.optional(),
        bounceMessage: bounceText.optional(),
      })
      .strict(),
    check: (o) => [
      ...templateCheck(['text'], o.text),
      ...templateCheck(['html'], o.html),
      ...(hasFixedText(o.text) ? [] : [{ path: ['text'], message: 'needs some fixed text besides {{fields}}, so a second pass can recognise the disclaimer' }]),
    ],
    create: (o) => disclaimerRule(o),
  }),
  redact: defineRuleType({
    schema: z
      .object({
        ...common,
        detectors: z.array(detectorSpec).min(1),
        scopes: z.array(z.enum(['subject', 'text', 'html'])).min(1).optional(),
        mask: z
          .discriminatedUnion('style', [
            z.object({ style: z.literal('full'), replacement: z.string().max(100).optional() }).strict(),
            z.object({ style: z.literal('keep-last'), keep: z.number().int().min(0).max(8), maskChar: z.string().length(1).regex(/[^A-Za-z0-9]/, 'must not be a letter or digit').optional() }).strict(),
          ])
          .optional(),
        attributes: z.boolean().optional(),
        urls: z.boolean().optional(),
        onFind: z.object({ action: actionType, bounceMessage: bounceText.optional() }).strict().optional(),
        onProtected: protectedFallback.optional(),
        bounceMessage: bounceText.optional(),
        onUninspectable: onUninspectable.optional(),
      })
      .strict(),
    check: (o) => [
      ...detectorProblems(o.detectors),
      ...(o.onUninspectable === 'apply' && !o.onFind ? [{ path: ['onUninspectable'], message: '"apply" needs an onFind action to apply' }] : []),
    ],
    create: (o) => redactRule({ ...o, detectors: o.detectors.map(toDetector) }),
  }),
  header: defineRuleType({
    schema: z
      .object({
        ...common,
        operations: z
          .array(
            z.discriminatedUnion('op', [
              z.object({ op: z.literal('add'), name: z.string().regex(/^[!-9;-~]+$/, 'invalid header name'), value: z.string() }).strict(),
              z.object({ op: z.literal('set'), name: z.string().regex(/^[!-9;-~]+$/, 'invalid header name'), value: z.string() }).strict(),
              z.object({ op: z.literal('remove'), name: z.string().regex(/^[!-9;-~]+$/, 'invalid header name') }).strict(),
            ]),
          )
          .min(1),
      })
      .strict(),
    check: (o, { platform }) => [
      ...headerOperationProblems(o.operations as HeaderOperation[], platform).map((p) => ({ path: ['operations', p.index], message: p.message })),
      ...(o.operations as HeaderOperation[]).flatMap((op, i) => ('value' in op ? templateCheck(['operations', i, 'value'], op.value) : [])),
    ],
    create: (o, { platform }) => headerRule({ ...o, operations: o.operations as HeaderOperation[] }, platform),
  }),
  'subject-tag': defineRuleType({
    schema: z.object({ ...common, tag: z.string().trim().min(1).max(64), position: z.enum(['prefix', 'suffix']).optional() }).strict(),
    create: (o) => subjectTagRule(o),
  }),
  action: defineRuleType({
    schema: z.object({ ...common, action: actionType, bounceMessage: bounceText.optional(), recipients: z.array(addressPattern).min(1).optional(), onUninspectable: onUninspectable.optional() }).strict(),
    create: (o) => actionRule(o),
  }),
};

const topSchema = z
  .object({
    orgDomains: z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'expected a domain such as example.com')).optional(),
    // Modules adding rule types; loaded by loadRulesFileWithPlugins (lib/rules/plugins.ts), listed here so the file validates.
    plugins: z.array(z.string().min(1)).optional(),
    rules: z.array(z.unknown()),
  })
  .strict();

/** Turns zod issues into `path: problem` lines, with "did you mean" for unknown keys. */
function describeIssues(error: z.ZodError, prefix: (string | number)[], known: (path: PropertyKey[]) => string[]): string[] {
  return error.issues.map((issue) => {
    const where = formatPath([...prefix, ...issue.path]) || '(root)';
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => `${where}: unknown option "${k}"${didYouMean(k, known(issue.path))}`).join('\n  ');
    }
    return `${where}: ${issue.message}`;
  });
}

/** Keys an object schema accepts, for suggestions. */
function keysOf(schema: z.ZodType): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

/**
 * Validates a parsed JSON configuration and builds its rules. Every problem is reported at
 * once, each with its path (`rules[2].detectors[0]: unknown detector "credit_card" (did you
 * mean "payment-card"?)`).
 *
 * @param options Rule types (the built-ins plus custom ones) and the platform the rules serve.
 * @throws {ConfigError}
 */
export function parseRulesConfig(json: unknown, options: ConfigOptions = {}): RulesConfig {
  const types = options.types ?? BUILTIN_RULE_TYPES;
  const context: RuleTypeContext = { platform: options.platform ?? GENERIC_PLATFORM };
  const top = topSchema.safeParse(json);
  if (!top.success) throw new ConfigError(describeIssues(top.error, [], () => ['orgDomains', 'plugins', 'rules']));
  const problems: string[] = [];
  const rules: Rule[] = [];
  const names = new Map<string, number>();
  top.data.rules.forEach((raw, i) => {
    const at = (path: (string | number)[]) => formatPath(['rules', i, ...path]);
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return problems.push(`${at([])}: expected an object with a "type"`);
    const typeName = (raw as { type?: unknown }).type;
    if (typeof typeName !== 'string') return problems.push(`${at(['type'])}: missing; one of ${Object.keys(types).join(', ')}`);
    const type = types[typeName];
    if (!type) {
      // A sync loader never imports plugins: say which loader does, rather than only "unknown".
      const hint = top.data.plugins?.length && !options.types ? ' (this file lists plugins: load it with loadRulesFileWithPlugins)' : '';
      return problems.push(`${at(['type'])}: unknown rule type "${typeName}"${didYouMean(typeName, Object.keys(types))}${hint}`);
    }
    const parsed = type.schema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...describeIssues(parsed.error, ['rules', i], (p) => (p.length ? [] : keysOf(type.schema))));
      return;
    }
    const extra = type.check?.(parsed.data, context) ?? [];
    if (extra.length) {
      problems.push(...extra.map((e) => `${at(e.path)}: ${e.message}`));
      return;
    }
    try {
      const rule = type.create(parsed.data, context);
      const seen = names.get(rule.name);
      if (seen !== undefined) problems.push(`${at(['name'])}: "${rule.name}" is already the name of rules[${seen}]; give each rule its own name`);
      names.set(rule.name, i);
      rules.push(rule);
    } catch (err) {
      problems.push(`${at([])}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  if (problems.length) throw new ConfigError(problems);
  return { orgDomains: (top.data.orgDomains ?? []).map((d) => d.toLowerCase()), rules };
}

/** Reads and validates a JSON rules file; JSON syntax errors name the file and position. */
export function loadRulesFile(file: string, options: ConfigOptions = {}): RulesConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`], file);
  }
  return parseRulesJson(text, file, options);
}

/** Parses JSON text and validates it (for files and environment variables). */
export function parseRulesJson(text: string, source: string, options: ConfigOptions = {}): RulesConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([`not valid JSON: ${(err as Error).message}`], source);
  }
  try {
    return parseRulesConfig(json, options);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(err.problems, source);
    throw err;
  }
}

import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { WmflowError } from '../errors.js';
import { formatPath } from '../format-path.js';
import { actionRuleType } from './builtin/action.js';
import { attachmentRule, attachmentRuleProblems, attachmentRuleSchema } from './builtin/attachment.js';
import { disclaimerRuleType } from './builtin/disclaimer.js';
import { headerRuleType } from './builtin/header.js';
import { redactRuleType } from './builtin/redact.js';
import { subjectTagRuleType } from './builtin/subject-tag.js';
import { GENERIC_PLATFORM, type RulePlatform } from './platform.js';
import type { Rule } from './rule.js';
import { defineRuleType, type RuleType, type RuleTypeContext } from './rule-type.js';
import { conditionSchema } from './schema.js';
import { didYouMean } from './suggest.js';

export { conditionSchema, defineRuleType, type RuleType, type RuleTypeContext };

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

/** Options of config loading. */
export interface ConfigOptions {
  /** Rule types by name (default {@link BUILTIN_RULE_TYPES}; add custom ones beside them). */
  types?: Record<string, RuleType> | undefined;
  /** The platform the rules serve (default {@link GENERIC_PLATFORM}): header edits it forbids are refused. */
  platform?: RulePlatform | undefined;
}

/** The built-in rule types, each defined beside its rule with its schema. */
export const BUILTIN_RULE_TYPES: Record<string, RuleType> = {
  disclaimer: disclaimerRuleType,
  redact: redactRuleType,
  header: headerRuleType,
  'subject-tag': subjectTagRuleType,
  attachment: defineRuleType({
    schema: attachmentRuleSchema.extend({ type: z.literal('attachment') }).strict(),
    check: (o) => attachmentRuleProblems(o),
    create: (o) => attachmentRule(o),
  }),
  action: actionRuleType,
};

const ruleMode = z.enum(['enforce', 'audit']);

const topSchema = z
  .object({
    orgDomains: z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'expected a domain such as example.com')).optional(),
    /** `audit` puts every rule in audit mode, whatever the rule says. */
    mode: ruleMode.optional(),
    // Modules adding rule types; loaded by loadRulesFileWithPlugins (lib/rules/plugins.ts), listed here so the file validates.
    plugins: z.array(z.string().min(1)).optional(),
    rules: z.array(z.unknown()),
  })
  .strict();

/** Rule-flow options every rule type takes (built-in and custom), checked apart from its own. */
const FLOW_KEYS = ['unless', 'stopProcessing', 'mode'] as const;
const flowSchema = z.object({ unless: conditionSchema.optional(), stopProcessing: z.boolean().optional(), mode: ruleMode.optional() }).strict();

/**
 * The rule with its flow options set, as a copy that keeps its prototype and accessors (a
 * custom type may return a class instance, whose methods a plain spread would lose).
 */
function withFlow(rule: Rule, flow: Pick<Rule, 'unless' | 'stopProcessing' | 'mode'>): Rule {
  const copy = Object.defineProperties(Object.create(Object.getPrototypeOf(rule) as object) as Rule, Object.getOwnPropertyDescriptors(rule));
  return Object.assign(copy, flow);
}

const JITLESS = { jitless: true } as const;

/** Splits the rule-flow options off a raw rule, so each type's schema sees only its own. */
function splitFlow(raw: Record<string, unknown>): { flow: Record<string, unknown>; own: Record<string, unknown> } {
  const flow: Record<string, unknown> = {};
  const own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) ((FLOW_KEYS as readonly string[]).includes(k) ? flow : own)[k] = v;
  return { flow, own };
}

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
  // A configuration is parsed once per process (a Lambda's cold start): zod's JIT would compile
  // a fast path per object schema that never runs again (about 20 ms here).
  const top = topSchema.safeParse(json, JITLESS);
  if (!top.success) throw new ConfigError(describeIssues(top.error, [], () => ['orgDomains', 'mode', 'plugins', 'rules']));
  const auditAll = top.data.mode === 'audit';
  const problems: string[] = [];
  const rules: Rule[] = [];
  const names = new Map<string, number>();
  top.data.rules.forEach((raw, i) => {
    const at = (path: (string | number)[]) => formatPath(['rules', i, ...path]);
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push(`${at([])}: expected an object with a "type"`);
      return;
    }
    const typeName = (raw as { type?: unknown }).type;
    if (typeof typeName !== 'string') {
      problems.push(`${at(['type'])}: missing; one of ${Object.keys(types).join(', ')}`);
      return;
    }
    const type = types[typeName];
    if (!type) {
      // A sync loader never imports plugins: say which loader does, rather than only "unknown".
      const hint = top.data.plugins?.length && !options.types ? ' (this file lists plugins: load it with loadRulesFileWithPlugins)' : '';
      problems.push(`${at(['type'])}: unknown rule type "${typeName}"${didYouMean(typeName, Object.keys(types))}${hint}`);
      return;
    }
    const { flow: rawFlow, own } = splitFlow(raw as Record<string, unknown>);
    const flow = flowSchema.safeParse(rawFlow, JITLESS);
    const parsed = type.schema.safeParse(own, JITLESS);
    if (!flow.success) problems.push(...describeIssues(flow.error, ['rules', i], () => []));
    if (!parsed.success) {
      problems.push(...describeIssues(parsed.error, ['rules', i], (p) => (p.length ? [] : [...keysOf(type.schema), ...FLOW_KEYS])));
      return;
    }
    if (!flow.success) return;
    const extra = type.check?.(parsed.data, context) ?? [];
    if (extra.length) {
      problems.push(...extra.map((e) => `${at(e.path)}: ${e.message}`));
      return;
    }
    try {
      const mode = auditAll ? 'audit' : flow.data.mode;
      const rule = withFlow(type.create(parsed.data, context), {
        ...(flow.data.unless ? { unless: flow.data.unless } : {}),
        ...(flow.data.stopProcessing ? { stopProcessing: true } : {}),
        ...(mode ? { mode } : {}),
      });
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

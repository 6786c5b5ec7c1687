import type * as z from 'zod';
import type { RulePlatform } from './platform.js';
import type { Rule } from './rule.js';

/** What a rule type is built for: the platform the rules will serve. */
export interface RuleTypeContext {
  platform: RulePlatform;
}

/** A problem found by a rule type's own check, with a path relative to the rule. */
export interface RuleProblem {
  path: (string | number)[];
  message: string;
}

/** How a rule type is configured: its schema, and a factory from validated options. */
export interface RuleType<T extends z.ZodType = z.ZodType> {
  schema: T;
  create(options: z.infer<T>, context: RuleTypeContext): Rule;
  /** Checks beyond the schema; each problem with a path relative to the rule. */
  check?(options: z.infer<T>, context: RuleTypeContext): RuleProblem[];
}

/** Declares a rule type with its options typed from its schema (built-ins and plugins alike). */
export function defineRuleType<T extends z.ZodType>(type: RuleType<T>): RuleType {
  return type as unknown as RuleType;
}

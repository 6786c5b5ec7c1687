/**
 * wmflow rules: the rule model, the engine, conditions, the built-in rules and configuration.
 */
export { defineRule, type Rule, type RuleContext, type RuleReport, type RuleResult, type RequestedAction } from './rule.js';
export { runRules, type RunInput, type RunResult } from './engine.js';
export { evaluateCondition, isInternal, type Condition, type ConditionInput, type RegexSpec } from './condition.js';
export { buildResponse } from './actions.js';
export { RuleFailedError, RuleDeadlineError } from './errors.js';
export {
  parseRulesConfig,
  parseRulesJson,
  loadRulesFile,
  defineRuleType,
  conditionSchema,
  BUILTIN_RULE_TYPES,
  ConfigError,
  type RulesConfig,
  type RuleType,
} from './config.js';
export { disclaimerRule, type DisclaimerOptions } from './builtin/disclaimer.js';
export { redactRule, type RedactOptions, type RedactScope } from './builtin/redact.js';
export { headerRule, type HeaderRuleOptions, type HeaderOperation } from './builtin/header.js';
export { subjectTagRule, type SubjectTagOptions } from './builtin/subject-tag.js';
export { actionRule, type ActionRuleOptions } from './builtin/action.js';
export type { ProtectedFallback } from './builtin/protected-fallback.js';

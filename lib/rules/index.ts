/**
 * wmflow rules: the rule model, the engine, conditions, the built-in rules and configuration.
 * Independent of any mail platform: WorkMail and SMTP hand in a {@link RulePlatform}.
 */
export {
  defineRule,
  type Rule,
  type RuleContext,
  type RuleEnvelope,
  type RuleReport,
  type RuleResult,
  type RequestedAction,
  type KeptArtefact,
  type RuleMode,
} from './rule.js';
export { runRules, artefactKey, type RunInput, type RunResult } from './engine.js';
export { evaluateCondition, conditionNeedsTrueTypes, type Condition, type ConditionInput, type InspectLevel, type RegexSpec } from './condition.js';
export { detectTrueTypes, decodedSize, matchesAttachment, type AttachmentMatch, type TrueType, type TrueTypes } from './attachment-match.js';
export { readAuthenticationResults, AUTH_RESULTS, type AuthMethod, type AuthResult } from './authentication-results.js';
export { readableTexts } from './body-text.js';
export type { DetectorSpec } from './detector-spec.js';
export { isInternal, matchesPattern, validatePattern, normaliseAddress } from './address-pattern.js';
export {
  ACTION_TYPES,
  ACTION_PRECEDENCE,
  DEFAULT_BOUNCE_MESSAGE,
  decideDelivery,
  isBlockingAction,
  strongerDecision,
  type ActionType,
  type Decision,
  type DeliveryDecisions,
  type FlowDirection,
} from './delivery.js';
export { GENERIC_PLATFORM, genericHeaderEditProblem, type RulePlatform, type HeaderEditKind } from './platform.js';
export {
  parseRulesConfig,
  parseRulesJson,
  loadRulesFile,
  defineRuleType,
  conditionSchema,
  BUILTIN_RULE_TYPES,
  ConfigError,
  type ConfigOptions,
  type RulesConfig,
  type RuleType,
  type RuleTypeContext,
} from './config.js';
export {
  loadRulesFileWithPlugins,
  parseRulesJsonWithPlugins,
  loadPluginTypes,
  loadPluginTypesSync,
  pluginSpecifiers,
  resolvePlugin,
  type RulesPlugin,
  type PluginConfigOptions,
  type RulesConfigWithPlugins,
} from './plugins.js';
export { disclaimerRule, type DisclaimerOptions } from './builtin/disclaimer.js';
export { redactRule, type RedactOptions, type RedactScope } from './builtin/redact.js';
export { headerRule, type HeaderRuleOptions, type HeaderOperation } from './builtin/header.js';
export { subjectTagRule, type SubjectTagOptions } from './builtin/subject-tag.js';
export { actionRule, type ActionRuleOptions } from './builtin/action.js';
export { attachmentRule, attachmentRuleSchema, NOTICE_DESCRIPTION, type AttachmentRuleOptions } from './builtin/attachment.js';
export type { ProtectedFallback } from './builtin/protected-fallback.js';
export type { UninspectableChoice } from './builtin/uninspectable.js';

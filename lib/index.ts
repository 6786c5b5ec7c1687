/**
 * `wmflow`: the rules and the one message-processing step.
 *
 * - `defineRule` / `defineRuleType` (with `z`, the zod wmflow validates with, so plugins share it)
 *   for custom rules and rule-type plugins;
 * - `loadRulesFile` (sync, built-in and given types) / `loadRulesFileWithPlugins` (async, imports
 *   the plugins a rules file lists) and `parseRulesConfig` for configurations;
 * - `processMessage`: bytes, envelope and rules in; outcome, bytes and actions out;
 * - the platforms (`WORKMAIL_PLATFORM`, `GENERIC_PLATFORM`).
 *
 * The MIME API is `wmflow/mime`, the Lambda handler `wmflow/lambda`, the local WorkMail
 * `wmflow/emulator`, the CDK construct `wmflow/cdk`.
 */
export { z } from 'zod';
export { WmflowError } from './errors.js';
export {
  processMessage,
  decideWithoutInspection,
  type ProcessInput,
  type ProcessOutcome,
  type ProcessStatus,
  type MessageEnvelope,
  type MailPlatform,
  type ContentPolicy,
  type ContentProblem,
} from './core/index.js';
export {
  defineRule,
  defineRuleType,
  loadRulesFile,
  loadRulesFileWithPlugins,
  parseRulesConfig,
  parseRulesJson,
  parseRulesJsonWithPlugins,
  BUILTIN_RULE_TYPES,
  ConfigError,
  GENERIC_PLATFORM,
  runRules,
  type Condition,
  type ConfigOptions,
  type PluginConfigOptions,
  type RequestedAction,
  type Rule,
  type RuleContext,
  type RuleEnvelope,
  type RulePlatform,
  type RuleReport,
  type RuleResult,
  type RulesConfig,
  type RulesConfigWithPlugins,
  type RulesPlugin,
  type RuleType,
  type RuleTypeContext,
  type ActionType,
  type FlowDirection,
  type RunInput,
  type RunResult,
} from './rules/index.js';
export { WORKMAIL_PLATFORM } from './workmail/platform.js';

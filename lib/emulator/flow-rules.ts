import { matchesPattern, patternSpecificity, validatePattern } from '../rules/address-pattern.js';
import type { FlowDirection } from '../rules/delivery.js';

/** Actions of email flow rules, by their console names. */
export type FlowRuleAction = 'DROP' | 'BOUNCE' | 'MOVE_TO_JUNK' | 'DEFAULT' | 'NEVER_JUNK' | 'SMTP_GATEWAY' | 'RUN_LAMBDA';

/** What a synchronous Run Lambda rule falls back to (never another Lambda). */
export type FallbackAction = 'DEFAULT' | 'BOUNCE' | 'DROP' | 'MOVE_TO_JUNK';

/** Settings of a Run Lambda rule. */
export interface RunLambdaSettings {
  /**
   * Default true. Synchronous: WorkMail waits for the answer (the only way to change content or
   * delivery). Asynchronous: fire and forget; delivery goes on as DEFAULT.
   */
  synchronous?: boolean;
  /** Applied when the Lambda keeps failing, and to recipients its answer leaves out. */
  fallback: FallbackAction;
  /** 0–240 minutes during which failed invocations are retried. */
  ruleTimeoutMinutes: number;
}

/** A WorkMail email flow rule, as an administrator creates it in the console. */
export interface EmailFlowRule {
  name: string;
  direction: FlowDirection;
  /** Sender patterns (address, domain, `*.domain`, `*`). */
  senders: string[];
  /** Destination patterns; default `['*']`. Synchronous Run Lambda rules allow only `*`. */
  recipients?: string[];
  action: FlowRuleAction;
  /** RUN_LAMBDA only. Default: synchronous, fallback DEFAULT, 1-minute rule timeout. */
  lambda?: RunLambdaSettings;
  /** BOUNCE only: the text of the bounce. */
  bounceMessage?: string;
}

/** The actions each direction offers. */
export const FLOW_RULE_ACTIONS: Readonly<Record<FlowDirection, readonly FlowRuleAction[]>> = {
  INBOUND: ['DROP', 'BOUNCE', 'MOVE_TO_JUNK', 'DEFAULT', 'NEVER_JUNK', 'RUN_LAMBDA'],
  OUTBOUND: ['DEFAULT', 'DROP', 'BOUNCE', 'SMTP_GATEWAY', 'RUN_LAMBDA'],
};

/**
 * Most restrictive first, per direction, as the WorkMail Administrator Guide lists them: on equal
 * specificity the earlier action wins. (Outbound puts DEFAULT first: that is the guide's order.)
 */
export const ACTION_RESTRICTIVENESS: Readonly<Record<FlowDirection, readonly FlowRuleAction[]>> = {
  INBOUND: ['DROP', 'BOUNCE', 'MOVE_TO_JUNK', 'DEFAULT', 'NEVER_JUNK', 'RUN_LAMBDA'],
  OUTBOUND: ['DEFAULT', 'DROP', 'BOUNCE', 'SMTP_GATEWAY', 'RUN_LAMBDA'],
};

const FALLBACKS: Readonly<Record<FlowDirection, readonly FallbackAction[]>> = {
  INBOUND: ['DEFAULT', 'BOUNCE', 'DROP', 'MOVE_TO_JUNK'],
  OUTBOUND: ['DEFAULT', 'BOUNCE', 'DROP'],
};

/** The Run Lambda settings a rule runs with (defaults filled in). */
export function lambdaSettings(rule: EmailFlowRule): Required<RunLambdaSettings> {
  return {
    synchronous: rule.lambda?.synchronous ?? true,
    fallback: rule.lambda?.fallback ?? 'DEFAULT',
    ruleTimeoutMinutes: rule.lambda?.ruleTimeoutMinutes ?? 1,
  };
}

/** What WorkMail's console would refuse in this rule, one sentence each (empty: fine). */
export function flowRuleProblems(rule: EmailFlowRule): string[] {
  const at = `rule "${rule.name}"`;
  const out: string[] = [];
  if (rule.direction !== 'INBOUND' && rule.direction !== 'OUTBOUND') return [`${at}: direction must be INBOUND or OUTBOUND`];
  if (!FLOW_RULE_ACTIONS[rule.direction].includes(rule.action)) out.push(`${at}: ${rule.action} is not an ${rule.direction.toLowerCase()} action`);
  if (!rule.senders?.length) out.push(`${at}: needs at least one sender pattern`);
  for (const p of [...(rule.senders ?? []), ...(rule.recipients ?? [])]) {
    const problem = validatePattern(p);
    if (problem) out.push(`${at}: ${problem}`);
  }
  if (rule.recipients && !rule.recipients.length) out.push(`${at}: an empty destination list matches nothing; leave it out for "*"`);
  if (rule.action === 'RUN_LAMBDA') {
    const s = lambdaSettings(rule);
    if (!FALLBACKS[rule.direction].includes(s.fallback)) out.push(`${at}: fallback ${s.fallback} is not available for ${rule.direction.toLowerCase()} mail`);
    if (!Number.isFinite(s.ruleTimeoutMinutes) || s.ruleTimeoutMinutes < 0 || s.ruleTimeoutMinutes > 240)
      out.push(`${at}: the rule timeout must be 0-240 minutes, not ${s.ruleTimeoutMinutes}`);
    if (s.synchronous && rule.recipients?.some((p) => p.trim() !== '*')) {
      out.push(`${at}: a synchronous Run Lambda rule supports only the "*" destination`);
    }
  } else if (rule.lambda) {
    out.push(`${at}: Lambda settings belong to RUN_LAMBDA rules only`);
  }
  return out;
}

/** The rule chosen for one recipient, and why. */
export interface FlowRuleMatch {
  rule: EmailFlowRule;
  /** The sender address the rule matched (inbound: the Sender header's, else From's). */
  sender: string;
  senderSpecificity: number;
  recipientSpecificity: number;
}

function best(patterns: readonly string[], addresses: readonly string[]): number {
  let score = -1;
  for (const p of patterns) for (const a of addresses) if (matchesPattern(a, p)) score = Math.max(score, patternSpecificity(p));
  return score;
}

/** Lexicographic comparison of equal-length score lists. */
function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function bestRule(rules: readonly EmailFlowRule[], direction: FlowDirection, senders: readonly string[], recipient: string): FlowRuleMatch | undefined {
  const order = ACTION_RESTRICTIVENESS[direction];
  let chosen: FlowRuleMatch | undefined;
  let chosenKey: number[] = [];
  for (const rule of rules) {
    if (rule.direction !== direction) continue;
    const s = best(rule.senders, senders);
    if (s < 0) continue;
    const r = best(rule.recipients ?? ['*'], [recipient]);
    if (r < 0) continue;
    // Inbound rules are about who sends; outbound ones about where mail goes: that pattern ranks first.
    const key = direction === 'INBOUND' ? [s, r, -order.indexOf(rule.action)] : [r, s, -order.indexOf(rule.action)];
    if (!chosen || compareKeys(key, chosenKey) > 0) {
      chosen = { rule, sender: senders.find((a) => rule.senders.some((p) => matchesPattern(a, p)))!, senderSpecificity: s, recipientSpecificity: r };
      chosenKey = key;
    }
  }
  return chosen;
}

/**
 * The rule that applies to one recipient, as WorkMail picks it:
 * - inbound: rules are matched against the `Sender` header address first; only if none matches,
 *   against `From`. Destination patterns must match the recipient.
 * - outbound: the recipient must match a destination pattern and `Sender` or `From` a sender pattern.
 * The most specific match wins (inbound: sender pattern, then destination; outbound: destination,
 * then sender); on equal specificity the most restrictive action ({@link ACTION_RESTRICTIVENESS});
 * then the rule listed first.
 *
 * @param senders The candidate sender addresses in order: `[Sender, From]` (either may be absent);
 *   the envelope MAIL FROM when the message has neither.
 */
export function matchFlowRule(
  rules: readonly EmailFlowRule[],
  direction: FlowDirection,
  senders: string | readonly string[],
  recipient: string,
): FlowRuleMatch | undefined {
  const candidates = [...new Set((typeof senders === 'string' ? [senders] : senders).map((s) => s.trim()))];
  if (direction === 'OUTBOUND') return bestRule(rules, direction, candidates, recipient);
  for (const sender of candidates) {
    const match = bestRule(rules, direction, [sender], recipient);
    if (match) return match;
  }
  return undefined;
}

/** {@link matchFlowRule}'s rule only. */
export function selectFlowRule(
  rules: readonly EmailFlowRule[],
  direction: FlowDirection,
  senders: string | readonly string[],
  recipient: string,
): EmailFlowRule | undefined {
  return matchFlowRule(rules, direction, senders, recipient)?.rule;
}

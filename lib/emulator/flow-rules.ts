import { matchesPattern, patternSpecificity } from '../workmail/address-pattern.js';
import type { FlowDirection } from '../workmail/event.js';
import type { ActionType } from '../workmail/response.js';

/** Actions an email flow rule can take (console names in WorkMail's own precedence). */
export type FlowRuleAction = 'DROP' | 'BOUNCE' | 'MOVE_TO_JUNK' | 'DEFAULT' | 'NEVER_JUNK' | 'SMTP_GATEWAY' | 'RUN_LAMBDA';

/** A WorkMail email flow rule, as an administrator creates it in the console. */
export interface EmailFlowRule {
  name: string;
  direction: FlowDirection;
  /** Sender patterns (address, domain, `*.domain`, `*`). */
  senders: string[];
  /** Outbound only: recipient patterns. */
  recipients?: string[];
  action: FlowRuleAction;
  /** RUN_LAMBDA: synchronous (the only kind that can change mail), its fallback and rule timeout. */
  lambda?: { fallback: Exclude<ActionType, 'BYPASS_SPAM_CHECK'>; ruleTimeoutMinutes: number };
  bounceMessage?: string;
}

/** Most restrictive first, as the WorkMail Administrator Guide lists them. */
const RESTRICTIVENESS: Record<FlowDirection, FlowRuleAction[]> = {
  INBOUND: ['DROP', 'BOUNCE', 'MOVE_TO_JUNK', 'DEFAULT', 'NEVER_JUNK', 'RUN_LAMBDA'],
  OUTBOUND: ['DEFAULT', 'DROP', 'BOUNCE', 'SMTP_GATEWAY', 'RUN_LAMBDA'],
};

function best(patterns: readonly string[], address: string): number {
  return Math.max(-1, ...patterns.filter((p) => matchesPattern(address, p)).map(patternSpecificity));
}

/**
 * The rule that applies: inbound rules match the Sender header address, else From; outbound
 * rules need both the recipient and the sender to match. The most specific match wins; on a
 * tie, the most restrictive action.
 */
export function selectFlowRule(rules: readonly EmailFlowRule[], direction: FlowDirection, sender: string, recipient: string): EmailFlowRule | undefined {
  let chosen: { rule: EmailFlowRule; score: number } | undefined;
  for (const rule of rules) {
    if (rule.direction !== direction) continue;
    const s = best(rule.senders, sender);
    if (s < 0) continue;
    let score = s;
    if (direction === 'OUTBOUND') {
      const r = best(rule.recipients ?? ['*'], recipient);
      if (r < 0) continue;
      score = r * 10_000 + s;
    }
    const order = RESTRICTIVENESS[direction];
    if (!chosen || score > chosen.score || (score === chosen.score && order.indexOf(rule.action) < order.indexOf(chosen.rule.action))) {
      chosen = { rule, score };
    }
  }
  return chosen?.rule;
}

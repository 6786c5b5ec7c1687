import { matchesPattern } from '../../workmail/address-pattern.js';
import { ACTION_TYPES_BY_DIRECTION, type ActionType } from '../../workmail/response.js';
import type { Condition } from '../condition.js';
import type { Rule } from '../rule.js';

/** Options of the `action` rule. */
export interface ActionRuleOptions {
  name?: string;
  when?: Condition;
  action: ActionType;
  /** For BOUNCE: the message WorkMail returns to the sender. */
  bounceMessage?: string;
  /** Only recipients matching these patterns; all recipients when absent. */
  recipients?: string[];
}

/** When its condition holds, asks WorkMail for an action (bounce, drop, junk, bypass spam check). */
export function actionRule(options: ActionRuleOptions): Rule {
  return {
    name: options.name ?? `action-${options.action.toLowerCase()}`,
    type: 'action',
    when: options.when,
    run(ctx) {
      if (!(ACTION_TYPES_BY_DIRECTION[ctx.direction] as readonly string[]).includes(options.action)) {
        return { skipped: `${options.action} is not available for ${ctx.direction.toLowerCase()} mail` };
      }
      const recipients = options.recipients ? ctx.recipients.filter((r) => options.recipients!.some((p) => matchesPattern(r, p))) : undefined;
      if (recipients && !recipients.length) return { skipped: 'no recipient matches' };
      ctx.requestAction({
        type: options.action,
        ...(options.action === 'BOUNCE' ? { bounceMessage: options.bounceMessage ?? 'Message rejected by policy.' } : {}),
        ...(recipients ? { recipients } : {}),
      });
      return undefined;
    },
  };
}

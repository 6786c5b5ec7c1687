import { matchesPattern } from '../address-pattern.js';
import * as z from 'zod';
import { DEFAULT_BOUNCE_MESSAGE, isBlockingAction, type RequestedAction } from '../delivery.js';
import { defineRuleType } from '../rule-type.js';
import { actionType, addressPattern, bounceText, onUninspectable, ruleCommon } from '../schema.js';
import type { Rule, RuleEnvelope } from '../rule.js';

/** JSON schema of the `action` rule. */
export const actionSchema = z
  .object({
    type: z.literal('action'),
    ...ruleCommon,
    action: actionType,
    /** For BOUNCE: the message returned to the sender. @default "Message rejected by policy." */
    bounceMessage: bounceText.optional(),
    /** Only recipients matching these patterns. @default all recipients */
    recipients: z.array(addressPattern).min(1).optional(),
    /**
     * When the condition cannot be evaluated (the body could not be parsed, say).
     * @default 'apply' for BOUNCE, DROP and MOVE_TO_JUNK (fail closed), 'skip' otherwise
     */
    onUninspectable: onUninspectable.optional(),
  })
  .strict();

/** Options of the `action` rule (its JSON without `type`). */
export type ActionRuleOptions = Omit<z.infer<typeof actionSchema>, 'type'>;

/** The `action` rule type. */
export const actionRuleType = defineRuleType({ schema: actionSchema, create: (o) => actionRule(o) });

/** When its condition holds, asks for a delivery action (bounce, drop, junk, bypass spam check). */
export function actionRule(options: ActionRuleOptions): Rule {
  const request = (env: RuleEnvelope): RequestedAction | string => {
    if (!env.platform.actionsFor(env.direction).includes(options.action))
      return `${options.action} is not available for ${env.direction.toLowerCase()} mail on ${env.platform.name}`;
    const recipients = options.recipients ? env.recipients.filter((r) => options.recipients!.some((p) => matchesPattern(r, p))) : undefined;
    if (recipients && !recipients.length) return 'no recipient matches';
    return {
      type: options.action,
      ...(options.action === 'BOUNCE' ? { bounceMessage: options.bounceMessage ?? DEFAULT_BOUNCE_MESSAGE } : {}),
      ...(recipients ? { recipients } : {}),
    };
  };
  const policy = options.onUninspectable ?? (isBlockingAction(options.action) ? 'apply' : 'skip');
  return {
    name: options.name ?? `action-${options.action.toLowerCase()}`,
    type: 'action',
    when: options.when,
    run(ctx) {
      const action = request(ctx);
      if (typeof action === 'string') return { skipped: action };
      ctx.requestAction(action);
      return undefined;
    },
    onUninspectable(env) {
      const action = policy === 'apply' ? request(env) : undefined;
      return action && typeof action !== 'string' ? [action] : [];
    },
  };
}

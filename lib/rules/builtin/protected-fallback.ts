import { detectSecurity, wrapAsAttachment, type NewBodyContent } from '../../mime/index.js';
import type { RuleContext, RuleResult } from '../rule.js';

/** What a rule does with signed or encrypted mail it would otherwise edit. */
export type ProtectedFallback = 'skip' | 'wrap' | 'bounce';

/**
 * Handles signed or encrypted mail for a content-editing rule. Returns undefined when the
 * message is neither (the rule goes on), or `{ result }` — the rule's result — when it is:
 * - `skip` (default): the message stays byte-identical, signature intact;
 * - `wrap`: the original is attached as message/rfc822 to a new message carrying `body`;
 * - `bounce`: the sender gets `bounceMessage`.
 */
export async function handleProtected(
  ctx: RuleContext,
  fallback: ProtectedFallback,
  body: () => NewBodyContent,
  bounceMessage: string,
): Promise<{ result: RuleResult } | undefined> {
  const security = detectSecurity(ctx.message);
  if (!security.signed && !security.encrypted) return undefined;
  const what = `${security.signed ? 'signed' : ''}${security.signed && security.encrypted ? ' and ' : ''}${security.encrypted ? 'encrypted' : ''} (${security.kinds.join(', ')})`;
  switch (fallback) {
    case 'skip':
      return { result: { skipped: `message is ${what}; left unchanged` } };
    case 'wrap':
      ctx.replaceMessage(await wrapAsAttachment(ctx.message, body()));
      ctx.note(`message is ${what}: wrapped the original as an attachment`);
      return { result: undefined };
    case 'bounce':
      ctx.requestAction({ type: 'BOUNCE', bounceMessage });
      ctx.note(`message is ${what}: bounced`);
      return { result: undefined };
  }
}

import { insertBodyPart, wrapInMixed } from './add-structure.js';
import type { MimeMessage } from './mime-message.js';
import type { MimePart } from './mime-part.js';

/** What {@link addSeparateTextPart} did. */
export type SeparatePartResult =
  | {
      /** The message to go on with: the same one, or a new one when the message was wrapped. */
      message: MimeMessage;
      /** True when `message` is a new message that replaces the original. */
      replaced: boolean;
      /** Where the part went, for reports. */
      where: string;
    }
  | { reason: string };

/**
 * Adds `text` as its own `text/plain; charset=utf-8` part beside a body that could not carry
 * it (a mislabelled charset, say), leaving that body's bytes alone. The part goes into the
 * nearest enclosing multipart/mixed (first for `top`, last for `bottom`) — never into an
 * alternative, where it would replace the body rather than join it; a single-part message is
 * wrapped in a new multipart/mixed. Any other structure (a multipart/alternative at the top,
 * say) gets nothing, and the result says why.
 */
export async function addSeparateTextPart(message: MimeMessage, near: MimePart, text: string, position: 'top' | 'bottom'): Promise<SeparatePartResult> {
  for (let p = near.parent; p; p = p.parent) {
    if (p.multipart === 'mixed') {
      await insertBodyPart(message, p, { text }, position === 'top' ? 'first' : 'last');
      return { message, replaced: false, where: p.where };
    }
    if (p.multipart === 'signed' || p.multipart === 'encrypted') break;
  }
  if (!message.root.multipart && near === message.root) {
    const wrapped = await wrapInMixed(message, { text }, { position: position === 'top' ? 'first' : 'last' });
    return { message: wrapped, replaced: true, where: 'a new multipart/mixed' };
  }
  return { reason: `no multipart/mixed around ${near.where} to add a separate part to` };
}

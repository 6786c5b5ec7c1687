import type { MailPlatform } from '../core/content-policy.js';
import { WORKMAIL_CONTENT_POLICY } from './content-checks.js';
import { headerEditProblem } from './header-policy.js';
import { ACTION_TYPES_BY_DIRECTION } from './limits.js';

/**
 * Amazon WorkMail as the rules' platform: the actions a Run Lambda response may carry per
 * direction, the headers an update must not change, and WorkMail's pre-flight of updated content.
 */
export const WORKMAIL_PLATFORM: MailPlatform = {
  name: 'WorkMail',
  actionsFor: (direction) => ACTION_TYPES_BY_DIRECTION[direction],
  headerEditProblem,
  content: WORKMAIL_CONTENT_POLICY as MailPlatform['content'],
};

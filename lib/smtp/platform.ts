import { lazyBareLineBreaks, lineProblems, multipartProblems, type BareLineBreaks } from '../core/content-checks.js';
import type { ContentPolicy, MailPlatform } from '../core/content-policy.js';
import { GENERIC_PLATFORM } from '../rules/index.js';

/**
 * What an SMTP next hop needs of updated content: well-formed multiparts, lines within the
 * RFC 5321 limit and no bare CR/LF the original did not have. Nothing is immutable (no
 * WorkMail-style header rules): the organisation's own MTA is the next hop.
 */
export const SMTP_CONTENT_POLICY: ContentPolicy<BareLineBreaks> = {
  baseline: (original) => lazyBareLineBreaks(original.original),
  check: (updated, bytes, baseline) => [...multipartProblems(updated), ...lineProblems(updated, bytes, baseline)],
};

/**
 * An SMTP mail flow (`wmflow smtp`, `wmflow filter`) as the rules' platform: every action in
 * both directions, only the RFC's header constraints, and {@link SMTP_CONTENT_POLICY}.
 */
export const SMTP_PLATFORM: MailPlatform = {
  name: 'SMTP',
  actionsFor: GENERIC_PLATFORM.actionsFor,
  headerEditProblem: GENERIC_PLATFORM.headerEditProblem,
  content: SMTP_CONTENT_POLICY as MailPlatform['content'],
};

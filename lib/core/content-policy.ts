import type { MimeMessage } from '../mime/index.js';
import type { RulePlatform } from '../rules/index.js';

/** Why the platform would refuse (or frown on) updated content. */
export interface ContentProblem {
  /** Stable code (`LINE_TOO_LONG`, `IMMUTABLE_HEADER_CHANGED`, …). */
  code: string;
  /** Human-readable, naming the header or part concerned. */
  message: string;
  /** `error`: the platform rejects the update. `warning`: allowed, but against its advice. */
  severity: 'error' | 'warning';
}

/**
 * How a platform pre-flights updated content, without parsing anything again: a baseline is
 * taken from the original tree before the rules run, and the edited tree is checked against it
 * together with its serialised bytes.
 */
export interface ContentPolicy<Baseline = unknown> {
  /** What the checks need of the original (immutable header values, its line-break style…). */
  baseline(original: MimeMessage): Baseline;
  /** Every problem of the updated content; errors mean the update must not be handed over. */
  check(updated: MimeMessage, bytes: Buffer, baseline: Baseline): ContentProblem[];
}

/** A mail flow the core step serves: what rules may do there, and what content it accepts. */
export interface MailPlatform extends RulePlatform {
  readonly content: ContentPolicy;
}

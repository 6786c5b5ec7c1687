import { WmflowError } from '../errors.js';

/** A rule threw while running. The pipeline fails open (delivers unmodified) on it by default. */
export class RuleFailedError extends WmflowError {
  readonly ruleName: string;
  constructor(ruleName: string, cause: unknown) {
    super('RULE_FAILED', `rule "${ruleName}" failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.ruleName = ruleName;
  }
}

/** The time budget ran out between rules. */
export class RuleDeadlineError extends WmflowError {
  constructor(ruleName: string) {
    super('RULE_DEADLINE', `time budget exhausted before rule "${ruleName}"`);
  }
}

import { readFileSync } from 'node:fs';
import { processMessage } from '../core/index.js';
import { decodeTransfer, findAttachments, parseHeadersOnly, parseMessage, type MimeMessage } from '../mime/index.js';
import type { RulesConfig } from '../rules/index.js';
import { WORKMAIL_PLATFORM } from '../workmail/platform.js';
import { envelopeFor, type EnvelopeOptions } from './envelope.js';
import { Progress } from './progress.js';

/** The verdict on one message. */
export interface CheckResult {
  file: string;
  changed: boolean;
  passed: boolean;
  /** Each check: ok, or why not. */
  checks: { workmail: string | true; attachments: string | true; idempotent: string | true };
  error?: string;
}

function decodedAttachments(m: MimeMessage): string[] {
  return findAttachments(m)
    .map((a) => decodeTransfer(a.part.rawBody(), a.part.info.transferEncoding).toString('base64'))
    .sort();
}

/**
 * Dry-runs the rules over a mailbox export with the core step the Lambda runs: would WorkMail
 * accept the output (its pre-flight, line limit and immutable headers included), does every
 * attachment keep its decoded bytes, and does a second run change nothing.
 */
export async function check(
  options: EnvelopeOptions & { files: string[]; config: RulesConfig; json: boolean },
  write: (line: string) => void,
): Promise<CheckResult[]> {
  const orgDomains = [...new Set([...options.config.orgDomains, ...options.orgDomains])];
  const results: CheckResult[] = [];
  const progress = new Progress(options.files.length, process.stderr, !options.json && process.stderr.isTTY === true && options.files.length > 1);
  for (const [i, file] of options.files.entries()) {
    progress.update(i, file);
    const result: CheckResult = { file, changed: false, passed: false, checks: { workmail: true, attachments: true, idempotent: true } };
    results.push(result);
    try {
      const bytes = readFileSync(file);
      const envelope = envelopeFor(parseHeadersOnly(bytes), { ...options, orgDomains });
      const run = (input: Buffer) => processMessage({ bytes: input, envelope, rules: options.config.rules, orgDomains, platform: WORKMAIL_PLATFORM });
      const outcome = await run(bytes);
      if (outcome.status === 'uninspectable') throw new Error(outcome.reasons.join('; '));
      result.changed = outcome.status !== 'unchanged';
      if (outcome.status === 'declined') result.checks.workmail = outcome.reasons.join('; ');
      if (outcome.status === 'updated') {
        const before = decodedAttachments(await parseMessage(bytes));
        const after = decodedAttachments(await parseMessage(outcome.bytes));
        const missing = before.filter((b) => !after.includes(b)).length;
        if (missing) result.checks.attachments = `${missing} attachment(s) changed or lost`;
        const again = await run(outcome.bytes);
        if (again.status !== 'unchanged') {
          result.checks.idempotent = `a second run changed it again (${again.reports
            .filter((r) => r.status === 'applied')
            .map((r) => r.name)
            .join(', ')})`;
        }
      }
      result.passed = Object.values(result.checks).every((c) => c === true);
    } catch (err) {
      result.error = err instanceof Error ? err.message : String(err);
    }
    if (!options.json) {
      write(`${result.passed ? 'PASS' : 'FAIL'} ${file}${result.changed ? '' : ' (unchanged)'}`);
      if (result.error) write(`  error: ${result.error}`);
      for (const [name, verdict] of Object.entries(result.checks)) if (verdict !== true) write(`  ${name}: ${verdict}`);
    }
  }
  progress.done();
  const failed = results.filter((r) => !r.passed).length;
  const summary = { messages: results.length, changed: results.filter((r) => r.changed).length, passed: results.length - failed, failed };
  if (options.json) write(JSON.stringify({ results, summary }, null, 2));
  else write(`\n${summary.messages} message(s): ${summary.passed} passed, ${summary.failed} failed (${summary.changed} would be changed)`);
  return results;
}

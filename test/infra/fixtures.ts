/** Shared values for the infra tests: an organisation, an environment, and a rules file of our own. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ORG = 'm-0123456789abcdef0123456789abcdef';
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const ENV = { region: REGION, account: ACCOUNT };

/** Context that skips asset bundling, for tests that only look at the template or at errors. */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

/** A small valid rules file, so the tests do not depend on samples/rules.json (edited by others). */
export const RULES_JSON = {
  orgDomains: ['example.com'],
  rules: [{ type: 'subject-tag', name: 'tag-external', tag: '[EXTERNAL]', when: { direction: 'INBOUND', senderIs: 'external' } }],
};

const tempDirs: string[] = [];

/** Writes `content` to a fresh temporary `rules.json` and returns its path. */
export function writeRulesFile(content: unknown = RULES_JSON): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wmflow-infra-'));
  tempDirs.push(dir);
  const file = path.join(dir, 'rules.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

/** A fresh temporary directory (a synth output, say), removed by {@link removeTempDirs}. */
export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wmflow-infra-'));
  tempDirs.push(dir);
  return dir;
}

/** Removes what {@link writeRulesFile} and {@link tempDir} created. */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

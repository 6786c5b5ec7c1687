import { existsSync } from 'node:fs';
import path from 'node:path';
import { Duration, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { loadRulesFile } from '../lib/rules/index.js';
import { checkRulesWithPlugins, type PluginCheck } from './rules-plugins.js';
import { ANSWER_LIMIT_MS, S3_REFERENCE } from '../lib/workmail/limits.js';
import { WORKMAIL_PLATFORM } from '../lib/workmail/platform.js';
import { InfraPropsError } from './infra-props-error.js';

/** The package root (the folder with wmflow's package.json): infra/ from source, dist/infra/ when installed. */
export const PROJECT_ROOT = packageRoot(import.meta.dirname);

function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..');
  }
}

/** This module's sibling, with this module's extension: `.ts` from source, `.js` from dist. */
export const siblingModule = (relative: string) => path.resolve(import.meta.dirname, `${relative}${path.extname(import.meta.filename)}`);

const LOCK_FILES = ['pnpm-lock.yaml', 'yarn.lock', 'bun.lock', 'bun.lockb', 'package-lock.json'];

/** The nearest lock file at or above `from` (the project the function is bundled in), as NodejsFunction looks for it. */
function findLockFile(from: string): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const found = LOCK_FILES.map((f) => path.join(dir, f)).find((f) => existsSync(f));
    if (found) return found;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Props of {@link WorkMailMessageFlowProcessor}. */
export interface WorkMailMessageFlowProcessorProps {
  /** The WorkMail organisation id: `m-` and 32 lower-case hex digits (WorkMail console, Organization settings). */
  readonly organizationId: string;
  /**
   * The rules file copied into the bundle as `rules.json`. It is validated at synth, so a bad
   * file fails `cdk synth` instead of every message. A relative path resolves against the
   * working directory (the CDK CLI runs the app where `cdk.json` is).
   * @default `samples/rules.json` in the repository
   */
  readonly rulesFile?: string;
  /** @default 512 (MB) */
  readonly memorySize?: number;
  /**
   * Must stay below 15 s: WorkMail waits at most 15 s for a synchronous rule's answer and
   * counts a later answer as a failed invocation.
   * @default Duration.seconds(12)
   */
  readonly timeout?: Duration;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Bundle the AWS SDK v3 instead of using the one in the Lambda runtime. Bundled, esbuild keeps
   * only the two clients wmflow uses: measured (`bench/cold-start.ts`), the cold import costs
   * about 40% less CPU than loading the runtime's SDK, for a larger file (2.1 MB against 1.5 MB).
   * @default true
   */
  readonly bundleAwsSdk?: boolean;
  /**
   * Ship source maps and start Node with `--enable-source-maps`, so stack traces name the
   * TypeScript sources. Measured, it adds about 50 ms of CPU to every cold start; wmflow's logs
   * carry error messages, not stacks, so it is off unless you debug.
   * @default false
   */
  readonly sourceMaps?: boolean;
  /**
   * An existing bucket for updated messages, in the stack's account and Region (WorkMail reads
   * only from those). When it is imported, its policy cannot be changed from here: add the
   * WorkMail read statement yourself (infra/README.md; the construct warns).
   * @default a new bucket (SSE-S3, private, TLS only, versioned, everything expires after 1 day)
   */
  readonly bucket?: s3.IBucket;
  /**
   * Key prefix of updated messages. WorkMail accepts only `[a-zA-Z0-9-/]` in keys.
   * @default 'updated/'
   */
  readonly keyPrefix?: string;
  /**
   * Throw on internal errors, so WorkMail retries and then applies the rule's fallback action,
   * instead of delivering the message unmodified (fail open).
   * @default false
   */
  readonly failClosed?: boolean;
  /**
   * The Lambda entry module (must export `handler`; `createHandler()` from `wmflow/lambda` makes one).
   * When the rules file lists plugins, the construct generates an entry that imports them and this
   * module's `createHandler` instead, so `entry` must not be set then.
   * @default wmflow's `handlers/message-flow` module
   */
  readonly entry?: string;
  /**
   * The lock file of the project being bundled; its folder is the bundling root (entry and plugins must be under it).
   * @default the nearest `package-lock.json` (or pnpm/yarn/bun lock file) at or above the working directory, else wmflow's own
   */
  readonly depsLockFilePath?: string;
}

/** The props with defaults applied, after validation. */
export interface ResolvedProcessorProps {
  readonly organizationId: string;
  /** Absolute path. */
  readonly rulesFile: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly bundleAwsSdk: boolean;
  readonly sourceMaps: boolean;
  readonly keyPrefix: string;
  readonly failClosed: boolean;
  /** Absolute path; undefined when the rules list plugins (the construct generates the entry). */
  readonly entry: string | undefined;
  /** The rules file's plugins, resolved (empty without plugins), and whether their options were checked. */
  readonly plugins: PluginCheck;
  /** Absolute paths: the bundling root and its lock file. */
  readonly projectRoot: string;
  readonly depsLockFilePath: string;
}

const ORG_ID = /^m-[0-9a-f]{32}$/;

/**
 * Applies defaults and checks every prop that would otherwise fail only at deploy time or at
 * the first message.
 *
 * @throws {InfraPropsError} naming the prop, the value and what is expected.
 * @throws {ConfigError} (from lib/rules) listing every problem of an invalid rules file.
 */
export function resolveProcessorProps(props: WorkMailMessageFlowProcessorProps): ResolvedProcessorProps {
  if (typeof props.organizationId !== 'string' || !ORG_ID.test(props.organizationId)) {
    throw new InfraPropsError(
      `organizationId "${String(props.organizationId)}" is not a WorkMail organisation id: expected m- followed by 32 lower-case hex digits (WorkMail console > Organization settings)`,
    );
  }
  const timeout = props.timeout ?? Duration.seconds(12);
  if (timeout.toMilliseconds() >= ANSWER_LIMIT_MS) {
    throw new InfraPropsError(
      `timeout ${timeout.toHumanString()}: WorkMail waits at most 15 s for a synchronous rule and counts a later answer as a failure; use less than 15 s (default 12 s)`,
    );
  }
  const memorySize = props.memorySize ?? 512;
  if (!Token.isUnresolved(memorySize) && (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10_240)) {
    throw new InfraPropsError(`memorySize ${memorySize}: Lambda accepts whole megabytes from 128 to 10240`);
  }
  const keyPrefix = props.keyPrefix ?? 'updated/';
  if (!S3_REFERENCE.key.pattern.test(keyPrefix)) {
    throw new InfraPropsError(`keyPrefix "${keyPrefix}": WorkMail accepts only letters, digits, "-" and "/" in object keys`);
  }
  const rulesFile = props.rulesFile ? path.resolve(props.rulesFile) : path.join(PROJECT_ROOT, 'samples/rules.json');
  if (!existsSync(rulesFile)) {
    throw new InfraPropsError(`rules file ${rulesFile} does not exist: write one (see samples/rules.json) and pass it as rulesFile (app: -c rulesFile=<path>)`);
  }
  // Fail at synth, not at the first message, on a bad rules file (every problem is named) or a
  // plugin that cannot be resolved.
  const plugins = checkRulesWithPlugins(rulesFile, (types) => loadRulesFile(rulesFile, { platform: WORKMAIL_PLATFORM, types }));
  if (plugins.plugins.length && props.entry) {
    throw new InfraPropsError(
      `entry ${props.entry}: the rules file lists plugins, so the construct generates the entry that bundles them; leave entry unset (or load the plugins in your entry and drop them from the rules file)`,
    );
  }
  const lockFile = props.depsLockFilePath
    ? path.resolve(props.depsLockFilePath)
    : (findLockFile(process.cwd()) ?? path.join(PROJECT_ROOT, 'package-lock.json'));
  if (!existsSync(lockFile)) throw new InfraPropsError(`depsLockFilePath ${lockFile} does not exist`);
  return {
    organizationId: props.organizationId,
    rulesFile,
    memorySize,
    timeout,
    logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    bundleAwsSdk: props.bundleAwsSdk ?? true,
    sourceMaps: props.sourceMaps ?? false,
    keyPrefix,
    failClosed: props.failClosed ?? false,
    entry: plugins.plugins.length ? undefined : props.entry ? path.resolve(props.entry) : siblingModule('../handlers/message-flow'),
    plugins,
    projectRoot: path.dirname(lockFile),
    depsLockFilePath: lockFile,
  };
}

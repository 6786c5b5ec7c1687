import type { Environment } from 'aws-cdk-lib';
import { InfraPropsError } from './infra-props-error.js';
import type { WorkMailMessageFlowProcessorProps } from './processor-props.js';

/**
 * The account used when neither context nor the CDK CLI gives one (no credentials: offline
 * synth, CI). It only keeps the template concrete and reviewable; `cdk deploy` cannot use it by
 * accident, because the CLI refuses to deploy a stack whose account differs from the
 * credentials' account.
 */
export const PLACEHOLDER_ACCOUNT = '000000000000';

/** Where the app is deployed and with what. */
export interface AppSettings {
  readonly env: Required<Pick<Environment, 'account' | 'region'>>;
  /** True when {@link PLACEHOLDER_ACCOUNT} stands in for the real account. */
  readonly placeholderAccount: boolean;
  readonly processor: WorkMailMessageFlowProcessorProps;
}

/**
 * Reads the app's settings from CDK context (`-c key=value` or cdk.json) and the CLI's environment.
 * - `organizationId` (required);
 * - `region`: default `CDK_DEFAULT_REGION` (the CLI's profile Region), else us-east-1;
 * - `account`: default `CDK_DEFAULT_ACCOUNT` (the CLI's credentials), else {@link PLACEHOLDER_ACCOUNT};
 * - `rulesFile` (default samples/rules.json), `failClosed` (`true`/`false`, default false).
 *
 * The env is always concrete: the bucket policy and IAM conditions name the account and
 * Region, and only a concrete Region can be checked against WorkMail's.
 *
 * @throws {InfraPropsError} when `organizationId` is missing or a value is malformed.
 */
export function appSettingsFromContext(context: (key: string) => unknown, processEnv: Record<string, string | undefined>): AppSettings {
  const text = (key: string): string | undefined => {
    const value = context(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new InfraPropsError(`context ${key} must be a string, not ${JSON.stringify(value)}`);
    return value.trim();
  };
  const organizationId = text('organizationId');
  if (!organizationId) {
    throw new InfraPropsError(
      'missing context organizationId: run with -c organizationId=m-<32 lower-case hex digits> (WorkMail console > Organization settings)',
    );
  }
  const region = text('region') ?? (processEnv.CDK_DEFAULT_REGION || 'us-east-1');
  const contextAccount = text('account') ?? (processEnv.CDK_DEFAULT_ACCOUNT || undefined);
  if (contextAccount !== undefined && !/^\d{12}$/.test(contextAccount)) {
    throw new InfraPropsError(`account "${contextAccount}" is not an AWS account id (12 digits)`);
  }
  const failClosedValue = context('failClosed');
  if (failClosedValue !== undefined && ![true, false, 'true', 'false'].includes(failClosedValue as string | boolean)) {
    throw new InfraPropsError(`context failClosed must be true or false, not ${JSON.stringify(failClosedValue)}`);
  }
  const rulesFile = text('rulesFile');
  return {
    env: { region, account: contextAccount ?? PLACEHOLDER_ACCOUNT },
    placeholderAccount: contextAccount === undefined,
    processor: {
      organizationId,
      ...(rulesFile ? { rulesFile } : {}),
      failClosed: failClosedValue === true || failClosedValue === 'true',
    },
  };
}

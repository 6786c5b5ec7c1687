import { Token } from 'aws-cdk-lib';
import { InfraPropsError } from './infra-props-error.js';

/**
 * Regions where Amazon WorkMail runs. The function must be in the organisation's Region
 * (WorkMail invokes only same-account, same-Region functions), so a stack anywhere else is useless.
 */
export const WORKMAIL_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'] as const;

/** A Region Amazon WorkMail runs in. */
export type WorkMailRegion = (typeof WORKMAIL_REGIONS)[number];

/**
 * Checks a stack's Region.
 *
 * @returns `'unresolved'` for an environment-agnostic stack (the Region is a deploy-time token
 *   and cannot be checked now), `'ok'` otherwise.
 * @throws {InfraPropsError} when the Region is known and WorkMail does not run there.
 */
export function checkWorkMailRegion(region: string): 'ok' | 'unresolved' {
  if (Token.isUnresolved(region)) return 'unresolved';
  if ((WORKMAIL_REGIONS as readonly string[]).includes(region)) return 'ok';
  throw new InfraPropsError(
    `Region ${region}: Amazon WorkMail runs only in ${WORKMAIL_REGIONS.join(', ')}, and the function must be in the organisation's Region; deploy with -c region=<one of those>`,
  );
}

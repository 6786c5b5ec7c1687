import { createRequire } from 'node:module';
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Not part of cdk-nag's index, but it is the exact function cdk-nag 3 uses to name IAM5
 * findings; reusing it keeps our finding ids identical to the ones it reports. The tests pin
 * the resulting ids, so a cdk-nag upgrade that changes the format fails loudly. cdk-nag is an
 * optional peer: without it nothing reports findings, and the ids fall back to the plain value.
 */
const flattenCfnReference: (value: unknown) => string = (() => {
  try {
    return (createRequire(import.meta.url)('cdk-nag/lib/utils/flatten-cfn-reference.js') as { flattenCfnReference: (value: unknown) => string })
      .flattenCfnReference;
  } catch {
    return (value: unknown) => JSON.stringify(value);
  }
})();

/** The name cdk-nag's AwsSolutionsChecks registers with CDK's policy validation. */
const AWS_SOLUTIONS_PLUGIN = 'AwsSolutions';

/**
 * Acknowledges one cdk-nag AwsSolutions finding on `scope` and everything under it
 * (cdk-nag 3: `Validations.of().acknowledge`, which replaced v2's `NagSuppressions`).
 *
 * The id is qualified with the plugin's name, so CDK matches it against the plugin's report and
 * lists the finding under `suppressedViolations` in `validation-report.json` together with the
 * reason and where it was acknowledged: an audit trail, where an unqualified id would make
 * cdk-nag drop the finding without a trace.
 *
 * @param finding a rule (`S1`) or a rule with its finding (`IAM5[Resource::…]`), without the pack prefix.
 * @param reason why the finding does not apply here: specific, for a reviewer.
 */
export function acknowledgeAwsSolutions(scope: IConstruct, finding: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${AWS_SOLUTIONS_PLUGIN}::${AWS_SOLUTIONS_PLUGIN}-${finding}`, reason });
}

/** The finding id cdk-nag's IAM5 gives a wildcard resource (`IAM5[Resource::<flattened ARN>]`). */
export function wildcardResourceFinding(scope: IConstruct, arn: string): string {
  return `IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(arn))}]`;
}

/** What {@link consoleSteps} needs to know about the deployment. */
export interface ConsoleStepsInput {
  readonly region: string;
  readonly organizationId: string;
  /** May be a CDK token: the text then becomes an `Fn::Join` resolved at deploy. */
  readonly functionArn: string;
}

/**
 * The console steps that remain after `cdk deploy`: WorkMail email flow rules have no API and
 * no CloudFormation resource, so the administrator creates the rule by hand. One line, because
 * it is shown as a stack output.
 */
export function consoleSteps({ region, organizationId, functionArn }: ConsoleStepsInput): string {
  return [
    `1. Amazon WorkMail console (Region ${region}) > organization ${organizationId} > Organization settings > Inbound rules (and/or Outbound rules) > Create rule.`,
    '2. Sender domains or addresses: * (or the senders to process); Destination domains or addresses: * (synchronous rules support only *).',
    `3. Action: Run Lambda; Lambda function: ${functionArn}; Mode: Synchronous (only a synchronous rule can change content or delivery).`,
    '4. Fallback action: what WorkMail does if the function fails (Default action delivers normally); Rule timeout: how long WorkMail retries a failed invocation (0-240 minutes, e.g. 5).',
    '5. Save, send a test message, and check the function logs and the FailedOpen alarm. To roll back, delete the rule first, then run cdk destroy.',
  ].join(' ');
}

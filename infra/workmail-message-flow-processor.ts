import path from 'node:path';
import { Annotations, CfnOutput, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { Construct } from 'constructs';
import { WmflowError } from '../lib/errors.js';
import { loadRulesFile } from '../lib/rules/index.js';

/** Regions where Amazon WorkMail runs. */
export const WORKMAIL_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'] as const;

/** Props of {@link WorkMailMessageFlowProcessor}. */
export interface WorkMailMessageFlowProcessorProps {
  /** The WorkMail organisation id: `m-` and 32 lower-case hex digits. */
  organizationId: string;
  /** The rules file bundled with the function (validated at synth time). */
  rulesFile: string;
  /** Default 512 MB. */
  memorySize?: number;
  /** Default 12 s; must stay under WorkMail's 15-second answer limit. */
  timeout?: Duration;
  /** Default one month. */
  logRetention?: logs.RetentionDays;
  /** Bundle the AWS SDK instead of using the Lambda runtime's (default false: smaller bundle). */
  bundleAwsSdk?: boolean;
  /** An existing bucket for updated messages (its policy must then be set up as infra/README.md says). */
  bucket?: s3.IBucket;
  /** Key prefix of updated messages. Default `updated/`. */
  keyPrefix?: string;
  /** Throw on internal errors so WorkMail applies the rule's fallback, instead of delivering unmodified. */
  failClosed?: boolean;
  /** The handler entry. Default `handlers/message-flow.ts`. */
  entry?: string;
}

/** A props problem, raised at synth. */
export class InfraPropsError extends WmflowError {
  constructor(message: string) {
    super('INFRA_INVALID_PROPS', message);
  }
}

const ORG_ID = /^m-[0-9a-f]{32}$/;

/**
 * Everything a WorkMail synchronous Run Lambda rule needs except the rule itself (email flow
 * rules have no API or CloudFormation resource): the function, its least-privilege role, the
 * bucket WorkMail reads updated messages from, the invoke permission, and alarms.
 */
export class WorkMailMessageFlowProcessor extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly bucket: s3.IBucket;
  readonly role: iam.Role;
  readonly failedOpenAlarm: cloudwatch.Alarm;
  readonly errorsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: WorkMailMessageFlowProcessorProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (!ORG_ID.test(props.organizationId)) {
      throw new InfraPropsError(
        `organizationId "${props.organizationId}" is not a WorkMail organisation id (m- followed by 32 lower-case hex digits; see the WorkMail console, Organization settings)`,
      );
    }
    const timeout = props.timeout ?? Duration.seconds(12);
    if (timeout.toMilliseconds() >= 15_000) {
      throw new InfraPropsError(`timeout ${timeout.toSeconds()} s: WorkMail waits at most 15 s for a synchronous rule; use less (default 12 s)`);
    }
    if (Token.isUnresolved(stack.region)) {
      Annotations.of(this).addWarningV2('wmflow:region', `the stack is environment-agnostic: deploy it in a WorkMail Region (${WORKMAIL_REGIONS.join(', ')})`);
    } else if (!(WORKMAIL_REGIONS as readonly string[]).includes(stack.region)) {
      throw new InfraPropsError(`Region ${stack.region}: Amazon WorkMail runs only in ${WORKMAIL_REGIONS.join(', ')}, and the function must be in the organisation's Region`);
    }
    // Fail at synth, not at the first message, on a bad rules file.
    const rulesFile = path.resolve(props.rulesFile);
    loadRulesFile(rulesFile);

    const keyPrefix = props.keyPrefix ?? 'updated/';
    if (!/^[a-zA-Z0-9\-/]*$/.test(keyPrefix)) throw new InfraPropsError(`keyPrefix "${keyPrefix}": WorkMail accepts only [a-zA-Z0-9-/] in keys`);
    const region = stack.region;
    const account = stack.account;
    const messageArn = `arn:${stack.partition}:workmailmessageflow:${region}:${account}:message/${props.organizationId}/*`;
    const workmail = new iam.ServicePrincipal(`workmail.${region}.amazonaws.com`);

    this.bucket =
      props.bucket ??
      new s3.Bucket(this, 'UpdatedMessages', {
        encryption: s3.BucketEncryption.S3_MANAGED,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        versioned: true,
        lifecycleRules: [{ id: 'expire-updated-messages', expiration: Duration.days(1), noncurrentVersionExpiration: Duration.days(1) }],
      });
    const readByWorkMail = new iam.PolicyStatement({
      sid: 'WorkMailReadsUpdatedMessages',
      principals: [workmail],
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [this.bucket.arnForObjects('*')],
      conditions: {
        StringEquals: { 'aws:SourceAccount': account },
        Bool: { 'aws:SecureTransport': 'true' },
        ArnLike: { 'aws:SourceArn': messageArn },
      },
    });
    if (!this.bucket.addToResourcePolicy(readByWorkMail).statementAdded) {
      Annotations.of(this).addWarningV2(
        'wmflow:bucket-policy',
        `the existing bucket's policy cannot be changed from here: add a statement letting workmail.${region}.amazonaws.com s3:GetObject and s3:GetObjectVersion on its objects (see infra/README.md)`,
      );
    }

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'wmflow: read and update in-transit WorkMail messages of one organisation',
    });
    const updatedObjects = this.bucket.arnForObjects(`${keyPrefix}*`);
    // The log group's Arn attribute already ends in ":*" (its streams): nothing wider is needed.
    this.role.addToPolicy(new iam.PolicyStatement({ sid: 'Logs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    this.role.addToPolicy(
      new iam.PolicyStatement({ sid: 'MessageFlow', actions: ['workmailmessageflow:GetRawMessageContent', 'workmailmessageflow:PutRawMessageContent'], resources: [messageArn] }),
    );
    this.role.addToPolicy(new iam.PolicyStatement({ sid: 'WriteUpdatedMessages', actions: ['s3:PutObject'], resources: [updatedObjects] }));

    const root = path.resolve(import.meta.dirname, '..');
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      description: 'wmflow: WorkMail message-flow rules (synchronous Run Lambda)',
      entry: props.entry ?? path.join(root, 'handlers/message-flow.ts'),
      handler: 'handler',
      projectRoot: root,
      depsLockFilePath: path.join(root, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout,
      role: this.role,
      logGroup,
      environment: {
        WMFLOW_BUCKET: this.bucket.bucketName,
        WMFLOW_KEY_PREFIX: keyPrefix,
        WMFLOW_RULES_FILE: 'rules.json',
        WMFLOW_FAIL_CLOSED: String(props.failClosed ?? false),
        POWERTOOLS_SERVICE_NAME: 'wmflow',
        POWERTOOLS_METRICS_NAMESPACE: 'wmflow',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        forceDockerBundling: false,
        minify: true,
        sourceMap: true,
        target: 'node22',
        format: nodejs.OutputFormat.ESM,
        mainFields: ['module', 'main'],
        // CommonJS dependencies (mailsplit, libmime…) call require() inside the ESM bundle.
        banner: "import { createRequire as __wmflowRequire } from 'module'; const require = __wmflowRequire(import.meta.url);",
        externalModules: props.bundleAwsSdk ? [] : ['@aws-sdk/*'],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_input: string, output: string) => [`cp "${rulesFile}" "${output}/rules.json"`],
        },
      },
    });

    this.function.addPermission('WorkMailInvoke', {
      principal: workmail,
      action: 'lambda:InvokeFunction',
      sourceArn: `arn:${stack.partition}:workmail:${region}:${account}:organization/${props.organizationId}`,
      sourceAccount: account,
    });

    const alarmOptions = {
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
    this.errorsAlarm = this.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }).createAlarm(this, 'ErrorsAlarm', {
      ...alarmOptions,
      alarmDescription: 'wmflow Lambda errors: WorkMail retries and then applies the rule fallback action',
    });
    this.failedOpenAlarm = new cloudwatch.Metric({ namespace: 'wmflow', metricName: 'FailedOpen', dimensionsMap: { service: 'wmflow' }, statistic: 'Sum', period: Duration.minutes(5) }).createAlarm(
      this,
      'FailedOpenAlarm',
      { ...alarmOptions, alarmDescription: 'wmflow delivered messages unmodified after an internal problem (see the function logs)' },
    );

    new CfnOutput(this, 'FunctionArn', { value: this.function.functionArn, description: 'Pick this function in the WorkMail email flow rule' });
    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName, description: 'Updated messages (expire after 1 day)' });
    new CfnOutput(this, 'ConsoleSteps', {
      description: 'What to do in the WorkMail console after deploying',
      value: [
        `1. WorkMail console (${region}) > organization ${props.organizationId} > Organization settings > Inbound rules (and/or Outbound rules) > Create rule.`,
        '2. Action: Run Lambda; Lambda function: the FunctionArn output; Mode: Synchronous (needed to change content or delivery).',
        '3. Fallback action: what to apply if the function fails (Default delivers normally); Rule timeout: how long WorkMail retries (e.g. 5 minutes).',
        '4. Sender domains or addresses: * (or the senders to process); Destination domains or addresses: * (synchronous rules support only *).',
      ].join(' '),
    });

    // cdk-nag acknowledgements, each with the reason it does not apply here. Wildcard findings
    // are acknowledged one by one, named as cdk-nag renders their resource.
    const ack = (scope: Construct, finding: string, reason: string) => Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-${finding}`, reason });
    const wildcard = (arn: string) => `IAM5[Resource::${flattenCfnReference(stack.resolve(arn))}]`;
    ack(this.role, wildcard(messageArn), "Message ids are only known at run time; the wildcard covers only this organisation's in-transit messages.");
    ack(this.role, wildcard(updatedObjects), 'Object keys are derived from each invocation id at run time; the wildcard covers only the updated-messages prefix.');
    ack(this.function, 'L1', 'Node.js 22 is the runtime wmflow is built and tested for; move to a newer one with a tested release.');
    if (!props.bucket) {
      ack(this.bucket, 'S1', 'Objects are transient copies WorkMail reads within seconds and expire after 1 day; use CloudTrail data events if access auditing is required.');
    }
  }
}

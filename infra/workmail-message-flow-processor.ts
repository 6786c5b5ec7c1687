import path from 'node:path';
import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { consoleSteps } from './console-steps.js';
import { InfraPropsError } from './infra-props-error.js';
import { acknowledgeAwsSolutions, wildcardResourceFinding } from './nag-acknowledgements.js';
import { onDemandPackages } from './on-demand-packages.js';
import { resolveProcessorProps, siblingModule, type WorkMailMessageFlowProcessorProps } from './processor-props.js';
import { writePluginEntry } from './rules-plugins.js';
import { checkWorkMailRegion, WORKMAIL_REGIONS } from './workmail-regions.js';

export type { WorkMailMessageFlowProcessorProps } from './processor-props.js';

/** Powertools service name and EMF namespace: the handler reads them, the alarm matches them. */
const SERVICE = 'wmflow';
/** Where the rules file lands in the bundle, relative to the function's code root (LAMBDA_TASK_ROOT). */
const BUNDLED_RULES_FILE = 'rules.json';
/** Where generated Lambda entries go, under the bundling root (esbuild bundles only files under it). */
const GENERATED_DIR = '.wmflow';

/**
 * Everything a WorkMail synchronous Run Lambda email flow rule needs except the rule itself
 * (email flow rules have no API and no CloudFormation resource; the `ConsoleSteps` output says
 * what to do): the function, its least-privilege role and log group, the invoke permission for
 * the organisation, the bucket WorkMail reads updated messages from, and alarms.
 */
export class WorkMailMessageFlowProcessor extends Construct {
  /** The message-flow function; give its ARN to the email flow rule. */
  readonly function: nodejs.NodejsFunction;
  /** Updated messages, read by WorkMail after `PutRawMessageContent`. */
  readonly bucket: s3.IBucket;
  /** The function's role: message flow of this organisation, `s3:PutObject` under the prefix, its logs. */
  readonly role: iam.Role;
  /** The function's log group. */
  readonly logGroup: logs.LogGroup;
  /** Lambda `Errors` ≥ 1 in 5 minutes: WorkMail retried and may have applied the fallback action. */
  readonly errorsAlarm: cloudwatch.Alarm;
  /** `FailedOpen` ≥ 1 in 5 minutes: messages were delivered unmodified after an internal problem. */
  readonly failedOpenAlarm: cloudwatch.Alarm;

  /**
   * @throws {InfraPropsError} on an invalid prop or a Region WorkMail does not run in.
   * @throws {ConfigError} on an invalid rules file.
   */
  constructor(scope: Construct, id: string, props: WorkMailMessageFlowProcessorProps) {
    super(scope, id);
    const settings = resolveProcessorProps(props);
    const stack = Stack.of(this);
    const { region, account, partition } = stack;
    if (checkWorkMailRegion(region) === 'unresolved') {
      Annotations.of(this).addWarningV2(
        'wmflow:env-agnostic',
        `the stack is environment-agnostic, so its Region cannot be checked: deploy it only in the WorkMail organisation's Region (${WORKMAIL_REGIONS.join(', ')})`,
      );
    }
    const orgId = settings.organizationId;
    // In-transit messages of this organisation only (…:message/<org-id>/<incoming|outgoing>/<id>).
    const messageArn = `arn:${partition}:workmailmessageflow:${region}:${account}:message/${orgId}/*`;
    const workmail = new iam.ServicePrincipal(`workmail.${region}.amazonaws.com`);

    this.bucket = props.bucket ?? this.createBucket();
    if (props.bucket) this.checkExistingBucket(props.bucket, region, account);
    const policyResult = this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'WorkMailReadsUpdatedMessages',
        principals: [workmail],
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [this.bucket.arnForObjects('*')],
        // Only WorkMail acting for this account's organisation, and only over TLS: the
        // confused-deputy guard the WorkMail guide prescribes.
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          Bool: { 'aws:SecureTransport': 'true' },
          ArnLike: { 'aws:SourceArn': messageArn },
        },
      }),
    );
    if (!policyResult.statementAdded) {
      Annotations.of(this).addWarningV2(
        'wmflow:bucket-policy',
        `the existing bucket ${this.bucket.bucketName}'s policy cannot be changed from here: add a statement letting workmail.${region}.amazonaws.com s3:GetObject and s3:GetObjectVersion on its objects, with the aws:SourceAccount, aws:SecureTransport and aws:SourceArn conditions in infra/README.md; without it PutRawMessageContent fails with InvalidContentLocation`,
      );
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: settings.logRetention });
    // An explicit role instead of the default one: the default adds the AWSLambdaBasicExecutionRole
    // managed policy (logs:* on every log group), wider than this function's own log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `wmflow: read and update in-transit messages of WorkMail organisation ${orgId}`,
    });
    const updatedObjects = this.bucket.arnForObjects(`${settings.keyPrefix}*`);
    // The log group's Arn attribute already ends in ":*" (its streams); the group exists, so no CreateLogGroup.
    this.role.addToPolicy(
      new iam.PolicyStatement({ sid: 'Logs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'MessageFlow',
        actions: ['workmailmessageflow:GetRawMessageContent', 'workmailmessageflow:PutRawMessageContent'],
        resources: [messageArn],
      }),
    );
    this.role.addToPolicy(new iam.PolicyStatement({ sid: 'WriteUpdatedMessages', actions: ['s3:PutObject'], resources: [updatedObjects] }));

    if (settings.plugins.deferred) {
      Annotations.of(this).addWarningV2(
        'wmflow:plugins-unchecked',
        `the rules' plugin options are validated at cold start, not at synth: ${settings.plugins.deferred}`,
      );
    }
    // With plugins, an entry that imports them statically: esbuild bundles them (TypeScript too).
    const entry = settings.entry ?? writePluginEntry(settings.plugins.plugins, siblingModule('../lib/lambda'), path.join(settings.projectRoot, GENERATED_DIR));

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      description: `wmflow: WorkMail message-flow rules for organisation ${orgId} (synchronous Run Lambda)`,
      entry,
      handler: 'handler',
      projectRoot: settings.projectRoot,
      depsLockFilePath: settings.depsLockFilePath,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: settings.memorySize,
      timeout: settings.timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        WMFLOW_BUCKET: this.bucket.bucketName,
        WMFLOW_KEY_PREFIX: settings.keyPrefix,
        // Relative: the handler resolves it against LAMBDA_TASK_ROOT (/var/task on Lambda), so
        // the same value works for the bundle run locally.
        WMFLOW_RULES_FILE: BUNDLED_RULES_FILE,
        WMFLOW_FAIL_CLOSED: String(settings.failClosed),
        POWERTOOLS_SERVICE_NAME: SERVICE,
        POWERTOOLS_METRICS_NAMESPACE: SERVICE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...(settings.sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
      },
      bundling: {
        // The installed esbuild, never Docker: synth must work offline and on machines without Docker.
        forceDockerBundling: false,
        minify: true,
        sourceMap: settings.sourceMaps,
        target: 'node22',
        format: nodejs.OutputFormat.ESM,
        mainFields: ['module', 'main'],
        // CommonJS code inside the ESM bundle calls require() (for Node built-ins).
        banner: "import { createRequire as __wmflowCreateRequire } from 'node:module'; const require = __wmflowCreateRequire(import.meta.url);",
        // Bundled by default: tree-shaken to the two clients, it starts faster than the runtime's SDK (bench/cold-start.ts).
        externalModules: settings.bundleAwsSdk ? [] : ['@aws-sdk/*'],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_input: string, output: string) => [
            `cp "${settings.rulesFile}" "${output}/${BUNDLED_RULES_FILE}"`,
            // Charset tables, RE2 and file-type load on demand (lib/on-demand.ts), outside the bundle.
            ...onDemandPackages(path.dirname(siblingModule('../lib/on-demand'))).flatMap(({ name, dir }) => [
              `mkdir -p "${path.posix.dirname(`${output}/node_modules/${name}`)}"`,
              `cp -R "${dir}" "${output}/node_modules/${name}"`,
            ]),
          ],
        },
      },
    });

    this.function.addPermission('WorkMailInvoke', {
      principal: workmail,
      action: 'lambda:InvokeFunction',
      sourceArn: `arn:${partition}:workmail:${region}:${account}:organization/${orgId}`,
      sourceAccount: account,
    });

    const alarmOptions = {
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
    this.errorsAlarm = this.function.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }).createAlarm(this, 'ErrorsAlarm', {
      ...alarmOptions,
      alarmDescription: 'wmflow function errors: WorkMail retries the invocation until the rule timeout, then applies the rule fallback action',
    });
    this.failedOpenAlarm = new cloudwatch.Metric({
      namespace: SERVICE,
      metricName: 'FailedOpen',
      dimensionsMap: { service: SERVICE },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
    }).createAlarm(this, 'FailedOpenAlarm', {
      ...alarmOptions,
      alarmDescription: 'wmflow delivered messages unmodified after an internal problem (see the function logs for the reason)',
    });

    new CfnOutput(this, 'FunctionArn', { value: this.function.functionArn, description: 'The function to pick in the WorkMail email flow rule' });
    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName, description: 'Updated messages WorkMail reads (objects expire after 1 day)' });
    new CfnOutput(this, 'ConsoleSteps', {
      description: 'What remains after deploying: email flow rules have no API',
      value: consoleSteps({ region, organizationId: orgId, functionArn: this.function.functionArn }),
    });

    // cdk-nag findings that do not apply, each with the reason. Wildcard findings are
    // acknowledged one by one (as cdk-nag names them), so any other wildcard still fails synth.
    acknowledgeAwsSolutions(
      this.role,
      wildcardResourceFinding(this, messageArn),
      "Message ids are known only at run time; the wildcard is limited to this organisation's in-transit messages in this account and Region.",
    );
    acknowledgeAwsSolutions(
      this.role,
      wildcardResourceFinding(this, updatedObjects),
      'Object keys are derived from each invocation id at run time; the wildcard is limited to the updated-messages prefix of this one bucket, and only s3:PutObject.',
    );
    acknowledgeAwsSolutions(
      this.function,
      'L1',
      'Pinned to Node.js 22, the runtime wmflow is built (esbuild target node22) and tested for; move to a newer runtime with a tested release, not implicitly.',
    );
  }

  /** The bucket for updated messages: private, TLS only, and nothing kept beyond a day. */
  private createBucket(): s3.Bucket {
    const bucket = new s3.Bucket(this, 'UpdatedMessages', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      // Versioned so PutRawMessageContent can name the exact version the function wrote.
      versioned: true,
      lifecycleRules: [
        {
          id: 'expire-updated-messages',
          // WorkMail reads the object within the invocation; a day covers retries and debugging.
          expiration: Duration.days(1),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // Retained on `cdk destroy`: CloudFormation cannot delete a non-empty bucket, and emptying
      // it would need a custom resource with delete rights on it. Its objects expire within a
      // day; delete the bucket by hand afterwards (infra/README.md).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeAwsSolutions(
      bucket,
      'S1',
      'Objects are transient copies of messages that WorkMail reads within seconds and that expire after 1 day; writing access logs to a second bucket would keep message metadata longer than the messages. Use CloudTrail S3 data events if access auditing is required.',
    );
    return bucket;
  }

  /** WorkMail reads updated content only from a bucket in its own account and Region. */
  private checkExistingBucket(bucket: s3.IBucket, region: string, account: string): void {
    const { region: bucketRegion, account: bucketAccount } = bucket.env;
    if (!Token.isUnresolved(bucketRegion) && !Token.isUnresolved(region) && bucketRegion !== region) {
      throw new InfraPropsError(
        `bucket ${bucket.bucketName} is in ${bucketRegion}, but WorkMail reads updated messages only from a bucket in its own Region (${region})`,
      );
    }
    if (!Token.isUnresolved(bucketAccount) && !Token.isUnresolved(account) && bucketAccount !== account) {
      throw new InfraPropsError(
        `bucket ${bucket.bucketName} belongs to account ${bucketAccount}, but WorkMail reads updated messages only from a bucket in its own account (${account})`,
      );
    }
  }
}

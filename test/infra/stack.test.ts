import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { WorkMailMessageFlowProcessor } from '../../infra/workmail-message-flow-processor.js';
import { WmflowStack } from '../../infra/wmflow-stack.js';

const ORG = 'm-0123456789abcdef0123456789abcdef';
const RULES = path.resolve(import.meta.dirname, '../../samples/rules.json');
const env = { region: 'eu-west-1', account: '123456789012' };

function synth(props: Partial<ConstructorParameters<typeof WmflowStack>[2]['processor']> = {}, stackEnv: typeof env | undefined = env) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': ['**'] } });
  const stack = new WmflowStack(app, 'Test', { ...(stackEnv ? { env: stackEnv } : {}), processor: { organizationId: ORG, rulesFile: RULES, ...props } });
  return { app, stack, template: Template.fromStack(stack) };
}

let main: ReturnType<typeof synth>;
beforeAll(() => {
  main = synth();
});

describe('bucket for updated messages', () => {
  it('is encrypted, private, TLS-only, versioned and expires everything after a day', () => {
    main.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 1, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, Status: 'Enabled' })] },
    });
  });

  it('lets only WorkMail read, from this account and organisation, over TLS; denies plain HTTP', () => {
    main.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          {
            Sid: 'WorkMailReadsUpdatedMessages',
            Effect: 'Allow',
            Principal: { Service: 'workmail.eu-west-1.amazonaws.com' },
            Action: ['s3:GetObject', 's3:GetObjectVersion'],
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('UpdatedMessages'), 'Arn'] }, '/*']] },
            Condition: {
              StringEquals: { 'aws:SourceAccount': '123456789012' },
              Bool: { 'aws:SecureTransport': 'true' },
              ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:workmailmessageflow:eu-west-1:123456789012:message/${ORG}/*`]] } },
            },
          },
        ]),
      },
    });
  });
});

describe('the function', () => {
  it('runs Node.js 22 on ARM64 within WorkMail’s limit, wired to the handler’s settings', () => {
    main.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 12,
      Handler: 'index.handler',
      Environment: {
        Variables: {
          WMFLOW_BUCKET: { Ref: Match.stringLikeRegexp('UpdatedMessages') },
          WMFLOW_KEY_PREFIX: 'updated/',
          WMFLOW_RULES_FILE: 'rules.json',
          WMFLOW_FAIL_CLOSED: 'false',
          POWERTOOLS_SERVICE_NAME: 'wmflow',
          POWERTOOLS_METRICS_NAMESPACE: 'wmflow',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
    main.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('may be invoked only by WorkMail for this organisation and account', () => {
    main.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'workmail.eu-west-1.amazonaws.com',
      SourceAccount: '123456789012',
      SourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:workmail:eu-west-1:123456789012:organization/${ORG}`]] },
    });
  });

  it('has exactly the permissions it needs and no wildcard beyond its own resources', () => {
    const policies = main.template.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } } }).Properties.PolicyDocument.Statement);
    expect(statements.map((s) => s.Action)).toEqual([
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      ['workmailmessageflow:GetRawMessageContent', 'workmailmessageflow:PutRawMessageContent'],
      's3:PutObject',
    ]);
    expect(statements[1]!.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:workmailmessageflow:eu-west-1:123456789012:message/${ORG}/*`]] });
    expect(statements[2]!.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/UpdatedMessages/), 'Arn'] }, '/updated/*']] });
    expect(JSON.stringify(statements)).not.toMatch(/"Resource":"\*"/);
    expect(main.template.findResources('AWS::IAM::Role', { Properties: { ManagedPolicyArns: Match.anyValue() } })).toEqual({});
  });

  it('bundles the rules file beside the handler', () => {
    const out = main.app.synth().directory;
    const assets = readdirSync(out).filter((d) => d.startsWith('asset.'));
    expect(assets.some((a) => existsSync(path.join(out, a, 'rules.json')) && existsSync(path.join(out, a, 'index.mjs')))).toBe(true);
  });
});

describe('alarms and outputs', () => {
  it('alarms on Lambda errors and on failed-open messages', () => {
    main.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda', Threshold: 1 });
    main.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'FailedOpen',
      Namespace: 'wmflow',
      Dimensions: [{ Name: 'service', Value: 'wmflow' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('outputs the function ARN, the bucket, and the console steps', () => {
    const outputs = main.template.findOutputs('*');
    const names = Object.keys(outputs).join(' ');
    expect(names).toMatch(/FunctionArn/);
    expect(names).toMatch(/BucketName/);
    const steps = Object.entries(outputs).find(([k]) => k.includes('ConsoleSteps'))![1] as { Value: string };
    expect(steps.Value).toMatch(/Run Lambda.*Synchronous.*Fallback action.*Rule timeout/);
  });
});

describe('props and environment checks', () => {
  it('validates the organisation id, the timeout and the Region', () => {
    expect(() => synth({ organizationId: 'm-123' })).toThrow(/organizationId "m-123" is not a WorkMail organisation id/);
    expect(() => synth({ timeout: Duration.seconds(15) })).toThrow(/WorkMail waits at most 15 s/);
    expect(() => synth({}, { region: 'ap-south-1', account: '123456789012' })).toThrow(/Region ap-south-1: Amazon WorkMail runs only in us-east-1, us-west-2, eu-west-1/);
    expect(() => synth({ rulesFile: path.resolve(import.meta.dirname, '../../package.json') })).toThrow(/invalid .*package.json/);
  });

  it('warns on an environment-agnostic stack', () => {
    const app = new App();
    const stack = new WmflowStack(app, 'Agnostic', { processor: { organizationId: ORG, rulesFile: RULES } });
    const messages = app.synth().getStackByName(stack.stackName).messages;
    expect(messages.some((m) => m.level === 'warning' && /environment-agnostic/.test(String(m.entry.data)))).toBe(true);
  });

  it('uses an existing bucket, and says its policy must be set by hand', () => {
    const app = new App();
    const stack = new Stack(app, 'Existing', { env });
    const bucket = s3.Bucket.fromBucketName(stack, 'Existing', 'my-existing-bucket');
    new WorkMailMessageFlowProcessor(stack, 'P', { organizationId: ORG, rulesFile: RULES, bucket });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ WMFLOW_BUCKET: 'my-existing-bucket' }) } });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('existing bucket'));
  });
});

describe('cdk-nag AWS Solutions checks', () => {
  it('pass on the stack: every finding is fixed or acknowledged with a reason', () => {
    const app = new App();
    const stack = new WmflowStack(app, 'Nag', { env, processor: { organizationId: ORG, rulesFile: RULES } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
    // Without the plugin's acknowledgements the same checks do find the wildcards and the rest.
    const raw = new AwsSolutionsChecks().validateScope(stack);
    expect(raw.violations.map((v) => v.ruleName).sort()).toEqual([
      'AwsSolutions-IAM5[Resource::<ProcessorUpdatedMessages618A81A8.Arn>/updated/*]',
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:workmailmessageflow:eu-west-1:123456789012:message/${ORG}/*]`,
      'AwsSolutions-L1',
      'AwsSolutions-S1',
    ]);
  });

  it('fail the app synth when a finding is not acknowledged', () => {
    const app = new App();
    const stack = new Stack(app, 'Bad', { env });
    new s3.Bucket(stack, 'Naked');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow();
  });
});

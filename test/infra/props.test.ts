import path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { WmflowError } from '../../lib/errors.js';
import { InfraPropsError } from '../../infra/infra-props-error.js';
import { PROJECT_ROOT, resolveProcessorProps, type WorkMailMessageFlowProcessorProps } from '../../infra/processor-props.js';
import { WmflowStack } from '../../infra/wmflow-stack.js';
import { WorkMailMessageFlowProcessor } from '../../infra/workmail-message-flow-processor.js';
import { ACCOUNT, ENV, NO_BUNDLING, ORG, REGION, removeTempDirs, writeRulesFile } from './fixtures.js';

const rulesFile = writeRulesFile();
afterAll(removeTempDirs);

/** Builds the stack without bundling (these tests look at errors and the template only). */
function build(props: Partial<WorkMailMessageFlowProcessorProps> = {}, env: { region?: string; account?: string } | null = ENV) {
  const app = new App({ context: NO_BUNDLING });
  return new WmflowStack(app, 'Test', { ...(env ? { env } : {}), processor: { organizationId: ORG, rulesFile, ...props } });
}

/** The error `fn` throws (fails the test if it does not throw). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('organisation id', () => {
  it.each([
    ['too short', 'm-123'],
    ['upper-case hex', 'm-0123456789ABCDEF0123456789ABCDEF'],
    ['no m- prefix', '0123456789abcdef0123456789abcdef'],
    ['not hex', 'm-0123456789abcdef0123456789abcdeg'],
    ['33 digits', 'm-0123456789abcdef0123456789abcdef0'],
    ['surrounding space', ` ${ORG}`],
    ['empty', ''],
  ])('is rejected when %s, with a typed error naming the value and the format', (_label, organizationId) => {
    const err = thrown(() => build({ organizationId }));
    expect(err).toBeInstanceOf(InfraPropsError);
    expect(err).toBeInstanceOf(WmflowError);
    expect((err as InfraPropsError).code).toBe('INFRA_INVALID_PROPS');
    expect((err as Error).message).toBe(
      `organizationId "${organizationId}" is not a WorkMail organisation id: expected m- followed by 32 lower-case hex digits (WorkMail console > Organization settings)`,
    );
  });
});

describe('timeout, memory and key prefix', () => {
  it('rejects a timeout of 15 s or more (WorkMail’s answer limit) and accepts just under it', () => {
    for (const timeout of [Duration.seconds(15), Duration.millis(15_000), Duration.seconds(30), Duration.minutes(1)]) {
      expect(() => build({ timeout })).toThrow(InfraPropsError);
    }
    expect(() => build({ timeout: Duration.seconds(15) })).toThrow(
      /timeout 15 seconds: WorkMail waits at most 15 s for a synchronous rule .* use less than 15 s/,
    );
    expect(() => build({ timeout: Duration.seconds(14) })).not.toThrow();
  });

  it('rejects memory Lambda does not offer', () => {
    for (const memorySize of [64, 127, 10_241, 512.5])
      expect(() => build({ memorySize })).toThrow(/memorySize .*: Lambda accepts whole megabytes from 128 to 10240/);
  });

  it('rejects a key prefix WorkMail cannot read (only letters, digits, - and /)', () => {
    for (const keyPrefix of ['updated_', 'updated.v1/', 'a b/', 'é/'])
      expect(() => build({ keyPrefix })).toThrow(/keyPrefix .*: WorkMail accepts only letters, digits/);
    expect(() => build({ keyPrefix: 'wm-flow/Updated-2/' })).not.toThrow();
  });
});

describe('rules file', () => {
  it('defaults to samples/rules.json in the repository, whatever the working directory', () => {
    expect(resolveProcessorProps({ organizationId: ORG }).rulesFile).toBe(path.join(PROJECT_ROOT, 'samples/rules.json'));
  });

  it('resolves a relative path against the working directory (where the CDK CLI runs the app)', () => {
    const relative = path.relative(process.cwd(), rulesFile);
    expect(resolveProcessorProps({ organizationId: ORG, rulesFile: relative }).rulesFile).toBe(rulesFile);
  });

  it('must exist', () => {
    const missing = path.join(path.dirname(rulesFile), 'nope.json');
    expect(() => build({ rulesFile: missing })).toThrow(
      new InfraPropsError(`rules file ${missing} does not exist: write one (see samples/rules.json) and pass it as rulesFile (app: -c rulesFile=<path>)`),
    );
  });

  it('is validated at synth, with every problem named', () => {
    const bad = writeRulesFile({ orgDomains: ['example.com'], rules: [{ type: 'subject-tag', name: 'x' }] });
    const err = thrown(() => build({ rulesFile: bad }));
    expect((err as WmflowError).code).toBe('CONFIG_INVALID');
    expect((err as Error).message).toContain(bad);
    expect(() => build({ rulesFile: writeRulesFile('{ not json') })).toThrow(/invalid .*rules\.json/);
  });
});

describe('Region', () => {
  it.each(['ap-south-1', 'us-east-2', 'eu-central-1'])('refuses %s, where WorkMail does not run', (region) => {
    const err = thrown(() => build({}, { region, account: ACCOUNT }));
    expect(err).toBeInstanceOf(InfraPropsError);
    expect((err as Error).message).toMatch(new RegExp(`^Region ${region}: Amazon WorkMail runs only in us-east-1, us-west-2, eu-west-1`));
  });

  it.each(['us-east-1', 'us-west-2', 'eu-west-1'])('accepts %s', (region) => {
    expect(() => build({}, { region, account: ACCOUNT })).not.toThrow();
  });

  it('warns on an environment-agnostic stack (the Region cannot be checked) and still builds', () => {
    const stack = build({}, null);
    Annotations.fromStack(stack).hasWarning(
      '/Test/Processor',
      Match.stringLikeRegexp("environment-agnostic.*WorkMail organisation's Region \\(us-east-1, us-west-2, eu-west-1\\)"),
    );
    // The Region and account then come from the deployment.
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Permission', {
      Principal: { 'Fn::Join': ['', ['workmail.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it('gives no warning when the Region is known', () => {
    expect(Annotations.fromStack(build()).findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('existing bucket', () => {
  it('is used instead of a new one: environment, write permission and output', () => {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Existing', { env: ENV });
    const bucket = s3.Bucket.fromBucketName(stack, 'Mine', 'my-existing-bucket');
    const processor = new WorkMailMessageFlowProcessor(stack, 'P', { organizationId: ORG, rulesFile, bucket });
    expect(processor.bucket).toBe(bucket);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.resourceCountIs('AWS::S3::BucketPolicy', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ WMFLOW_BUCKET: 'my-existing-bucket' }) } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::my-existing-bucket/updated/*']] },
          }),
        ]),
      },
    });
    expect(Object.values(template.findOutputs('*')).map((o) => o.Value)).toContain('my-existing-bucket');
  });

  it('imported: warns that its policy must be set by hand', () => {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Existing', { env: ENV });
    new WorkMailMessageFlowProcessor(stack, 'P', { organizationId: ORG, rulesFile, bucket: s3.Bucket.fromBucketName(stack, 'Mine', 'my-existing-bucket') });
    Annotations.fromStack(stack).hasWarning(
      '/Existing/P',
      Match.stringLikeRegexp(
        `existing bucket my-existing-bucket's policy cannot be changed from here: add a statement letting workmail.${REGION}.amazonaws.com`,
      ),
    );
  });

  it('owned by the app: gets the WorkMail read statement, and no warning', () => {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Existing', { env: ENV });
    const bucket = new s3.Bucket(stack, 'Mine', { enforceSSL: true });
    new WorkMailMessageFlowProcessor(stack, 'P', { organizationId: ORG, rulesFile, bucket });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Sid: 'WorkMailReadsUpdatedMessages', Principal: { Service: `workmail.${REGION}.amazonaws.com` } })]),
      },
    });
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('must be in the stack’s Region and account (WorkMail reads only from those)', () => {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Existing', { env: ENV });
    const elsewhere = s3.Bucket.fromBucketAttributes(stack, 'Elsewhere', { bucketName: 'bucket-one', region: 'us-east-1' });
    expect(() => new WorkMailMessageFlowProcessor(stack, 'P1', { organizationId: ORG, rulesFile, bucket: elsewhere })).toThrow(
      new InfraPropsError(`bucket bucket-one is in us-east-1, but WorkMail reads updated messages only from a bucket in its own Region (${REGION})`),
    );
    const otherAccount = s3.Bucket.fromBucketAttributes(stack, 'OtherAccount', { bucketName: 'bucket-two', account: '999999999999' });
    expect(() => new WorkMailMessageFlowProcessor(stack, 'P2', { organizationId: ORG, rulesFile, bucket: otherAccount })).toThrow(
      /bucket bucket-two belongs to account 999999999999/,
    );
  });
});

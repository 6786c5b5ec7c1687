import { describe, expect, it } from 'vitest';
import { appSettingsFromContext, PLACEHOLDER_ACCOUNT } from '../../infra/app-settings.js';
import { InfraPropsError } from '../../infra/infra-props-error.js';
import { ORG } from './fixtures.js';

const settings = (context: Record<string, unknown>, env: Record<string, string | undefined> = {}) => appSettingsFromContext((key) => context[key], env);

describe('app settings from CDK context', () => {
  it('require organizationId, with a typed error saying how to pass it', () => {
    for (const context of [{}, { organizationId: '' }]) {
      expect(() => settings(context)).toThrow(InfraPropsError);
      expect(() => settings(context)).toThrow(/missing context organizationId: run with -c organizationId=m-<32 lower-case hex digits>/);
    }
  });

  it('default offline to us-east-1 and the placeholder account, and say so', () => {
    expect(settings({ organizationId: ORG })).toEqual({
      env: { region: 'us-east-1', account: PLACEHOLDER_ACCOUNT },
      placeholderAccount: true,
      processor: { organizationId: ORG, failClosed: false },
    });
  });

  it('take the CLI’s account and Region (CDK_DEFAULT_*) when it has credentials', () => {
    const s = settings({ organizationId: ORG }, { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'us-west-2' });
    expect(s.env).toEqual({ region: 'us-west-2', account: '123456789012' });
    expect(s.placeholderAccount).toBe(false);
  });

  it('let -c region / -c account win over the CLI’s environment', () => {
    const s = settings(
      { organizationId: ORG, region: 'eu-west-1', account: '210987654321' },
      { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'us-west-2' },
    );
    expect(s.env).toEqual({ region: 'eu-west-1', account: '210987654321' });
  });

  it('pass rulesFile and failClosed (string from -c, boolean from cdk.json)', () => {
    expect(settings({ organizationId: ORG, rulesFile: 'my/rules.json', failClosed: 'true' }).processor).toEqual({
      organizationId: ORG,
      rulesFile: 'my/rules.json',
      failClosed: true,
    });
    expect(settings({ organizationId: ORG, failClosed: true }).processor.failClosed).toBe(true);
    expect(settings({ organizationId: ORG, failClosed: 'false' }).processor.failClosed).toBe(false);
  });

  it('reject malformed values', () => {
    expect(() => settings({ organizationId: ORG, account: '1234' })).toThrow(/account "1234" is not an AWS account id/);
    expect(() => settings({ organizationId: ORG, failClosed: 'yes' })).toThrow(/context failClosed must be true or false, not "yes"/);
    expect(() => settings({ organizationId: 42 })).toThrow(/context organizationId must be a string/);
  });
});

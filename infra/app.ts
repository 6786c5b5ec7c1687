/**
 * The CDK app (cdk.json: `npx tsx infra/app.ts`).
 *
 *   npx cdk synth  -c organizationId=m-…                 # offline: no credentials, no network
 *   npx cdk deploy -c organizationId=m-… -c region=eu-west-1
 *
 * Context: see {@link appSettingsFromContext} (without credentials the account is a placeholder,
 * which keeps offline synth possible and cannot be deployed by accident). cdk-nag's AWS
 * Solutions checks run on every synth; an unacknowledged finding fails it.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { WmflowError } from '../lib/errors.js';
import { appSettingsFromContext } from './app-settings.js';
import { WmflowStack } from './wmflow-stack.js';

try {
  const app = new App();
  const settings = appSettingsFromContext((key) => app.node.tryGetContext(key), process.env);
  new WmflowStack(app, 'Wmflow', {
    env: settings.env,
    description: 'wmflow: Amazon WorkMail message-flow rules (synchronous Run Lambda)',
    processor: settings.processor,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
} catch (err) {
  // A settings problem is the administrator's to fix: say what, without a stack trace.
  if (!(err instanceof WmflowError)) throw err;
  console.error(`wmflow: ${err.message} [${err.code}]`);
  process.exitCode = 1;
}

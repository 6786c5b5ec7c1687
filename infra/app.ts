/**
 * The CDK app: `npx cdk synth -c organizationId=m-…` (or `npm run synth`), `npx cdk deploy -c organizationId=m-…`.
 * Context: organizationId (required), region (default CDK_DEFAULT_REGION, else us-east-1),
 * account (default CDK_DEFAULT_ACCOUNT; offline synth uses a placeholder), rulesFile
 * (default samples/rules.json), failClosed.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { WmflowError } from '../lib/errors.js';
import { WmflowStack } from './wmflow-stack.js';

const app = new App();
const organizationId = app.node.tryGetContext('organizationId') as string | undefined;
if (!organizationId) {
  throw new WmflowError('INFRA_INVALID_PROPS', 'missing context organizationId: run with -c organizationId=m-<32 hex digits> (WorkMail console > Organization settings)');
}
const region = (app.node.tryGetContext('region') as string | undefined) ?? process.env.CDK_DEFAULT_REGION ?? 'us-east-1';
// Synthesis needs a concrete account for the ARNs in conditions; without credentials (offline
// synth, CI) a placeholder keeps the template reviewable. `cdk deploy` supplies the real one.
const account = (app.node.tryGetContext('account') as string | undefined) ?? process.env.CDK_DEFAULT_ACCOUNT ?? '111111111111';

new WmflowStack(app, 'Wmflow', {
  env: { region, account },
  description: 'wmflow: Amazon WorkMail message-flow rules',
  processor: {
    organizationId,
    rulesFile: (app.node.tryGetContext('rulesFile') as string | undefined) ?? 'samples/rules.json',
    failClosed: app.node.tryGetContext('failClosed') === 'true',
  },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();

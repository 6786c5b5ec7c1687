/**
 * A CDK app using wmflow's construct: the function bundles rules.json and its TypeScript plugin.
 *   npm run synth        # offline, placeholder organisation and account
 */
import { App, Stack } from 'aws-cdk-lib';
import { WorkMailMessageFlowProcessor } from 'wmflow/cdk';

const app = new App();
const stack = new Stack(app, 'MailRules', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT ?? '000000000000', region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' },
});
const organizationId = String(app.node.tryGetContext('organizationId') ?? '');
new WorkMailMessageFlowProcessor(stack, 'Processor', { organizationId, rulesFile: 'rules.json' });
app.synth();

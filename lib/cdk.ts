/**
 * `wmflow/cdk`: the CDK construct that deploys a WorkMail message-flow Lambda (needs the peer
 * dependencies `aws-cdk-lib` and `constructs`, and `esbuild` for bundling). See infra/README.md.
 */
export { WorkMailMessageFlowProcessor, type WorkMailMessageFlowProcessorProps } from '../infra/workmail-message-flow-processor.js';
export { WmflowStack, type WmflowStackProps } from '../infra/wmflow-stack.js';
export { InfraPropsError } from '../infra/infra-props-error.js';
export { WORKMAIL_REGIONS } from '../infra/workmail-regions.js';

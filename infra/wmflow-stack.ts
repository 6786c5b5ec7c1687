import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { WorkMailMessageFlowProcessor, type WorkMailMessageFlowProcessorProps } from './workmail-message-flow-processor.js';

/** Props of {@link WmflowStack}. */
export interface WmflowStackProps extends StackProps {
  /** The processor's props (organisation id, rules file, sizing…). */
  readonly processor: WorkMailMessageFlowProcessorProps;
}

/**
 * The ready-made stack: one {@link WorkMailMessageFlowProcessor}. Deploy it in the WorkMail
 * organisation's account and Region (give `env`: an environment-agnostic stack cannot be checked).
 */
export class WmflowStack extends Stack {
  readonly processor: WorkMailMessageFlowProcessor;

  constructor(scope: Construct, id: string, props: WmflowStackProps) {
    super(scope, id, props);
    this.processor = new WorkMailMessageFlowProcessor(this, 'Processor', props.processor);
  }
}

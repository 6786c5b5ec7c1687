import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { WorkMailMessageFlowProcessor, type WorkMailMessageFlowProcessorProps } from './workmail-message-flow-processor.js';

/** The ready-made stack: one {@link WorkMailMessageFlowProcessor}. */
export class WmflowStack extends Stack {
  readonly processor: WorkMailMessageFlowProcessor;

  constructor(scope: Construct, id: string, props: StackProps & { processor: WorkMailMessageFlowProcessorProps }) {
    super(scope, id, props);
    this.processor = new WorkMailMessageFlowProcessor(this, 'Processor', props.processor);
  }
}

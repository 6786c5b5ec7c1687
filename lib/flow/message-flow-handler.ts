import { createAwsPorts, type AwsOptions } from '../aws/clients.js';
import type { MessageFlowResponse } from '../workmail/response.js';
import type { FlowObserver } from './observer.js';
import { processEvent, type PipelineOutcome } from './pipeline.js';
import type { FlowSettings } from './settings.js';

/** The Lambda context fields the pipeline uses. */
export interface InvocationContext {
  getRemainingTimeInMillis?(): number;
  awsRequestId?: string;
}

/** A message-flow handler and the outcome of its last invocation. */
export interface MessageFlowHandler {
  (event: unknown, context?: InvocationContext): Promise<MessageFlowResponse>;
  /** The full outcome of each invocation (reports, status), for the CLI and tests. */
  onOutcome?: (outcome: PipelineOutcome) => void;
  destroy(): void;
}

/**
 * Wires settings, the AWS SDK clients and an observer into a handler. The Lambda entry point
 * and the local replay both use it, so what runs locally is what runs in Lambda.
 */
export function createMessageFlowHandler(settings: FlowSettings, observer: FlowObserver, aws: AwsOptions = {}): MessageFlowHandler {
  const ports = createAwsPorts({ region: settings.region, s3ForcePathStyle: settings.s3ForcePathStyle, ...aws });
  const handler = (async (event: unknown, context?: InvocationContext) => {
    const outcome = await processEvent(event, { ...ports, observer }, settings, { remainingLambdaMs: context?.getRemainingTimeInMillis?.() });
    handler.onOutcome?.(outcome);
    return outcome.response;
  }) as MessageFlowHandler;
  handler.destroy = ports.destroy;
  return handler;
}

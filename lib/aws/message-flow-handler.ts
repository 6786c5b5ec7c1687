import type { FlowObserver } from '../flow/observer.js';
import { processEvent, type PipelineOutcome } from '../flow/pipeline.js';
import type { FlowSettings } from '../flow/settings.js';
import type { MessageFlowResponse } from '../workmail/response.js';
import { createAwsPorts, type AwsOptions } from './clients.js';

/** The Lambda context fields the pipeline uses. */
export interface InvocationContext {
  getRemainingTimeInMillis?(): number;
  awsRequestId?: string;
}

/** A message-flow handler: the Lambda's answer, or the full outcome for the CLI and tests. */
export interface MessageFlowHandler {
  (event: unknown, context?: InvocationContext): Promise<MessageFlowResponse>;
  /** Processes one event and returns the full outcome (status, reports, response). */
  process(event: unknown, context?: InvocationContext): Promise<PipelineOutcome>;
  destroy(): void;
}

/** Options of {@link createMessageFlowHandler} beyond the endpoints. */
export interface HandlerOptions extends AwsOptions {
  /** The time each event is processed at (template `{{date}}`). @default the current time */
  now?: () => Date;
}

/**
 * Wires settings, the AWS SDK clients and an observer into a handler: the one place they are
 * composed. The Lambda entry point and the local replay both use it, so what runs locally is
 * what runs in Lambda.
 */
export function createMessageFlowHandler(settings: FlowSettings, observer: FlowObserver, options: HandlerOptions = {}): MessageFlowHandler {
  const { now, ...aws } = options;
  const ports = createAwsPorts({ region: settings.region, s3ForcePathStyle: settings.s3ForcePathStyle, ...aws });
  const process = (event: unknown, context?: InvocationContext) =>
    processEvent(event, { ...ports, observer }, settings, { remainingLambdaMs: context?.getRemainingTimeInMillis?.(), ...(now ? { now: now() } : {}) });
  const handler = (async (event: unknown, context?: InvocationContext) => (await process(event, context)).response) as MessageFlowHandler;
  handler.process = process;
  handler.destroy = ports.destroy;
  return handler;
}

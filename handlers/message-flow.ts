/**
 * The Lambda entry point for a synchronous WorkMail "Run Lambda" email flow rule.
 * Only wiring: settings, SDK clients and Powertools are created once per container (cold
 * start); the work is lib/flow's pipeline around lib/core's step.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createMessageFlowHandler } from '../lib/aws/message-flow-handler.js';
import { PowertoolsObserver } from '../lib/aws/powertools-observer.js';
import { settingsFromEnv } from '../lib/flow/settings.js';
import type { MessageFlowResponse } from '../lib/workmail/response.js';

const service = process.env.POWERTOOLS_SERVICE_NAME ?? 'wmflow';
const logger = new Logger({ serviceName: service });
const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'wmflow', serviceName: service });

// Invalid settings fail the cold start with one clear message; WorkMail then retries and
// applies the rule's fallback action.
const settings = (() => {
  try {
    return settingsFromEnv(process.env);
  } catch (err) {
    logger.critical('wmflow configuration is invalid', { error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
})();
const flow = createMessageFlowHandler(settings, new PowertoolsObserver(logger, metrics));

/** Handles one WorkMail message-flow event. */
export async function handler(event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>): Promise<MessageFlowResponse> {
  if (context?.awsRequestId) logger.appendKeys({ requestId: context.awsRequestId });
  try {
    return await flow(event, context);
  } finally {
    metrics.publishStoredMetrics();
  }
}

/**
 * The Lambda entry point for a synchronous WorkMail "Run Lambda" email flow rule.
 * Only wiring: settings, clients and observers are created once per container (cold start);
 * everything else is lib/flow's pipeline.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createAwsPorts } from '../lib/aws/clients.js';
import { processEvent } from '../lib/flow/pipeline.js';
import { PowertoolsObserver } from '../lib/flow/powertools-observer.js';
import { settingsFromEnv } from '../lib/flow/settings.js';
import type { MessageFlowResponse } from '../lib/workmail/response.js';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'wmflow' });
const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'wmflow', serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'wmflow' });

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
const ports = createAwsPorts({ region: settings.region, s3ForcePathStyle: settings.s3ForcePathStyle });
const observer = new PowertoolsObserver(logger, metrics);

/** Handles one WorkMail message-flow event. */
export async function handler(event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>): Promise<MessageFlowResponse> {
  if (context?.awsRequestId) logger.appendKeys({ requestId: context.awsRequestId });
  try {
    const outcome = await processEvent(event, { ...ports, observer }, settings, {
      remainingLambdaMs: context?.getRemainingTimeInMillis?.(),
    });
    return outcome.response;
  } finally {
    metrics.publishStoredMetrics();
  }
}

/**
 * `wmflow/lambda`: a WorkMail message-flow Lambda handler for your own entry module.
 *
 * ```ts
 * import { createHandler } from 'wmflow/lambda';
 * export const handler = createHandler();
 * ```
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createMessageFlowHandler, type InvocationContext, type MessageFlowHandler } from './aws/message-flow-handler.js';
import { PowertoolsObserver } from './aws/powertools-observer.js';
import { loadSettingsFromEnv } from './flow/settings.js';
import { assertOnDemandPackages } from './on-demand.js';
import { BUILTIN_RULE_TYPES, type RulesPlugin, type RuleType } from './rules/index.js';
import type { MessageFlowResponse } from './workmail/response.js';

export type { InvocationContext } from './aws/message-flow-handler.js';
export type { MessageFlowResponse } from './workmail/response.js';
export type { RulesPlugin } from './rules/index.js';
export { ON_DEMAND_PACKAGES, OnDemandPackageError } from './on-demand.js';

/** Options of {@link createHandler}. */
export interface CreateHandlerOptions {
  /**
   * Plugins already imported, by the specifier the rules file lists them under (`"./my-rules.js"`).
   * Listed plugins missing here are imported relative to the rules file at cold start.
   * @default {}
   */
  plugins?: Record<string, RulesPlugin>;
  /** Rule types besides the built-ins and the plugins'. @default {} */
  ruleTypes?: Record<string, RuleType>;
  /** Where settings come from (`WMFLOW_*`, `POWERTOOLS_*`, `AWS_REGION`). @default process.env */
  env?: Record<string, string | undefined>;
  /** @default a Powertools Logger, service `POWERTOOLS_SERVICE_NAME` or `wmflow` */
  logger?: Logger;
  /** @default Powertools Metrics, namespace `POWERTOOLS_METRICS_NAMESPACE` or `wmflow` */
  metrics?: Metrics;
}

/** The Lambda handler: answers one WorkMail message-flow event. */
export interface WmflowLambdaHandler {
  (event: unknown, context?: InvocationContext): Promise<MessageFlowResponse>;
  /**
   * Settles when settings, rules and plugins are loaded; rejects (after logging) when they are
   * invalid. `await handler.ready` at the top of the entry module fails the cold start there.
   */
  readonly ready: Promise<void>;
}

/**
 * Creates the message-flow handler: checks that the packages wmflow loads on demand can be found
 * ({@link ON_DEMAND_PACKAGES}: ship them beside your bundle), reads the settings
 * (`WMFLOW_RULES_FILE` or `WMFLOW_RULES_JSON`, `WMFLOW_BUCKET`, …) and imports the rules' plugins
 * once per container, then runs every event through the pipeline with the AWS SDK clients and Powertools.
 */
export function createHandler(options: CreateHandlerOptions = {}): WmflowLambdaHandler {
  const env = options.env ?? process.env;
  const service = env.POWERTOOLS_SERVICE_NAME ?? 'wmflow';
  const logger = options.logger ?? new Logger({ serviceName: service });
  const metrics = options.metrics ?? new Metrics({ namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? 'wmflow', serviceName: service });
  const flow: Promise<MessageFlowHandler> = Promise.resolve()
    // A bundle shipped without the packages wmflow loads on demand fails here, not on the first message that needs one.
    .then(assertOnDemandPackages)
    .then(() => loadSettingsFromEnv(env, { types: { ...BUILTIN_RULE_TYPES, ...options.ruleTypes }, plugins: options.plugins }))
    .then(
      (settings) => createMessageFlowHandler(settings, new PowertoolsObserver(logger, metrics)),
      (err: unknown) => {
        // Invalid settings fail with one clear message; WorkMail retries and applies the rule's fallback action.
        logger.critical('wmflow configuration is invalid', { error: err instanceof Error ? err.message : String(err) });
        throw err;
      },
    );
  flow.catch(() => {}); // reported above and by every invocation, never as an unhandled rejection
  const handler = (async (event: unknown, context?: InvocationContext) => {
    const process = await flow;
    if (context?.awsRequestId) logger.appendKeys({ requestId: context.awsRequestId });
    try {
      return await process(event, context);
    } finally {
      metrics.publishStoredMetrics();
    }
  }) as WmflowLambdaHandler;
  const ready = flow.then(() => undefined);
  ready.catch(() => {});
  Object.defineProperty(handler, 'ready', { value: ready });
  return handler;
}

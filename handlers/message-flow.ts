/**
 * The Lambda entry point for a synchronous WorkMail "Run Lambda" email flow rule.
 * Only wiring: `createHandler` (lib/lambda.ts) reads the settings, rules and plugins once per
 * container; the work is lib/flow's pipeline around lib/core's step.
 */
import { createHandler } from '../lib/lambda.js';

/** Handles one WorkMail message-flow event. */
export const handler = createHandler();
// Invalid settings fail the cold start with one clear message (logged by createHandler).
await handler.ready;

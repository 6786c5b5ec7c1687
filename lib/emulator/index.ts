/**
 * wmflow's local WorkMail: the Message Flow API and S3 over loopback HTTP for the real AWS SDK
 * clients, and the organisation around a message-flow Lambda (email flow rules, synchronous
 * Run Lambda with retries and fallback, per-recipient delivery).
 */
export { startEmulator, defaultFlowRules, wmflowContentValidator, type Emulator, type EmulatorOptions } from './emulator.js';
export { deliver, type DeliveryOutcome, type DeliveryRequest, type Disposition, type OrganisationOptions, type RecipientOutcome } from './delivery.js';
export { EmulatorError, type EmulatorErrorCode } from './errors.js';
export { SkippingClock, systemClock, type Clock } from './clock.js';
export {
  matchFlowRule,
  selectFlowRule,
  flowRuleProblems,
  lambdaSettings,
  ACTION_RESTRICTIVENESS,
  FLOW_RULE_ACTIONS,
  type EmailFlowRule,
  type FallbackAction,
  type FlowRuleAction,
  type FlowRuleMatch,
  type RunLambdaSettings,
} from './flow-rules.js';
export { assertValidOrganisation, isOrganisationAddress, organisationProblems, type Organisation } from './organisation.js';
export { buildEvent, readEventHeaders, newInvocationId, EVENT_LIMITS, type EventHeaders, type EventInput } from './message-event.js';
export {
  invokeSynchronously,
  firstUniqueActions,
  defaultBackoffMs,
  type LambdaFunction,
  type LambdaContext,
  type InvokeOptions,
  type InvocationResult,
  type InvocationAttempt,
} from './run-lambda.js';
export {
  MessageStore,
  deliveredContent,
  readableContent,
  MESSAGE_RETENTION_MS,
  STANDARD_FAULTS,
  type InTransitMessage,
  type Fault,
  type InjectedFaultType,
  type MessageFlowOperation,
  type ApiCallRecord,
  type AddMessageOptions,
  type ContentLocation,
} from './message-store.js';
export { startMessageFlowServer, MessageFlowApiError, type ContentValidator, type MessageFlowServerOptions } from './message-flow-server.js';
export { embeddedObjectReader, s3ClientObjectReader, type ObjectReader, type ObjectReadResult } from './object-reader.js';
export {
  InMemoryS3,
  DEFAULT_S3_MAX_TOTAL_BYTES,
  type InMemoryS3Options,
  type S3Bucket,
  type StoredObject,
  type VersioningStatus,
  type CreateBucketOptions,
  type ObjectReadError,
} from './s3-server.js';
export { decodeAwsChunked, computeChecksum, PayloadError, type ChecksumAlgorithm } from './s3-payload.js';
export { listenLoopback, type LoopbackServer } from './http.js';

/**
 * Data-loss prevention on strings: validating detectors (payment cards, US SSNs, IBANs, AWS
 * access key ids, email addresses, custom patterns), masks, and idempotent redaction of plain
 * text and of the text of HTML documents.
 */
export type { Detector, DetectorMatch } from './detector.js';
export { regexDetector } from './detector.js';
export { RedactionError, type RedactionErrorCode } from './errors.js';
export {
  BUILTIN_DETECTOR_IDS,
  getBuiltinDetector,
  requireBuiltinDetector,
  isBuiltinDetectorId,
  suggestDetector,
  customRegexDetector,
  customPatternProblem,
  type BuiltinDetectorId,
} from './registry.js';
export { DEFAULT_REPLACEMENT, maskValue, maskProblem, type MaskStyle } from './mask.js';
export { resolveMatches, type RedactionHit, type ResolveOptions } from './resolve-matches.js';
export { planRedaction, type PlannedReplacement, type RedactionPlan } from './plan.js';
export { redactText, redactHtml, type RedactionResult, type HtmlRedactionResult, type RedactOptions, type RedactHtmlOptions } from './redact-text.js';
export { paymentCard, luhnValid, cardNetwork, type CardNetwork } from './detectors/payment-card.js';
export { usSsn, ssnValid } from './detectors/us-ssn.js';
export { iban, ibanChecksumValid, IBAN_LENGTHS } from './detectors/iban.js';
export { awsAccessKeyId } from './detectors/aws-access-key-id.js';
export { emailAddress } from './detectors/email-address.js';

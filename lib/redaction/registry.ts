import { customPatternProblem, customRegexDetector } from './custom-regex.js';
import type { Detector } from './detector.js';
import { awsAccessKeyId } from './detectors/aws-access-key-id.js';
import { emailAddress } from './detectors/email-address.js';
import { iban } from './detectors/iban.js';
import { paymentCard } from './detectors/payment-card.js';
import { usSsn } from './detectors/us-ssn.js';
import { RedactionError } from './errors.js';
import { suggestDetectorId } from './suggest-detector.js';

export { customPatternProblem, customRegexDetector };

/** Ids of the built-in detectors, in the order they are documented. */
export const BUILTIN_DETECTOR_IDS = ['payment-card', 'us-ssn', 'iban', 'aws-access-key-id', 'email-address'] as const;

/** Id of a built-in detector. */
export type BuiltinDetectorId = (typeof BUILTIN_DETECTOR_IDS)[number];

const BUILTINS: Readonly<Record<BuiltinDetectorId, Detector>> = {
  'payment-card': paymentCard,
  'us-ssn': usSsn,
  iban,
  'aws-access-key-id': awsAccessKeyId,
  'email-address': emailAddress,
};

/** Whether `id` names a built-in detector. */
export function isBuiltinDetectorId(id: string): id is BuiltinDetectorId {
  return Object.hasOwn(BUILTINS, id);
}

/** A built-in detector by id, or undefined. */
export function getBuiltinDetector(id: string): Detector | undefined {
  return isBuiltinDetectorId(id) ? BUILTINS[id] : undefined;
}

/** The built-in detector id closest to `name` (a typo or synonym such as `credit_card`), or undefined. */
export function suggestDetector(name: string): BuiltinDetectorId | undefined {
  return suggestDetectorId(name, BUILTIN_DETECTOR_IDS) as BuiltinDetectorId | undefined;
}

/**
 * A built-in detector by id.
 * @throws RedactionError `REDACTION_UNKNOWN_DETECTOR`, naming the closest id when there is one:
 *   `unknown detector "credit_card" (did you mean "payment-card"?)`.
 */
export function requireBuiltinDetector(id: string): Detector {
  const detector = getBuiltinDetector(id);
  if (detector) return detector;
  const hint = suggestDetector(id);
  throw new RedactionError('REDACTION_UNKNOWN_DETECTOR', `unknown detector "${id}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
}

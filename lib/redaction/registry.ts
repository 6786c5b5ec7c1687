import { WmflowError } from '../errors.js';
import { regexDetector, type Detector } from './detector.js';
import { regexSafetyProblem } from './regex-safety.js';
import { awsAccessKeyId } from './detectors/aws-access-key-id.js';
import { emailAddress } from './detectors/email-address.js';
import { iban } from './detectors/iban.js';
import { paymentCard } from './detectors/payment-card.js';
import { usSsn } from './detectors/us-ssn.js';

const BUILTINS: Record<string, Detector> = {
  'payment-card': paymentCard,
  'us-ssn': usSsn,
  iban,
  'aws-access-key-id': awsAccessKeyId,
  'email-address': emailAddress,
};

/** Ids of the built-in detectors. */
export const BUILTIN_DETECTOR_IDS: readonly string[] = Object.keys(BUILTINS);

/** A built-in detector by id, or undefined. */
export function getBuiltinDetector(id: string): Detector | undefined {
  return BUILTINS[id];
}

/** Why a custom pattern is refused, or undefined when it is usable. */
export function customPatternProblem(pattern: string, flags = ''): string | undefined {
  let re: RegExp;
  try {
    re = new RegExp(pattern, flags.replace(/g/g, ''));
  } catch (err) {
    return `invalid regular expression: ${(err as Error).message}`;
  }
  if (re.test('')) return 'the pattern matches the empty string';
  return regexSafetyProblem(pattern);
}

/** A detector for a custom regular expression (validated with {@link customPatternProblem}). */
export function customRegexDetector(id: string, pattern: string, flags = ''): Detector {
  const problem = customPatternProblem(pattern, flags);
  if (problem) throw new WmflowError('REDACTION_INVALID_PATTERN', `detector "${id}": ${problem}`);
  return regexDetector(id, new RegExp(pattern, flags.replace(/g/g, '')));
}

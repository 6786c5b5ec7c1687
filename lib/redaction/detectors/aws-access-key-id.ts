import { regexDetector } from '../detector.js';

/**
 * AWS access key ids: a documented prefix (AKIA long-term, ASIA temporary, ABIA, ACCA) and
 * 16 base-32 characters (A–Z, 2–7), not inside a longer word.
 */
export const awsAccessKeyId = regexDetector('aws-access-key-id', /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/);

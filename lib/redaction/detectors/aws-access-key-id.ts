import { regexDetector } from '../detector.js';

/** AWS access key ids: a documented prefix (AKIA, ASIA, ABIA, ACCA) and 16 base-32 characters. */
export const awsAccessKeyId = regexDetector('aws-access-key-id', /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/);

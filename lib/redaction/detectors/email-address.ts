import { regexDetector } from '../detector.js';

/** Email addresses: a dot-atom local part, a domain of labels and a top-level domain. */
export const emailAddress = regexDetector(
  'email-address',
  /(?<![\w.+%-])[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/,
);

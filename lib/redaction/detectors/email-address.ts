import { regexDetector } from '../detector.js';

/**
 * Email addresses, pragmatically after RFC 5322: a dot-atom local part (at most 64
 * characters), `@`, one or more domain labels and a top-level domain of letters (or an `xn--`
 * punycode one). The local part must hold a letter or digit, so masked output such as
 * `****.***@example.com` is not an address again. Quoted local parts, IP-literal domains and
 * non-ASCII addresses are not matched. Not inside a longer word: `x@example.com` in `ax@example.comz` does not match.
 */
export const emailAddress = regexDetector(
  'email-address',
  // The labels are bounded ({0,61}) and the local part's atoms are separated by dots, so no
  // input makes this backtrack more than linearly per start.
  /(?<![\w.!#$%&'*+/=?^`{|}~-])[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,24}|xn--[A-Za-z0-9-]{1,59})(?![\w-])/,
  // A local part of only symbols (`****@example.com`) is a masked address, not an address.
  (value) => value.indexOf('@') <= 64 && /[A-Za-z0-9]/.test(value.slice(0, value.indexOf('@'))),
);

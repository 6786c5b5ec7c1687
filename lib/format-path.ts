/** Formats a validation path for error messages. */
/**
 * `['envelope', 'recipients', 0, 'address']` → `envelope.recipients[0].address`
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

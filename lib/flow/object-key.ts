/**
 * The S3 key of an updated message: the prefix plus the invocation id, reduced to the
 * characters S3Reference allows (`[a-zA-Z0-9\-/]`: no dots or underscores). Deterministic per
 * invocation, so a WorkMail retry overwrites the same object instead of piling up copies.
 */
export function updatedMessageKey(prefix: string, invocationId: string, messageId: string): string {
  const clean = (s: string) => s.replace(/[^a-zA-Z0-9\-/]/g, '-');
  const p = clean(prefix).replace(/^\/+/, '');
  const key = `${p && !p.endsWith('/') ? `${p}/` : p}${clean(messageId)}/${clean(invocationId)}`;
  return key.slice(0, 1024);
}

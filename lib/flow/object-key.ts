import { createHash } from 'node:crypto';
import { S3_REFERENCE } from '../workmail/limits.js';

const UNSAFE = /[^a-zA-Z0-9\-/]/g;

/**
 * A key segment in the characters S3Reference allows. Ids already in that alphabet are kept
 * as they are; any other id gets its foldable characters replaced by `-` plus a short hash of
 * the original, so two ids that fold to the same text (`a.b`, `a_b`) never share a key.
 */
function segment(id: string): string {
  const clean = id.replace(UNSAFE, '-');
  return clean === id ? id : `${clean}-${hash(id)}`;
}

function hash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}

/**
 * The S3 key of an updated message: the prefix, the message id and the invocation id, in the
 * characters S3Reference allows (`[a-zA-Z0-9\-/]`: no dots or underscores). Deterministic per
 * invocation, so a WorkMail retry overwrites the same object instead of piling up copies; a key
 * that would exceed 1,024 characters is cut and ends in a hash of the whole, so it stays unique.
 */
export function updatedMessageKey(prefix: string, invocationId: string, messageId: string): string {
  const p = prefix.replace(UNSAFE, '-').replace(/^\/+/, '');
  const key = `${p && !p.endsWith('/') ? `${p}/` : p}${segment(messageId)}/${segment(invocationId)}`;
  const max = S3_REFERENCE.key.max;
  return key.length <= max ? key : `${key.slice(0, max - 17)}-${hash(key)}`;
}

/**
 * The S3 key of a quarantined file: `<prefix>quarantine/<messageId>/<sha256>`, in the same
 * alphabet. The SHA-256 (hex) of the file is the key the rule named in its notice, so the same
 * file of the same message always lands on the same object.
 */
export function quarantineKey(prefix: string, messageId: string, artefactKey: string): string {
  const p = prefix.replace(UNSAFE, '-').replace(/^\/+/, '');
  return `${p && !p.endsWith('/') ? `${p}/` : p}quarantine/${segment(messageId)}/${segment(artefactKey)}`;
}

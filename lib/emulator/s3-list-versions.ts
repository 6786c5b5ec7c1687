import { S3HttpError, xmlEscape } from './s3-errors.js';
import type { S3Bucket, StoredObject } from './s3-server.js';

/** S3's cap on one page of a listing (a larger `max-keys` is reduced to it). */
const MAX_KEYS = 1000;

/**
 * ListObjectVersions (`GET /bucket?versions`) as S3 answers it: every version and delete marker,
 * keys in ascending order and each key's versions newest first, as `<Version>` and
 * `<DeleteMarker>` entries in one sequence. Supports `prefix`, `delimiter` (rolled up into
 * `<CommonPrefixes>`, each counting as one entry), `key-marker` / `version-id-marker`, `max-keys`
 * (default and cap 1000) and `encoding-type=url`. A truncated page names the last entry it
 * holds in `NextKeyMarker` / `NextVersionIdMarker`. Versions of a never-versioned bucket have
 * the version id `null`, as in S3.
 *
 * @throws {S3HttpError} 400 `InvalidArgument` for a `version-id-marker` without a `key-marker`,
 *   one that is not a version of that key (the emulator cannot place an unknown id in the
 *   order), or a `max-keys` that is not a non-negative integer.
 */
export function listObjectVersions(bucket: S3Bucket, q: URLSearchParams): string {
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const keyMarker = q.get('key-marker') ?? '';
  const versionIdMarker = q.get('version-id-marker') ?? '';
  const maxKeysParam = q.get('max-keys');
  if (maxKeysParam !== null && !/^\d+$/.test(maxKeysParam)) {
    throw new S3HttpError(400, 'InvalidArgument', 'Provided max-keys not an integer or within integer range', {
      ArgumentName: 'max-keys',
      ArgumentValue: maxKeysParam,
    });
  }
  const maxKeys = Math.min(MAX_KEYS, maxKeysParam === null ? MAX_KEYS : Number(maxKeysParam));
  if (versionIdMarker && !keyMarker) {
    throw new S3HttpError(400, 'InvalidArgument', 'A version-id marker cannot be specified without a key marker.', {
      ArgumentName: 'version-id-marker',
      ArgumentValue: versionIdMarker,
    });
  }
  let resumeAt = 0;
  if (versionIdMarker) {
    const i = (bucket.objects.get(keyMarker) ?? []).findIndex((v) => versionIdOf(v) === versionIdMarker);
    if (i < 0)
      throw new S3HttpError(400, 'InvalidArgument', 'Invalid version id specified', { ArgumentName: 'version-id-marker', ArgumentValue: versionIdMarker });
    resumeAt = i + 1;
  }

  const urlEncode = q.get('encoding-type') === 'url';
  const enc = (s: string) => xmlEscape(urlEncode ? encodeURIComponent(s).replace(/%2F/g, '/') : s);
  // With only a key marker the listing starts after that key; with a version too, inside it.
  const keys = [...bucket.objects.keys()].filter((k) => k.startsWith(prefix) && (k > keyMarker || (k === keyMarker && versionIdMarker !== ''))).sort();

  const entries: string[] = [];
  const prefixes: string[] = [];
  let count = 0;
  let truncated = false;
  let next: { key: string; versionId?: string } | undefined;
  scan: for (const key of keys) {
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (cut >= 0) {
      const common = key.slice(0, cut + delimiter.length);
      // Keys are sorted, so a prefix's keys are adjacent; one a previous page ended on is done.
      if (common === prefixes.at(-1) || common <= keyMarker) continue;
      if (count >= maxKeys) {
        truncated = true;
        break;
      }
      prefixes.push(common);
      count++;
      next = { key: common };
      continue;
    }
    const versions = bucket.objects.get(key)!;
    for (let i = key === keyMarker ? resumeAt : 0; i < versions.length; i++) {
      if (count >= maxKeys) {
        truncated = true;
        break scan;
      }
      entries.push(entryXml(versions[i]!, i === 0, enc));
      count++;
      next = { key, versionId: versionIdOf(versions[i]!) };
    }
  }

  return [
    '<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    `<Name>${xmlEscape(bucket.name)}</Name><Prefix>${enc(prefix)}</Prefix>`,
    `<KeyMarker>${enc(keyMarker)}</KeyMarker><VersionIdMarker>${xmlEscape(versionIdMarker)}</VersionIdMarker>`,
    truncated && next ? `<NextKeyMarker>${enc(next.key)}</NextKeyMarker>` : '',
    truncated && next?.versionId ? `<NextVersionIdMarker>${xmlEscape(next.versionId)}</NextVersionIdMarker>` : '',
    `<MaxKeys>${maxKeys}</MaxKeys>`,
    delimiter ? `<Delimiter>${enc(delimiter)}</Delimiter>` : '',
    `<IsTruncated>${truncated}</IsTruncated>`,
    urlEncode ? '<EncodingType>url</EncodingType>' : '',
    ...entries,
    ...prefixes.map((p) => `<CommonPrefixes><Prefix>${enc(p)}</Prefix></CommonPrefixes>`),
    '</ListVersionsResult>',
  ].join('');
}

/** A never-versioned bucket's objects carry no id; S3 lists them as version `null`. */
function versionIdOf(o: StoredObject): string {
  return o.versionId ?? 'null';
}

const OWNER = '<Owner><ID>emulator</ID></Owner>';

function entryXml(o: StoredObject, isLatest: boolean, enc: (s: string) => string): string {
  const common = `<Key>${enc(o.key)}</Key><VersionId>${xmlEscape(versionIdOf(o))}</VersionId><IsLatest>${isLatest}</IsLatest><LastModified>${o.lastModified.toISOString()}</LastModified>`;
  if (o.deleteMarker) return `<DeleteMarker>${common}${OWNER}</DeleteMarker>`;
  const checksum = o.checksum ? `<ChecksumAlgorithm>${o.checksum.algorithm.toUpperCase()}</ChecksumAlgorithm>` : '';
  return `<Version>${common}<ETag>${xmlEscape(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass>${checksum}${OWNER}</Version>`;
}

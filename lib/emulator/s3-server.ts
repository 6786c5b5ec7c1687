import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EmulatorError } from './errors.js';
import { BodyTooLargeError, listenLoopback, readBody, type LoopbackServer } from './http.js';
import { errorXml, S3HttpError, xmlEscape } from './s3-errors.js';
import { listObjectVersions } from './s3-list-versions.js';
import { decodeAwsChunked, PayloadError, verifyContentMd5, verifyDeclaredChecksum, type ChecksumAlgorithm } from './s3-payload.js';

/** A bucket's versioning state, as GetBucketVersioning reports it (`Unversioned`: never set). */
export type VersioningStatus = 'Unversioned' | 'Enabled' | 'Suspended';

/** One version of an object (or a delete marker). */
export interface StoredObject {
  key: string;
  body: Buffer;
  /** Undefined in a bucket that was never versioned; `null` for versions written while suspended. */
  versionId: string | undefined;
  /** Quoted MD5, as S3 sends it. */
  etag: string;
  contentType: string;
  lastModified: Date;
  /** `x-amz-meta-*` headers, names lower-cased without the prefix. */
  metadata: Record<string, string>;
  /** The flexible checksum the upload declared (verified when the emulator can compute it). */
  checksum: { algorithm: ChecksumAlgorithm; value: string } | undefined;
  deleteMarker: boolean;
}

/** A bucket of the in-memory S3. */
export interface S3Bucket {
  name: string;
  region: string;
  versioning: VersioningStatus;
  /**
   * Whether the bucket policy lets `workmail.<region>.amazonaws.com` read objects. False makes
   * PutRawMessageContent fail with InvalidContentLocation, as a missing policy does.
   */
  allowWorkMail: boolean;
  createdAt: Date;
  /** Versions by key, latest first. */
  objects: Map<string, StoredObject[]>;
}

/** Why an object cannot be read. */
export type ObjectReadError = 'NoSuchBucket' | 'NoSuchKey' | 'NoSuchVersion' | 'MethodNotAllowed';

/** {@link InMemoryS3Options.maxTotalBytes}'s default: 512 MiB. */
export const DEFAULT_S3_MAX_TOTAL_BYTES = 512 * 1024 * 1024;

/** Options of the {@link InMemoryS3} constructor. */
export interface InMemoryS3Options {
  /**
   * The most bytes the in-memory S3 holds, over every bucket and every version, so a runaway
   * test or Lambda cannot eat the machine's memory. A PutObject that would pass it answers
   * 507 `InsufficientStorage` (S3 itself has no such limit; 507 is what S3-compatible servers
   * such as MinIO answer when full, and the SDK does not retry it). `Infinity` lifts the cap.
   * Separately, one request body is limited to 64 MiB (400 `EntityTooLarge`, S3's code for an
   * object over its 5 GB single-PUT limit).
   * @default 536870912 (512 MiB, {@link DEFAULT_S3_MAX_TOTAL_BYTES})
   */
  maxTotalBytes?: number | undefined;
}

/** Options of {@link InMemoryS3.createBucket}. */
export interface CreateBucketOptions {
  /** Default: the server's Region. */
  region?: string;
  /** Turn versioning on (PutObject then returns version ids). */
  versioned?: boolean;
  /** Default true. */
  allowWorkMail?: boolean;
}

const BUCKET_NAME = /^(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function newVersionId(): string {
  // Real version ids are opaque 32-character URL-safe strings.
  return randomBytes(24).toString('base64url').slice(0, 32);
}

/** The S3 answer for an error a request ran into (undefined: an emulator bug, answered 500). */
function toS3HttpError(err: unknown): S3HttpError | undefined {
  if (err instanceof S3HttpError) return err;
  if (err instanceof PayloadError) return new S3HttpError(400, err.s3Code, err.message);
  if (err instanceof BodyTooLargeError) return new S3HttpError(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size of the emulator');
  if (err instanceof EmulatorError && err.code === 'EMULATOR_S3_FULL') return new S3HttpError(507, 'InsufficientStorage', err.message);
  if (err instanceof EmulatorError) return new S3HttpError(404, 'NoSuchBucket', err.message);
  return undefined;
}

/**
 * The bucket a virtual-hosted-style request names in its Host header (`bucket.localhost:port`,
 * `bucket.127.0.0.1:port`), if it is one. Only loopback names are recognised: any other host
 * name (a Docker alias, an /etc/hosts entry) is taken to be the server itself.
 */
export function virtualHostedBucket(host: string | undefined): string | undefined {
  const hostname = (host ?? '').replace(/:\d+$/, '').toLowerCase();
  return /^(.+)\.(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3})\.?$/.exec(hostname)?.[1];
}

/** The Region a SigV4 request was signed for (header or presigned query), if any. */
function signedRegion(req: IncomingMessage, url: URL): string | undefined {
  const credential = /Credential=([^,\s]+)/.exec(String(req.headers.authorization ?? ''))?.[1] ?? url.searchParams.get('X-Amz-Credential') ?? undefined;
  return credential?.split('/')[2];
}

/**
 * A small in-memory S3 for the emulator, driven over HTTP by the real `@aws-sdk/client-s3`
 * (path-style addressing): CreateBucket (with LocationConstraint), HeadBucket,
 * Get/PutBucketVersioning, GetBucketLocation, ListBuckets, ListObjectsV2, ListObjectVersions,
 * DeleteBucket, and
 * Put/Get/Head/DeleteObject with versions, ranges, `aws-chunked` uploads and flexible checksums
 * (verified on upload, returned when the client asks). Errors are S3's XML (`NoSuchKey`,
 * `NoSuchBucket`…), so the SDK raises its own typed exceptions.
 *
 * Requests must be signed (signatures are not verified) and signed for the bucket's Region, as
 * real S3 insists; anything else answers `NotImplemented`. Virtual-hosted-style requests (Host
 * `bucket.localhost:port`, which an SDK client without `forcePathStyle` sends for a `localhost`
 * endpoint) answer 400 `InvalidRequest` saying to set `forcePathStyle: true`.
 */
export class InMemoryS3 {
  readonly buckets = new Map<string, S3Bucket>();

  /** The total-bytes cap ({@link InMemoryS3Options.maxTotalBytes}). */
  readonly maxTotalBytes: number;

  /**
   * @param defaultRegion The Region of buckets created without a LocationConstraint.
   * @throws {EmulatorError} `EMULATOR_CONFIG_INVALID` for a cap that is not a non-negative number.
   */
  constructor(
    readonly defaultRegion: string,
    options: InMemoryS3Options = {},
  ) {
    const cap = options.maxTotalBytes ?? DEFAULT_S3_MAX_TOTAL_BYTES;
    if (typeof cap !== 'number' || Number.isNaN(cap) || cap < 0) {
      throw new EmulatorError(
        'EMULATOR_CONFIG_INVALID',
        `the in-memory S3's maxTotalBytes must be a non-negative number of bytes (or Infinity), not ${String(cap)}`,
      );
    }
    this.maxTotalBytes = cap;
  }

  /** Bytes held: every object version's body, in every bucket (delete markers hold none). */
  get storedBytes(): number {
    let total = 0;
    for (const b of this.buckets.values()) for (const versions of b.objects.values()) for (const v of versions) total += v.body.length;
    return total;
  }

  /**
   * Refuses an object of `size` bytes for `key` that would take the store past its cap, counting
   * the bytes the write replaces (an unversioned object, a suspended bucket's `null` version).
   * @throws {EmulatorError} `EMULATOR_S3_FULL`
   */
  assertRoomFor(bucket: string, key: string, size: number): void {
    const b = this.bucket(bucket);
    const existing = b.objects.get(key) ?? [];
    const replaced = b.versioning === 'Enabled' ? [] : b.versioning === 'Suspended' ? existing.filter((v) => v.versionId === 'null') : existing;
    const after = this.storedBytes - replaced.reduce((n, v) => n + v.body.length, 0) + size;
    if (after > this.maxTotalBytes) {
      throw new EmulatorError(
        'EMULATOR_S3_FULL',
        `The emulator's in-memory S3 holds ${this.storedBytes} bytes; storing ${size} more for ${bucket}/${key} would pass its cap of ${this.maxTotalBytes} bytes. Delete objects (or versions), or raise the cap (InMemoryS3 maxTotalBytes, startEmulator s3MaxTotalBytes).`,
      );
    }
  }

  /** Creates a bucket (no-op if it exists). */
  createBucket(name: string, options: CreateBucketOptions = {}): S3Bucket {
    if (!BUCKET_NAME.test(name)) throw new EmulatorError('EMULATOR_CONFIG_INVALID', `"${name}" is not a valid S3 bucket name`);
    let bucket = this.buckets.get(name);
    if (!bucket) {
      bucket = {
        name,
        region: options.region ?? this.defaultRegion,
        versioning: options.versioned ? 'Enabled' : 'Unversioned',
        allowWorkMail: options.allowWorkMail ?? true,
        createdAt: new Date(),
        objects: new Map(),
      };
      this.buckets.set(name, bucket);
    }
    return bucket;
  }

  /** The bucket, or an {@link EmulatorError} (`EMULATOR_S3`). */
  bucket(name: string): S3Bucket {
    const b = this.buckets.get(name);
    if (!b) throw new EmulatorError('EMULATOR_S3', `no bucket "${name}" in the embedded S3`);
    return b;
  }

  /**
   * Stores an object as PutObject does; returns its version id (undefined in an unversioned bucket) and ETag.
   * @throws {EmulatorError} `EMULATOR_S3` for a missing bucket; `EMULATOR_S3_FULL` past {@link InMemoryS3.maxTotalBytes}.
   */
  putObject(
    bucket: string,
    key: string,
    body: Buffer,
    options: { contentType?: string; metadata?: Record<string, string>; checksum?: StoredObject['checksum'] } = {},
  ): { versionId: string | undefined; etag: string } {
    const b = this.bucket(bucket);
    this.assertRoomFor(bucket, key, body.length);
    const object: StoredObject = {
      key,
      body,
      versionId: b.versioning === 'Enabled' ? newVersionId() : b.versioning === 'Suspended' ? 'null' : undefined,
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      contentType: options.contentType ?? 'binary/octet-stream',
      lastModified: new Date(),
      metadata: options.metadata ?? {},
      checksum: options.checksum,
      deleteMarker: false,
    };
    this.addVersion(b, object);
    return { versionId: object.versionId, etag: object.etag };
  }

  private addVersion(b: S3Bucket, object: StoredObject): void {
    const existing = b.objects.get(object.key) ?? [];
    // Unversioned: the object is replaced. Versioned: a new version on top. Suspended: the
    // `null` version is replaced, the others stay.
    const kept = b.versioning === 'Enabled' ? existing : b.versioning === 'Suspended' ? existing.filter((v) => v.versionId !== 'null') : [];
    b.objects.set(object.key, [object, ...kept]);
  }

  /** The object (a given version, or the latest), or why it cannot be read. */
  getObject(bucket: string, key: string, versionId?: string): { object: StoredObject; bucket: S3Bucket; region: string } | { error: ObjectReadError } {
    const b = this.buckets.get(bucket);
    if (!b) return { error: 'NoSuchBucket' };
    const versions = b.objects.get(key);
    if (!versions?.length) return { error: 'NoSuchKey' };
    if (versionId !== undefined) {
      const v = versions.find((o) => (o.versionId ?? 'null') === versionId);
      if (!v) return { error: 'NoSuchVersion' };
      if (v.deleteMarker) return { error: 'MethodNotAllowed' };
      return { object: v, bucket: b, region: b.region };
    }
    const latest = versions[0]!;
    return latest.deleteMarker ? { error: 'NoSuchKey' } : { object: latest, bucket: b, region: b.region };
  }

  /**
   * Deletes as DeleteObject does: a given version for good; else a delete marker in a
   * versioned bucket, or the object itself in an unversioned one.
   */
  deleteObject(bucket: string, key: string, versionId?: string): { deleteMarker: boolean; versionId: string | undefined } {
    const b = this.bucket(bucket);
    const versions = b.objects.get(key) ?? [];
    if (versionId !== undefined) {
      const removed = versions.find((v) => (v.versionId ?? 'null') === versionId);
      const rest = versions.filter((v) => v !== removed);
      if (rest.length) b.objects.set(key, rest);
      else b.objects.delete(key);
      return { deleteMarker: removed?.deleteMarker ?? false, versionId };
    }
    if (b.versioning === 'Unversioned') {
      b.objects.delete(key);
      return { deleteMarker: false, versionId: undefined };
    }
    const marker: StoredObject = {
      key,
      body: Buffer.alloc(0),
      versionId: b.versioning === 'Enabled' ? newVersionId() : 'null',
      etag: '',
      contentType: '',
      lastModified: new Date(),
      metadata: {},
      checksum: undefined,
      deleteMarker: true,
    };
    this.addVersion(b, marker);
    return { deleteMarker: true, versionId: marker.versionId };
  }

  /** Starts the S3 HTTP API on a loopback port. */
  async listen(port = 0): Promise<LoopbackServer> {
    return listenLoopback(
      (req, res) => this.handle(req, res),
      port,
      (res, err) => {
        res.writeHead(500, { 'content-type': 'application/xml' });
        res.end(errorXml('InternalError', err instanceof Error ? err.message : String(err), {}));
      },
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      await this.route(req, res, url, requestId);
    } catch (err) {
      const e = toS3HttpError(err);
      if (!e) throw err;
      // Drain what the client is still sending, so it reads the error instead of a reset.
      req.resume();
      const headers = { 'x-amz-request-id': requestId, ...e.headers };
      if (req.method === 'HEAD') {
        res.writeHead(e.status, headers);
        res.end();
        return;
      }
      res.writeHead(e.status, { ...headers, 'content-type': 'application/xml' });
      res.end(errorXml(e.s3Code, e.message, { ...e.extra, Resource: url.pathname, RequestId: requestId }));
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> {
    const method = req.method ?? 'GET';
    const [, bucketName = '', ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const q = url.searchParams;
    const send = (status: number, body: string | Buffer = '', headers: Record<string, string> = {}) => {
      res.writeHead(status, {
        'x-amz-request-id': requestId,
        ...headers,
        ...(body.length ? { 'content-type': headers['content-type'] ?? 'application/xml' } : {}),
      });
      res.end(method === 'HEAD' ? undefined : body);
    };
    // Read path-style, a virtual-hosted request would name the wrong bucket (or list buckets).
    const hosted = virtualHostedBucket(req.headers.host);
    if (hosted) {
      const port = /:(\d+)$/.exec(req.headers.host ?? '')?.[1];
      throw new S3HttpError(
        400,
        'InvalidRequest',
        `The wmflow emulator's S3 answers path-style requests only (http://127.0.0.1${port ? `:${port}` : ''}/${hosted}/key), but this request names bucket "${hosted}" in its Host header (virtual-hosted style). ` +
          'Set forcePathStyle: true on the S3Client (AWS SDK for JavaScript v3; s3ForcePathStyle: true in v2; addressing_style = path for the AWS CLI and boto3), or use the endpoint http://127.0.0.1:<port>, which the SDK addresses path-style.',
        { BucketName: hosted },
      );
    }
    if (!req.headers.authorization && !q.has('X-Amz-Signature') && !q.has('Signature')) {
      throw new S3HttpError(403, 'AccessDenied', 'Access Denied (the emulator requires signed requests, as a private bucket does)');
    }

    if (!bucketName) {
      if (method !== 'GET') throw new S3HttpError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
      const list = [...this.buckets.values()]
        .map(
          (b) =>
            `<Bucket><Name>${xmlEscape(b.name)}</Name><CreationDate>${b.createdAt.toISOString()}</CreationDate><BucketRegion>${b.region}</BucketRegion></Bucket>`,
        )
        .join('');
      return send(
        200,
        `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>emulator</ID></Owner><Buckets>${list}</Buckets></ListAllMyBucketsResult>`,
      );
    }

    const bucket = this.buckets.get(bucketName);
    const noSuchBucket = () => new S3HttpError(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucketName });

    if (!key && !(rest.length > 1)) {
      return this.bucketOperation(req, method, bucketName, bucket, q, send, noSuchBucket, url);
    }
    if (!bucket) throw noSuchBucket();
    this.assertRegion(req, url, bucket);
    for (const sub of ['acl', 'tagging', 'uploads', 'uploadId', 'retention', 'legal-hold', 'attributes', 'restore', 'select', 'torrent']) {
      if (q.has(sub)) throw new S3HttpError(501, 'NotImplemented', `?${sub} is not implemented by the emulator`);
    }
    if (req.headers['x-amz-copy-source']) throw new S3HttpError(501, 'NotImplemented', 'CopyObject is not implemented by the emulator');

    switch (method) {
      case 'PUT': {
        const contentEncoding = String(req.headers['content-encoding'] ?? '');
        const chunked = /(^|,)\s*aws-chunked\s*(,|$)/i.test(contentEncoding) || /^STREAMING-/.test(String(req.headers['x-amz-content-sha256'] ?? ''));
        // Refuse by the declared size before buffering a body that could not be kept anyway.
        const declaredSize = Number(chunked ? req.headers['x-amz-decoded-content-length'] : req.headers['content-length']);
        if (Number.isSafeInteger(declaredSize)) this.assertRoomFor(bucketName, key, declaredSize);
        const raw = await readBody(req);
        let body = raw;
        let trailers: Record<string, string> = {};
        if (chunked) {
          ({ data: body, trailers } = decodeAwsChunked(raw));
          const declared = req.headers['x-amz-decoded-content-length'];
          if (declared !== undefined && Number(declared) !== body.length) {
            throw new S3HttpError(
              400,
              'IncompleteBody',
              `You did not provide the number of bytes specified by x-amz-decoded-content-length (${declared}, got ${body.length})`,
            );
          }
        }
        verifyContentMd5(req.headers['content-md5'] as string | undefined, body);
        const checksum = verifyDeclaredChecksum({ ...(req.headers as Record<string, string | undefined>), ...trailers }, body);
        const metadata: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers))
          if (name.startsWith('x-amz-meta-') && typeof value === 'string') metadata[name.slice(11)] = value;
        const stored = this.putObject(bucketName, key, body, {
          contentType: req.headers['content-type'] ?? 'binary/octet-stream',
          metadata,
          ...(checksum ? { checksum } : {}),
        });
        return send(200, '', {
          etag: stored.etag,
          ...(stored.versionId ? { 'x-amz-version-id': stored.versionId } : {}),
          ...(checksum ? { [`x-amz-checksum-${checksum.algorithm}`]: checksum.value } : {}),
        });
      }
      case 'GET':
      case 'HEAD': {
        const versionId = q.get('versionId') ?? undefined;
        const found = this.getObject(bucketName, key, versionId);
        if ('error' in found) {
          const latest = bucket.objects.get(key)?.[0];
          const markerHeaders: Record<string, string> =
            latest?.deleteMarker && !versionId ? { 'x-amz-delete-marker': 'true', ...(latest.versionId ? { 'x-amz-version-id': latest.versionId } : {}) } : {};
          if (found.error === 'NoSuchVersion')
            throw new S3HttpError(404, 'NoSuchVersion', 'The specified version does not exist.', { Key: key, VersionId: versionId ?? '' });
          if (found.error === 'MethodNotAllowed')
            throw new S3HttpError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.', {}, { 'x-amz-delete-marker': 'true' });
          throw new S3HttpError(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key }, markerHeaders);
        }
        return this.sendObject(req, res, found.object, requestId);
      }
      case 'DELETE': {
        const out = this.deleteObject(bucketName, key, q.get('versionId') ?? undefined);
        return send(204, '', {
          ...(out.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {}),
          ...(out.versionId ? { 'x-amz-version-id': out.versionId } : {}),
        });
      }
      default:
        throw new S3HttpError(501, 'NotImplemented', `${method} on an object is not implemented by the emulator`);
    }
  }

  /** Real S3 refuses a request signed for another Region than the bucket's. */
  private assertRegion(req: IncomingMessage, url: URL, bucket: S3Bucket): void {
    const region = signedRegion(req, url);
    if (region && region !== bucket.region) {
      throw new S3HttpError(
        400,
        'AuthorizationHeaderMalformed',
        `The authorization header is malformed; the region '${region}' is wrong; expecting '${bucket.region}'`,
        { Region: bucket.region },
        { 'x-amz-bucket-region': bucket.region },
      );
    }
  }

  private async bucketOperation(
    req: IncomingMessage,
    method: string,
    name: string,
    bucket: S3Bucket | undefined,
    q: URLSearchParams,
    send: (status: number, body?: string | Buffer, headers?: Record<string, string>) => void,
    noSuchBucket: () => S3HttpError,
    url: URL,
  ): Promise<void> {
    const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>${body}`;
    if (method === 'PUT' && !q.has('versioning')) {
      if ([...q.keys()].some((k) => k !== 'x-id'))
        throw new S3HttpError(501, 'NotImplemented', `bucket ?${[...q.keys()].join('&')} is not implemented by the emulator`);
      const body = (await readBody(req, 1024 * 1024)).toString('utf8');
      const region = /<LocationConstraint>([^<]*)<\/LocationConstraint>/.exec(body)?.[1]?.trim() || this.defaultRegion;
      if (!BUCKET_NAME.test(name)) throw new S3HttpError(400, 'InvalidBucketName', 'The specified bucket is not valid.', { BucketName: name });
      if (bucket) {
        // us-east-1 answers a repeated create by the owner with 200; other Regions with 409.
        if (bucket.region === 'us-east-1') return send(200, '', { location: `/${name}` });
        throw new S3HttpError(409, 'BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', {
          BucketName: name,
        });
      }
      this.createBucket(name, { region });
      return send(200, '', { location: `/${name}` });
    }
    if (!bucket) throw noSuchBucket();
    if (method === 'HEAD') return send(200, '', { 'x-amz-bucket-region': bucket.region });
    this.assertRegion(req, url, bucket);
    if (q.has('versioning')) {
      if (method === 'GET') {
        const status = bucket.versioning === 'Unversioned' ? '' : `<Status>${bucket.versioning}</Status>`;
        return send(200, xml(`<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${status}</VersioningConfiguration>`));
      }
      if (method === 'PUT') {
        const status = /<Status>\s*(Enabled|Suspended)\s*<\/Status>/.exec((await readBody(req, 1024 * 1024)).toString('utf8'))?.[1];
        if (!status) throw new S3HttpError(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
        // A bucket that was never versioned stays unversioned when "suspended".
        if (status === 'Enabled' || bucket.versioning !== 'Unversioned') bucket.versioning = status as VersioningStatus;
        return send(200);
      }
    }
    if (method === 'GET' && q.has('location')) {
      const constraint = bucket.region === 'us-east-1' ? '' : xmlEscape(bucket.region);
      return send(200, xml(`<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${constraint}</LocationConstraint>`));
    }
    if (method === 'GET' && q.get('list-type') === '2') return send(200, xml(listObjectsV2(bucket, q)));
    if (method === 'GET' && q.has('versions')) return send(200, listObjectVersions(bucket, q));
    if (method === 'DELETE' && [...q.keys()].length === 0) {
      if (bucket.objects.size) throw new S3HttpError(409, 'BucketNotEmpty', 'The bucket you tried to delete is not empty', { BucketName: name });
      this.buckets.delete(name);
      return send(204);
    }
    throw new S3HttpError(501, 'NotImplemented', `${method} /${name}?${q.toString()} is not implemented by the emulator`);
  }

  private sendObject(req: IncomingMessage, res: ServerResponse, object: StoredObject, requestId: string): void {
    const headers: Record<string, string> = {
      'x-amz-request-id': requestId,
      'content-type': object.contentType,
      etag: object.etag,
      'last-modified': object.lastModified.toUTCString(),
      'accept-ranges': 'bytes',
      ...(object.versionId ? { 'x-amz-version-id': object.versionId } : {}),
    };
    for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
    const size = object.body.length;
    const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ''));
    let body = object.body;
    let status = 200;
    if (range && (range[1] || range[2])) {
      const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
      const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start >= size || start > end)
        throw new S3HttpError(416, 'InvalidRange', 'The requested range is not satisfiable', { ActualObjectSize: String(size) });
      body = object.body.subarray(start, end + 1);
      headers['content-range'] = `bytes ${start}-${end}/${size}`;
      status = 206;
    } else if (object.checksum && object.checksum.algorithm !== 'crc64nvme' && String(req.headers['x-amz-checksum-mode'] ?? '').toUpperCase() === 'ENABLED') {
      // The SDK validates a returned checksum: an end-to-end check of the upload's decoding.
      headers[`x-amz-checksum-${object.checksum.algorithm}`] = object.checksum.value;
      headers['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
    headers['content-length'] = String(body.length);
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

/** ListObjectsV2 over the latest versions: prefix, delimiter, start-after, max-keys, continuation. */
function listObjectsV2(bucket: S3Bucket, q: URLSearchParams): string {
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const maxKeys = Math.min(1000, Math.max(0, Number(q.get('max-keys') ?? 1000) || 0));
  const token = q.get('continuation-token');
  const after = token ? Buffer.from(token, 'base64url').toString('utf8') : (q.get('start-after') ?? '');
  const urlEncode = q.get('encoding-type') === 'url';
  const enc = (s: string) => xmlEscape(urlEncode ? encodeURIComponent(s).replace(/%2F/g, '/') : s);
  const keys = [...bucket.objects.entries()]
    .filter(([k, versions]) => k.startsWith(prefix) && k > after && !versions[0]?.deleteMarker)
    .map(([k]) => k)
    .sort();
  const contents: string[] = [];
  const prefixes = new Set<string>();
  let last = '';
  let truncated = false;
  for (const k of keys) {
    const cut = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
    const common = cut >= 0 ? k.slice(0, cut + delimiter.length) : undefined;
    if (common !== undefined && prefixes.has(common)) continue;
    if (contents.length + prefixes.size >= maxKeys) {
      truncated = true;
      break;
    }
    if (common !== undefined) {
      prefixes.add(common);
      // The next page starts after every key under this prefix.
      last = `${common}\u{10ffff}`;
      continue;
    }
    const o = bucket.objects.get(k)![0]!;
    contents.push(
      `<Contents><Key>${enc(k)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${xmlEscape(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    );
    last = k;
  }
  return [
    '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    `<Name>${xmlEscape(bucket.name)}</Name><Prefix>${enc(prefix)}</Prefix>`,
    delimiter ? `<Delimiter>${enc(delimiter)}</Delimiter>` : '',
    `<KeyCount>${contents.length + prefixes.size}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>`,
    urlEncode ? '<EncodingType>url</EncodingType>' : '',
    token ? `<ContinuationToken>${xmlEscape(token)}</ContinuationToken>` : '',
    truncated ? `<NextContinuationToken>${Buffer.from(last, 'utf8').toString('base64url')}</NextContinuationToken>` : '',
    q.has('start-after') ? `<StartAfter>${enc(q.get('start-after')!)}</StartAfter>` : '',
    ...contents,
    ...[...prefixes].map((p) => `<CommonPrefixes><Prefix>${enc(p)}</Prefix></CommonPrefixes>`),
    '</ListBucketResult>',
  ].join('');
}

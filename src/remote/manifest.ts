import { gunzipSync, gzipSync } from 'node:zlib'
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3'
import {
  emptyManifest,
  MANIFEST_VERSION,
  NewerManifestError,
  parseManifest,
  serializeManifest,
  type Manifest
} from '../plan/manifest'
import { isAccessDenied } from '../aws/explain'
import { describeCause } from '../aws/step-error'
import { sendTimed } from './server-time'
import { conditionalPut, type Condition } from './conditional'

/** The metadata that names the lock's token, so a HEAD tells whether it is taken. */
export const LOCK_METADATA = 'lock'
/** And the length of its holder's lease (ms), by which others judge it. */
export const LEASE_METADATA = 'lease-ms'

/** The lock as the state object's metadata names it. */
export function lockOf(metadata: Record<string, string> | undefined) {
  const leaseMs = Number(metadata?.[LEASE_METADATA])
  return {
    lockToken: metadata?.[LOCK_METADATA] || undefined,
    ...(leaseMs > 0 ? { leaseMs } : {})
  }
}

/** The state object as S3 has it: what a conditional write must match. */
export interface StateObject {
  etag: string
  /** Token of the lock it records, if any (from its metadata). */
  lockToken: string | undefined
  /** The length of that lock's lease (ms), if recorded. */
  leaseMs?: number
  /** Server time of its last write (ms). */
  writtenAt: number
  /** Server time of the read (ms). */
  serverNow: number
}

export interface ReadManifest {
  manifest: Manifest
  /** False when reading it was denied: then it is neither trusted nor written. */
  usable: boolean
  /** Why there is none, when there is none (first deploy, corrupt, denied). */
  note?: string
  /** What was read, to skip writing it back unchanged. */
  serialized?: string
  /** Undefined when there is none. */
  object?: StateObject
}

/**
 * One GetObject. `onHeaders` runs as soon as S3 has answered (before the body has arrived, and
 * on any failure), so the caller can start listing the bucket then: a listing that starts after
 * the state object was read sees every write made before it, which the lock relies on.
 * A missing or corrupt state object is an empty one, and one we may not read is unusable: the
 * sync still works. Any other error is thrown.
 */
export async function readManifest(
  s3: S3Client,
  bucket: string,
  key: string,
  onHeaders: () => void = () => undefined
): Promise<ReadManifest> {
  let response: { output: GetObjectCommandOutput; serverNow: number }
  try {
    const command = new GetObjectCommand({ Bucket: bucket, Key: key })
    response = await sendTimed(command, () => s3.send(command))
  } catch (err) {
    onHeaders()
    const name = (err as Error).name
    if (name === 'NoSuchKey' || name === 'NotFound')
      return { manifest: emptyManifest(), usable: true, note: 'none yet' }
    if (isAccessDenied(err))
      return { manifest: emptyManifest(), usable: false, note: describeCause(err) }
    throw err
  }
  onHeaders()
  const { output, serverNow } = response
  const object: StateObject = {
    etag: output.ETag ?? '',
    ...lockOf(output.Metadata),
    writtenAt: output.LastModified?.getTime() ?? serverNow,
    serverNow
  }
  const bytes = (await output.Body?.transformToByteArray()) ?? new Uint8Array()
  try {
    const buffer = Buffer.from(bytes)
    // gzip magic number: stored compressed, but a proxy may have decoded it already.
    const text = (buffer[0] === 0x1f && buffer[1] === 0x8b ? gunzipSync(buffer) : buffer).toString(
      'utf8'
    )
    const manifest = parseManifest(text)
    // This version's own text is what serializing it gives again (a million entries take
    // seconds to serialize); an older format is serialized, so that a deploy that changes
    // nothing does not rewrite it just to upgrade it.
    const current = text.startsWith(`{"version":${MANIFEST_VERSION},`)
    return {
      manifest,
      usable: true,
      serialized: current ? text : serializeManifest(manifest),
      object
    }
  } catch (err) {
    if (err instanceof NewerManifestError) throw err
    return {
      manifest: emptyManifest(),
      usable: true,
      note: `unreadable (${(err as Error).message}), ignored`,
      object
    }
  }
}

/** Gzipped JSON, never cached: it is state, not content. Returns the new ETag. */
export async function writeManifest(
  s3: S3Client,
  bucket: string,
  key: string,
  serialized: string,
  /** Unconditional only when deploying without a lock (lock: false). */
  condition: Condition | undefined,
  /** The lock to name in the metadata; none when the lock is free. */
  lock?: { token: string; leaseMs: number },
  signal?: AbortSignal
): Promise<string> {
  return conditionalPut(
    s3,
    {
      Bucket: bucket,
      Key: key,
      Body: gzipSync(serialized),
      ContentType: 'application/json',
      ContentEncoding: 'gzip',
      CacheControl: 'no-store',
      ...(lock
        ? { Metadata: { [LOCK_METADATA]: lock.token, [LEASE_METADATA]: String(lock.leaseMs) } }
        : {})
    },
    condition,
    { signal }
  )
}

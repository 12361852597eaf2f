import { gunzipSync, gzipSync } from 'node:zlib'
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { emptyManifest, parseManifest, serializeManifest, type Manifest } from '../plan/manifest'
import { isAccessDenied } from '../aws/explain'
import { describeCause } from '../errors'

export interface ReadManifest {
  manifest: Manifest
  /** False when reading it was denied: then it is neither trusted nor written. */
  usable: boolean
  /** Why there is none, when there is none (first deploy, corrupt, denied). */
  note?: string
  /** What was read, to skip writing it back unchanged. */
  serialized?: string
}

/**
 * One GetObject. A missing or corrupt manifest is an empty one, and one we may not read is an
 * unusable one: the sync still works. Any other error is thrown.
 */
export async function readManifest(
  s3: S3Client,
  bucket: string,
  key: string
): Promise<ReadManifest> {
  let bytes: Uint8Array
  try {
    const result = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    bytes = (await result.Body?.transformToByteArray()) ?? new Uint8Array()
  } catch (err) {
    const name = (err as Error).name
    if (name === 'NoSuchKey' || name === 'NotFound')
      return { manifest: emptyManifest(), usable: true, note: 'none yet' }
    if (isAccessDenied(err))
      return { manifest: emptyManifest(), usable: false, note: describeCause(err) }
    throw err
  }
  try {
    const buffer = Buffer.from(bytes)
    // gzip magic number: stored compressed, but a proxy may have decoded it already.
    const text = (buffer[0] === 0x1f && buffer[1] === 0x8b ? gunzipSync(buffer) : buffer).toString(
      'utf8'
    )
    const manifest = parseManifest(text)
    return { manifest, usable: true, serialized: serializeManifest(manifest) }
  } catch (err) {
    return {
      manifest: emptyManifest(),
      usable: true,
      note: `unreadable (${(err as Error).message}), ignored`
    }
  }
}

/** Gzipped JSON, never cached: it is state, not content. */
export async function writeManifest(
  s3: S3Client,
  bucket: string,
  key: string,
  serialized: string
): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: gzipSync(serialized),
      ContentType: 'application/json',
      ContentEncoding: 'gzip',
      CacheControl: 'no-store'
    })
  )
}

import { gunzipSync, gzipSync } from 'node:zlib'
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { emptyManifest, parseManifest, serializeManifest, type Manifest } from '../plan/manifest'

export interface ReadManifest {
  manifest: Manifest
  /** Why there is none, when there is none (first deploy, unreadable, ...). */
  note?: string
  /** What was read, to skip writing it back unchanged. */
  serialized?: string
}

/** One GetObject. A missing or unreadable manifest is an empty one: the sync still works. */
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
      return { manifest: emptyManifest(), note: 'none yet' }
    throw err
  }
  try {
    const buffer = Buffer.from(bytes)
    // gzip magic number: stored compressed, but a proxy may have decoded it already.
    const text = (buffer[0] === 0x1f && buffer[1] === 0x8b ? gunzipSync(buffer) : buffer).toString(
      'utf8'
    )
    const manifest = parseManifest(text)
    return { manifest, serialized: serializeManifest(manifest) }
  } catch (err) {
    return { manifest: emptyManifest(), note: `unreadable (${(err as Error).message}), ignored` }
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

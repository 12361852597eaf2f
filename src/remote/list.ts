import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3'
import type { RemoteObject } from '../plan/types'

/** Every object under the prefix: one ListObjectsV2 request per 1,000 objects. */
export async function listRemote(
  s3: S3Client,
  bucket: string,
  prefix: string
): Promise<Map<string, RemoteObject>> {
  const objects = new Map<string, RemoteObject>()
  const pages = paginateListObjectsV2(
    { client: s3, pageSize: 1000 },
    { Bucket: bucket, Prefix: prefix || undefined }
  )
  for await (const page of pages) {
    for (const item of page.Contents ?? []) {
      // Folder markers ("Create folder" in the console) are not files: never compared or deleted.
      if (item.Key === undefined || item.Key.endsWith('/')) continue
      objects.set(item.Key, {
        key: item.Key,
        etag: (item.ETag ?? '').replace(/"/g, '').toLowerCase(),
        size: item.Size ?? 0
      })
    }
  }
  return objects
}

/** The names of the folders right under `prefix` (one ListObjectsV2 request per 1,000). */
export async function listFolders(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const names: string[] = []
  const pages = paginateListObjectsV2(
    { client: s3, pageSize: 1000 },
    { Bucket: bucket, Prefix: prefix, Delimiter: '/' }
  )
  for await (const page of pages) {
    for (const p of page.CommonPrefixes ?? []) {
      if (p.Prefix) names.push(p.Prefix.slice(prefix.length, -1))
    }
  }
  return names
}

import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { headersDigest, headersFromHead } from '../plan/headers'
import type { KnownState, RemoteObject, SourceFile } from '../plan/types'
import { knownFromListing } from '../plan/diff'
import { MD5_METADATA } from '../aws/upload'

/**
 * What HEAD tells about an object the manifest does not vouch for: its content MD5 (the listing,
 * or the metadata the action writes) and its current headers.
 */
export async function headObject(
  s3: S3Client,
  bucket: string,
  file: SourceFile,
  object: RemoteObject
): Promise<KnownState> {
  // The object's own key: in release mode it is the live release's, not the file's new one.
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: object.key }))
  const fromListing = knownFromListing(file, object)
  const md5 =
    fromListing.md5 === file.md5 ? file.md5 : (head.Metadata?.[MD5_METADATA] ?? fromListing.md5)
  return { md5, headers: headersDigest(headersFromHead(head, file.headers)) }
}

import { createReadStream } from 'node:fs'
import { readHashedFile } from '../local/contents'
import { CopyObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { MULTIPART_THRESHOLD, PART_SIZE } from '../plan/multipart'
import type { ObjectHeaders, SourceFile } from '../plan/types'

/** The content MD5 rides along as metadata: a multipart or SSE-KMS ETag is not an MD5. */
export const MD5_METADATA = 'md5'

/** CopyObject cannot copy objects above 5 GiB in one request; those are re-uploaded instead. */
export const MAX_COPY_SIZE = 5 * 1024 ** 3

function objectParams(bucket: string, file: SourceFile) {
  const h: ObjectHeaders = file.headers
  return {
    Bucket: bucket,
    Key: file.key,
    ContentType: h.contentType,
    ...(h.cacheControl === undefined ? {} : { CacheControl: h.cacheControl }),
    ...(h.acl === undefined ? {} : { ACL: h.acl as never }),
    ...(h.storageClass === undefined ? {} : { StorageClass: h.storageClass as never }),
    ...(h.sse === undefined ? {} : { ServerSideEncryption: h.sse as never }),
    ...(h.sseKmsKeyId === undefined ? {} : { SSEKMSKeyId: h.sseKmsKeyId }),
    Metadata: { [MD5_METADATA]: file.md5 }
  }
}

const unquote = (etag: string | undefined) => (etag ?? '').replace(/"/g, '').toLowerCase()

/**
 * Uploads a file and returns the object's new ETag. Small files: one PutObject with Content-MD5,
 * so S3 rejects (BadDigest) bytes that are not the ones hashed. Large files: a multipart upload
 * streamed from disk, whose ETag is checked against the one predicted while hashing.
 */
export async function uploadFile(
  s3: S3Client,
  bucket: string,
  file: SourceFile,
  /** The bytes hashed, when they were kept (small files): not read again. */
  content?: Buffer
): Promise<string> {
  if (file.size <= MULTIPART_THRESHOLD) {
    const result = await s3.send(
      new PutObjectCommand({
        ...objectParams(bucket, file),
        Body: content ?? (await readHashedFile(file.absPath, file.size)),
        ContentMD5: Buffer.from(file.md5, 'hex').toString('base64')
      })
    )
    return unquote(result.ETag) || file.md5
  }
  const upload = new Upload({
    client: s3,
    params: { ...objectParams(bucket, file), Body: createReadStream(file.absPath) },
    partSize: PART_SIZE,
    queueSize: 4,
    leavePartsOnError: false
  })
  const result = await upload.done()
  const etag = unquote(result.ETag)
  // Without SSE-KMS, S3's multipart ETag is a function of the parts' MD5s: a mismatch means the
  // bytes that arrived are not the bytes hashed (or the file changed during the deploy).
  if (file.headers.sse !== 'aws:kms' && file.multipartEtag && etag !== file.multipartEtag) {
    throw Object.assign(
      new Error(
        `the uploaded object's ETag ${etag} is not the expected ${file.multipartEtag}: the file changed while deploying, or was corrupted on the way`
      ),
      {
        name: 'ChecksumMismatch'
      }
    )
  }
  return etag
}

/** New headers on an unchanged object, in place (CopyObject onto itself, REPLACE). Returns the ETag. */
export async function updateHeaders(
  s3: S3Client,
  bucket: string,
  file: SourceFile
): Promise<string> {
  if (file.size > MAX_COPY_SIZE) return uploadFile(s3, bucket, file)
  const result = await s3.send(
    new CopyObjectCommand({
      ...objectParams(bucket, file),
      CopySource: `${bucket}/${file.key.split('/').map(encodeURIComponent).join('/')}`,
      MetadataDirective: 'REPLACE'
    })
  )
  return unquote(result.CopyObjectResult?.ETag)
}

import { createHash } from 'node:crypto'
import { readHashedFile } from '../local/contents'
import { compressBody } from '../local/compress'
import { contentId } from '../plan/compress'
import {
  CopyObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client
} from '@aws-sdk/client-s3'
import { MULTIPART_THRESHOLD } from '../plan/multipart'
import type { ObjectHeaders, SourceFile } from '../plan/types'
import { headEtag } from '../remote/conditional'
import { uploadInParts } from './multipart'

/**
 * The content MD5 rides along as metadata: a multipart or SSE-KMS ETag is not an MD5, and a
 * compressed object's is not its file's. It holds the file's contentId (plan/compress.ts).
 */
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
    ...(h.contentEncoding === undefined ? {} : { ContentEncoding: h.contentEncoding }),
    ...(h.acl === undefined ? {} : { ACL: h.acl as never }),
    ...(h.storageClass === undefined ? {} : { StorageClass: h.storageClass as never }),
    ...(h.sse === undefined ? {} : { ServerSideEncryption: h.sse as never }),
    ...(h.sseKmsKeyId === undefined ? {} : { SSEKMSKeyId: h.sseKmsKeyId }),
    Metadata: { [MD5_METADATA]: contentId(file) }
  }
}

const unquote = (etag: string | undefined) => (etag ?? '').replace(/"/g, '').toLowerCase()

/**
 * S3's ETag is a function of the bytes only for objects stored without KMS: SSE-KMS and DSSE-KMS
 * (asked for, or the bucket's default encryption) give ETags that are not MD5s.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html
 */
const isKms = (sse: string | undefined) => !!sse && sse.startsWith('aws:kms')

/** An object as written: its ETag, and the bytes stored. */
export interface Stored {
  etag: string
  size: number
}

/**
 * Uploads a file and returns the object's new ETag and size. Small files: one PutObject with
 * Content-MD5, so S3 rejects (BadDigest) bytes that are not the ones hashed; a file with a
 * `compress` encoding is compressed here, once, and sent with the Content-MD5 of the compressed
 * bytes (only files up to the multipart threshold are). Large files: a multipart upload
 * with the Content-MD5 of each part as hashed; where the bucket does not encrypt with KMS, its
 * ETag is also checked against the one predicted while hashing. A store whose answer carries no
 * ETag (Ceph RGW's multipart) is asked with HEAD.
 */
export async function uploadFile(
  s3: S3Client,
  bucket: string,
  file: SourceFile,
  /** The bytes hashed, when they were kept (small files): not read again. */
  content?: Buffer,
  signal?: AbortSignal
): Promise<Stored> {
  if (file.size <= MULTIPART_THRESHOLD || !file.partMd5s) {
    const raw = content ?? (await readHashedFile(file.absPath, file.size))
    const body = file.compress ? await compressBody(raw, file.compress) : raw
    const md5 = file.compress
      ? createHash('md5').update(body).digest()
      : Buffer.from(file.md5, 'hex')
    const result = await s3.send(
      new PutObjectCommand({
        ...objectParams(bucket, file),
        Body: body,
        ContentMD5: md5.toString('base64')
      }),
      { abortSignal: signal }
    )
    const etag = unquote(result.ETag) || (await headEtag(s3, bucket, file.key, signal))
    return { etag, size: body.length }
  }
  const result = await uploadInParts(
    s3,
    objectParams(bucket, file),
    { absPath: file.absPath, size: file.size, partMd5s: file.partMd5s },
    signal
  )
  const etag = unquote(result.ETag) || (await headEtag(s3, bucket, file.key, signal))
  const stored = { etag, size: file.size }
  if (etag === file.multipartEtag || isKms(result.ServerSideEncryption)) return stored
  // What the store says of the object itself, for a store that leaves the encryption out of its
  // answer to CompleteMultipartUpload.
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: file.key }), {
    abortSignal: signal
  })
  if (isKms(head.ServerSideEncryption)) return stored
  throw Object.assign(
    new Error(
      `the uploaded object's ETag ${etag || '(none)'} is not the expected ${file.multipartEtag}: the file changed while deploying, or was corrupted on the way`
    ),
    { name: 'ChecksumMismatch' }
  )
}

/**
 * The file's headers on an object of the same content, server-side: in place (CopyObject onto
 * itself, REPLACE), or, in release mode, from the live release's copy at `from`. No byte goes
 * through the runner. Returns the ETag.
 */
export async function updateHeaders(
  s3: S3Client,
  bucket: string,
  file: SourceFile,
  signal?: AbortSignal,
  from: string = file.key
): Promise<string> {
  if (file.size > MAX_COPY_SIZE) return (await uploadFile(s3, bucket, file, undefined, signal)).etag
  const result = await s3.send(
    new CopyObjectCommand({
      ...objectParams(bucket, file),
      CopySource: `${bucket}/${from.split('/').map(encodeURIComponent).join('/')}`,
      MetadataDirective: 'REPLACE'
    }),
    { abortSignal: signal }
  )
  return unquote(result.CopyObjectResult?.ETag) || (await headEtag(s3, bucket, file.key, signal))
}

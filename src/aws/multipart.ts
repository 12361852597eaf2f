import { open } from 'node:fs/promises'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  type CompleteMultipartUploadCommandOutput,
  type CreateMultipartUploadCommandInput,
  type S3Client
} from '@aws-sdk/client-s3'
import { PART_SIZE } from '../plan/multipart'
import { forEachLimit } from '../util/pool'

/** Parts of one file in flight at once (each holds a part's bytes in memory). */
const PART_CONCURRENCY = 4

/**
 * A multipart upload of a file that was hashed in parts of PART_SIZE: each part is read from disk
 * at its offset and sent with the Content-MD5 computed while hashing, so S3 refuses (BadDigest) a
 * part whose bytes are not the ones hashed, whatever the bucket's encryption makes of the ETag.
 * Every request carries `signal`, so an upload that must stop stops at once, parts in flight
 * included. A failed upload is aborted, leaving no parts behind.
 */
export async function uploadInParts(
  s3: S3Client,
  params: CreateMultipartUploadCommandInput & { Bucket: string; Key: string },
  file: { absPath: string; size: number; partMd5s: readonly string[] },
  signal?: AbortSignal
): Promise<CompleteMultipartUploadCommandOutput> {
  const { Bucket, Key } = params
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand(params), {
    abortSignal: signal
  })
  const handle = await open(file.absPath, 'r')
  try {
    const etags: string[] = []
    await forEachLimit(file.partMd5s, PART_CONCURRENCY, async (md5, i) => {
      const offset = i * PART_SIZE
      const length = Math.min(PART_SIZE, file.size - offset)
      const body = Buffer.allocUnsafe(length)
      const { bytesRead } = await handle.read(body, 0, length, offset)
      if (bytesRead !== length) {
        throw new Error(`${file.absPath} changed while deploying: it is shorter than when hashed`)
      }
      const out = await s3.send(
        new UploadPartCommand({
          Bucket,
          Key,
          UploadId,
          PartNumber: i + 1,
          Body: body,
          ContentMD5: md5
        }),
        { abortSignal: signal }
      )
      if (!out.ETag) throw new Error(`S3 gave part ${i + 1} of ${Key} no ETag`)
      etags[i] = out.ETag
    })
    return await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) }
      }),
      { abortSignal: signal }
    )
  } catch (err) {
    try {
      await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }))
    } catch {
      // Best effort: parts left behind cost storage until a lifecycle rule removes them.
    }
    throw err
  } finally {
    await handle.close()
  }
}

import { readFile } from 'node:fs/promises'
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import type { SourceFile } from '../plan/types'

/**
 * One PutObject with the MD5 we hashed as Content-MD5: S3 rejects the upload (BadDigest) if the
 * bytes it receives are not the bytes we planned, so a corrupted or changed file never lands.
 */
export async function uploadFile(s3: S3Client, bucket: string, file: SourceFile): Promise<void> {
  const body = await readFile(file.absPath)
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: file.key,
      Body: body,
      ContentType: file.contentType,
      ContentMD5: Buffer.from(file.md5, 'hex').toString('base64')
    })
  )
}

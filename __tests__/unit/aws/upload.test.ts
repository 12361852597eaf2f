import { writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand
} from '@aws-sdk/client-s3'
import { uploadFile } from '../../../src/aws/upload'
import { hashFile } from '../../../src/local/hash'
import { MULTIPART_THRESHOLD } from '../../../src/plan/multipart'
import type { SourceFile } from '../../../src/plan/types'
import { sourceFile } from '../../helpers/fixtures'
import { mockedAws } from '../../helpers/mocked-aws'
import { makeSite } from '../../helpers/site'

const { s3Mock, s3 } = mockedAws()

/** A file just over the multipart threshold (three parts), as the scanner describes it. */
async function bigFile(headers: Partial<SourceFile['headers']> = {}): Promise<SourceFile> {
  const root = await makeSite({ 'video.mp4': 'x' })
  const absPath = path.join(root, 'video.mp4')
  await writeFile(absPath, Buffer.alloc(MULTIPART_THRESHOLD + 1, 7))
  const digest = await hashFile(absPath)
  return {
    ...sourceFile('video.mp4', digest.md5, digest.size, { contentType: 'video/mp4', ...headers }),
    absPath,
    multipartEtag: digest.multipartEtag
  }
}

/** S3's multipart calls, answering CompleteMultipartUpload with `etag`. */
function multipartAnswers(etag: string) {
  s3Mock.reset()
  s3Mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' })
  s3Mock.on(UploadPartCommand).resolves({ ETag: '"part"' })
  s3Mock.on(CompleteMultipartUploadCommand).resolves({ ETag: `"${etag}"` })
  s3Mock.on(AbortMultipartUploadCommand).resolves({})
}

test('a multipart upload whose ETag is the one predicted while hashing succeeds', async () => {
  const file = await bigFile()
  expect(file.multipartEtag).toMatch(/^[0-9a-f]{32}-3$/)
  multipartAnswers(file.multipartEtag!)
  expect(await uploadFile(s3, 'bucket', file)).toBe(file.multipartEtag)
  expect(s3Mock.commandCalls(UploadPartCommand)).toHaveLength(3)
  expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0)
  expect(s3Mock.commandCalls(CreateMultipartUploadCommand)[0]!.args[0].input.Metadata).toEqual({
    md5: file.md5
  })
})

test('another ETag means other bytes arrived: the upload fails, naming both', async () => {
  const file = await bigFile()
  const other = `${'0'.repeat(32)}-3`
  multipartAnswers(other)
  await expect(uploadFile(s3, 'bucket', file)).rejects.toMatchObject({
    name: 'ChecksumMismatch',
    message: `the uploaded object's ETag ${other} is not the expected ${file.multipartEtag}: the file changed while deploying, or was corrupted on the way`
  })
})

test('under SSE-KMS the ETag is no digest of the bytes, so it is not compared', async () => {
  const file = await bigFile({ sse: 'aws:kms' })
  multipartAnswers('kms-etag-that-is-no-md5')
  expect(await uploadFile(s3, 'bucket', file)).toBe('kms-etag-that-is-no-md5')
})

/** Uploads and their integrity checks (src/aws/upload.ts, src/aws/multipart.ts), with mocked S3. */
import { randomBytes } from 'node:crypto'
import * as path from 'node:path'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand
} from '@aws-sdk/client-s3'
import { mockClient } from 'aws-sdk-client-mock'
import { uploadFile } from '../../src/aws/upload'
import { hashFile } from '../../src/local/hash'
import { MULTIPART_THRESHOLD, PART_SIZE } from '../../src/plan/multipart'
import type { SourceFile } from '../../src/plan/types'
import { sourceFile } from '../helpers/fixtures'
import { makeSite } from '../helpers/site'

const s3Mock = mockClient(S3Client)
const s3 = new S3Client({
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
})

let big: SourceFile
let content: Buffer
beforeAll(async () => {
  content = randomBytes(MULTIPART_THRESHOLD + 1000)
  const root = await makeSite({ 'video.mp4': content })
  const absPath = path.join(root, 'video.mp4')
  const digest = await hashFile(absPath)
  big = { ...sourceFile('video.mp4', digest.md5, digest.size), ...digest, absPath }
})

beforeEach(() => {
  s3Mock.reset()
  s3Mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'U1' })
  s3Mock.on(UploadPartCommand).callsFake(input => ({ ETag: `"p${input.PartNumber}"` }))
  s3Mock.on(AbortMultipartUploadCommand).resolves({})
})

test('each part is sent from its offset with the Content-MD5 computed while hashing', async () => {
  s3Mock.on(CompleteMultipartUploadCommand).resolves({ ETag: `"${big.multipartEtag}"` })
  expect(await uploadFile(s3, 'bucket', big)).toBe(big.multipartEtag)
  const parts = s3Mock
    .commandCalls(UploadPartCommand)
    .map(c => c.args[0].input)
    .sort((a, b) => a.PartNumber! - b.PartNumber!)
  expect(parts.map(p => [p.PartNumber, p.ContentMD5])).toEqual(
    big.partMd5s!.map((md5, i) => [i + 1, md5])
  )
  const second = parts.find(p => p.PartNumber === 2)!
  expect(Buffer.compare(second.Body as Buffer, content.subarray(PART_SIZE, 2 * PART_SIZE))).toBe(0)
  expect(
    s3Mock.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input.MultipartUpload
  ).toEqual({
    Parts: [
      { ETag: '"p1"', PartNumber: 1 },
      { ETag: '"p2"', PartNumber: 2 },
      { ETag: '"p3"', PartNumber: 3 }
    ]
  })
})

test('an ETag that is not the predicted one fails, unless S3 says the object is KMS-encrypted', async () => {
  s3Mock.on(CompleteMultipartUploadCommand).resolves({ ETag: '"0123abcd-3"' })
  s3Mock.on(HeadObjectCommand).resolves({ ETag: '"0123abcd-3"' })
  await expect(uploadFile(s3, 'bucket', big)).rejects.toThrow(
    `the uploaded object's ETag 0123abcd-3 is not the expected ${big.multipartEtag}`
  )
  // The bucket's default encryption, as the answer reports it: no input says KMS.
  s3Mock.on(CompleteMultipartUploadCommand).resolves({
    ETag: '"0123abcd-3"',
    ServerSideEncryption: 'aws:kms'
  })
  expect(await uploadFile(s3, 'bucket', big)).toBe('0123abcd-3')
  // A store that leaves the encryption out of that answer: the object's HEAD tells.
  s3Mock.on(CompleteMultipartUploadCommand).resolves({ ETag: '"0123abcd-3"' })
  s3Mock
    .on(HeadObjectCommand)
    .resolves({ ETag: '"0123abcd-3"', ServerSideEncryption: 'aws:kms:dsse' })
  expect(await uploadFile(s3, 'bucket', big)).toBe('0123abcd-3')
})

test('an answer without an ETag (Ceph RGW) is checked against the HEAD of the object', async () => {
  s3Mock.on(CompleteMultipartUploadCommand).resolves({})
  s3Mock.on(HeadObjectCommand).resolves({ ETag: `"${big.multipartEtag}"` })
  expect(await uploadFile(s3, 'bucket', big)).toBe(big.multipartEtag)
})

test('a failed part aborts the upload, leaving no parts behind', async () => {
  s3Mock
    .on(UploadPartCommand, { PartNumber: 2 })
    .rejects(Object.assign(new Error('digest'), { name: 'BadDigest' }))
  await expect(uploadFile(s3, 'bucket', big)).rejects.toThrow('digest')
  expect(s3Mock.commandCalls(AbortMultipartUploadCommand)[0]!.args[0].input).toEqual({
    Bucket: 'bucket',
    Key: 'video.mp4',
    UploadId: 'U1'
  })
  expect(s3Mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0)
})

test('a small file: one PUT with Content-MD5; without an ETag in the answer, HEAD', async () => {
  const file = sourceFile('a.css', 'd41d8cd98f00b204e9800998ecf8427e', 0)
  s3Mock.on(PutObjectCommand).resolves({})
  s3Mock.on(HeadObjectCommand).resolves({ ETag: '"kms-etag"' })
  expect(await uploadFile(s3, 'bucket', file, Buffer.alloc(0))).toBe('kms-etag')
  expect(s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input.ContentMD5).toBe(
    '1B2M2Y8AsgTpgAmY7PhCfg=='
  )
})

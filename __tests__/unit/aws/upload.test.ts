import { createHash } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand
} from '@aws-sdk/client-s3'
import { updateHeaders, uploadFile } from '../../../src/aws/upload'
import { contentId, type Encoding } from '../../../src/plan/compress'
import { hashFile } from '../../../src/local/hash'
import { MULTIPART_THRESHOLD, PART_SIZE } from '../../../src/plan/multipart'
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
    multipartEtag: digest.multipartEtag,
    partMd5s: digest.partMd5s
  }
}

/** S3's multipart calls, answering CompleteMultipartUpload with `etag`. */
function multipartAnswers(etag: string) {
  s3Mock.reset()
  s3Mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' })
  s3Mock.on(UploadPartCommand).resolves({ ETag: '"part"' })
  s3Mock.on(CompleteMultipartUploadCommand).resolves({ ETag: `"${etag}"` })
  s3Mock.on(AbortMultipartUploadCommand).resolves({})
  // The object's own HEAD, asked when the ETag is not the predicted one: no KMS here.
  s3Mock.on(HeadObjectCommand).resolves({ ETag: `"${etag}"` })
}

test('a multipart upload whose ETag is the one predicted while hashing succeeds', async () => {
  const file = await bigFile()
  expect(file.multipartEtag).toMatch(/^[0-9a-f]{32}-3$/)
  multipartAnswers(file.multipartEtag!)
  expect((await uploadFile(s3, 'bucket', file)).etag).toBe(file.multipartEtag)
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

test('under SSE-KMS the ETag is no digest of the bytes, so it is not compared: as S3 reports it, whatever the inputs', async () => {
  // The bucket's default encryption: no input says KMS, the answer does.
  const file = await bigFile()
  multipartAnswers('kms-etag-that-is-no-md5')
  s3Mock.on(CompleteMultipartUploadCommand).resolves({
    ETag: '"kms-etag-that-is-no-md5"',
    ServerSideEncryption: 'aws:kms'
  })
  expect((await uploadFile(s3, 'bucket', file)).etag).toBe('kms-etag-that-is-no-md5')
  // A store that leaves the encryption out of that answer: the object's HEAD tells.
  s3Mock.on(CompleteMultipartUploadCommand).resolves({ ETag: '"kms-etag-that-is-no-md5"' })
  s3Mock.on(HeadObjectCommand).resolves({ ServerSideEncryption: 'aws:kms:dsse' })
  expect((await uploadFile(s3, 'bucket', file)).etag).toBe('kms-etag-that-is-no-md5')
  // The input alone proves nothing: an answer without KMS is checked.
  const asked = await bigFile({ sse: 'aws:kms' })
  s3Mock.on(HeadObjectCommand).resolves({})
  await expect(uploadFile(s3, 'bucket', asked)).rejects.toMatchObject({ name: 'ChecksumMismatch' })
})

test('each part is sent from its offset with the Content-MD5 computed while hashing', async () => {
  const file = await bigFile()
  multipartAnswers(file.multipartEtag!)
  s3Mock.on(UploadPartCommand).callsFake(input => ({ ETag: `"p${input.PartNumber}"` }))
  await uploadFile(s3, 'bucket', file)
  const parts = s3Mock
    .commandCalls(UploadPartCommand)
    .map(c => c.args[0].input)
    .sort((a, b) => a.PartNumber! - b.PartNumber!)
  expect(parts.map(p => [p.PartNumber, p.ContentMD5])).toEqual(
    file.partMd5s!.map((md5, i) => [i + 1, md5])
  )
  expect((parts[1]!.Body as Buffer).equals(Buffer.alloc(PART_SIZE, 7))).toBe(true)
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

test('an answer without an ETag (Ceph RGW) is checked against the HEAD of the object', async () => {
  const file = await bigFile()
  multipartAnswers('')
  s3Mock.on(CompleteMultipartUploadCommand).resolves({})
  s3Mock.on(HeadObjectCommand).resolves({ ETag: `"${file.multipartEtag}"` })
  expect((await uploadFile(s3, 'bucket', file)).etag).toBe(file.multipartEtag)
})

test('a failed part aborts the upload, leaving no parts behind', async () => {
  const file = await bigFile()
  multipartAnswers(file.multipartEtag!)
  s3Mock
    .on(UploadPartCommand, { PartNumber: 2 })
    .rejects(Object.assign(new Error('digest'), { name: 'BadDigest' }))
  await expect(uploadFile(s3, 'bucket', file)).rejects.toThrow('digest')
  expect(s3Mock.commandCalls(AbortMultipartUploadCommand)[0]!.args[0].input).toEqual({
    Bucket: 'bucket',
    Key: 'video.mp4',
    UploadId: 'u1'
  })
  expect(s3Mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0)
})

test('a small file: one PUT with Content-MD5; without an ETag in the answer, HEAD', async () => {
  s3Mock.reset()
  const file = sourceFile('a.css', 'd41d8cd98f00b204e9800998ecf8427e', 0)
  s3Mock.on(PutObjectCommand).resolves({})
  s3Mock.on(HeadObjectCommand).resolves({ ETag: '"kms-etag"' })
  expect(await uploadFile(s3, 'bucket', file, Buffer.alloc(0))).toEqual({
    etag: 'kms-etag',
    size: 0
  })
  expect(s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input.ContentMD5).toBe(
    '1B2M2Y8AsgTpgAmY7PhCfg=='
  )
})

describe('a file compressed on upload', () => {
  const source = Buffer.from('<h1>hello</h1>'.repeat(200))
  const md5 = createHash('md5').update(source).digest('hex')
  const file = (encoding: Encoding): SourceFile => ({
    ...sourceFile('index.html', md5, source.length, {
      contentType: 'text/html; charset=utf-8',
      contentEncoding: encoding
    }),
    compress: encoding
  })

  test.each([
    ['gzip' as const, gunzipSync],
    ['br' as const, brotliDecompressSync]
  ])(
    '%s: the compressed bytes, their Content-MD5, Content-Encoding, the contentId as metadata; its stored size back',
    async (encoding, decode) => {
      s3Mock.reset()
      s3Mock.on(PutObjectCommand).resolves({ ETag: '"stored-etag"' })
      const stored = await uploadFile(s3, 'bucket', file(encoding), source)
      const put = s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input
      const body = put.Body as Buffer
      expect(decode(body).equals(source)).toBe(true)
      expect(body.length).toBeLessThan(source.length / 10)
      expect(put.ContentMD5).toBe(createHash('md5').update(body).digest('base64'))
      expect([put.ContentEncoding, put.ContentType, put.Metadata]).toEqual([
        encoding,
        'text/html; charset=utf-8',
        { md5: contentId(file(encoding)) }
      ])
      expect(stored).toEqual({ etag: 'stored-etag', size: body.length })
    }
  )

  test('read from disk when its bytes were not kept', async () => {
    const root = await makeSite({ 'index.html': source })
    s3Mock.reset()
    s3Mock.on(PutObjectCommand).resolves({ ETag: '"e"' })
    await uploadFile(s3, 'bucket', { ...file('gzip'), absPath: path.join(root, 'index.html') })
    const body = s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input.Body as Buffer
    expect(gunzipSync(body).equals(source)).toBe(true)
  })

  test('a header update keeps Content-Encoding and the contentId', async () => {
    s3Mock.reset()
    s3Mock.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"e"' } })
    await updateHeaders(s3, 'bucket', file('br'))
    const copy = s3Mock.commandCalls(CopyObjectCommand)[0]!.args[0].input
    expect([copy.ContentEncoding, copy.MetadataDirective, copy.Metadata]).toEqual([
      'br',
      'REPLACE',
      { md5: contentId(file('br')) }
    ])
  })
})

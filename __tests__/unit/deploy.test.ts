/** The order of a deploy and what a failure leaves behind, with mocked AWS clients. */
import { createHash } from 'node:crypto'
import { mockClient } from 'aws-sdk-client-mock'
import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client
} from '@aws-sdk/client-s3'
import {
  CloudFrontClient,
  CreateInvalidationCommand,
  GetInvalidationCommand
} from '@aws-sdk/client-cloudfront'
import { deploy, emptyResult } from '../../src/deploy'
import type { DeployConfig } from '../../src/config/config'
import type { Logger } from '../../src/platform'
import { makeSite } from '../helpers/site'

const s3Mock = mockClient(S3Client)
const cfMock = mockClient(CloudFrontClient)
const credentials = { accessKeyId: 'a', secretAccessKey: 'b' }
const s3 = new S3Client({ region: 'us-east-1', credentials })
const cloudfront = new CloudFrontClient({ region: 'us-east-1', credentials })

const log: Logger & { lines: string[] } = {
  lines: [],
  info(m) {
    this.lines.push(m)
  },
  warning(m) {
    this.lines.push(`warning: ${m}`)
  },
  error(m) {
    this.lines.push(`error: ${m}`)
  },
  debug: () => undefined,
  isDebug: () => false,
  group: (_t, fn) => fn()
}

async function config(overrides: Partial<DeployConfig> = {}): Promise<DeployConfig> {
  return {
    source: await makeSite({
      'index.html': 'home',
      'a/index.html': 'a',
      'css/site.css': 'css',
      'js/app.js': 'js'
    }),
    bucket: 'bucket',
    prefix: '',
    distributionIds: ['E1ABCDEFGH'],
    paths: undefined,
    delete: true,
    dryRun: false,
    wait: false,
    waitTimeoutSeconds: 600,
    region: 'us-east-1',
    concurrency: 4,
    outputsFile: undefined,
    ...overrides
  }
}

/** Every request in the order it was sent, as "Command key", across both clients. */
let sent: string[] = []
const requestLog = () => sent
const record =
  <T>(name: string, output: T) =>
  (input: { Key?: string }) => {
    sent.push(`${name} ${input.Key ?? ''}`.trim())
    return output
  }

beforeEach(() => {
  s3Mock.reset()
  cfMock.reset()
  log.lines = []
  sent = []
  s3Mock
    .on(ListObjectsV2Command)
    .callsFake(
      record('ListObjectsV2Command', { Contents: [{ Key: 'old.css', ETag: '"x"', Size: 1 }] })
    )
  s3Mock.on(PutObjectCommand).callsFake(record('PutObjectCommand', {}))
  s3Mock.on(DeleteObjectsCommand).callsFake(record('DeleteObjectsCommand', {}))
  cfMock
    .on(CreateInvalidationCommand)
    .callsFake(
      record('CreateInvalidationCommand', { Invalidation: { Id: 'I1', Status: 'InProgress' } })
    )
  cfMock
    .on(GetInvalidationCommand)
    .callsFake(
      record('GetInvalidationCommand', { Invalidation: { Id: 'I1', Status: 'Completed' } })
    )
})

test('assets, then pages, then the invalidation, then deletions', async () => {
  const result = emptyResult(false)
  await deploy(await config({ concurrency: 1 }), { s3, cloudfront, log, env: {} }, result)
  const order = requestLog().filter(r => !r.startsWith('ListObjectsV2'))
  expect(order).toEqual([
    'PutObjectCommand css/site.css',
    'PutObjectCommand js/app.js',
    'PutObjectCommand a/index.html',
    'PutObjectCommand index.html',
    'CreateInvalidationCommand',
    'DeleteObjectsCommand'
  ])
  expect(result).toMatchObject({ uploaded: 4, deleted: 1 })
  expect(result.invalidations).toEqual([
    { distributionId: 'E1ABCDEFGH', id: 'I1', status: 'InProgress' }
  ])
})

test('each upload carries its Content-Type and Content-MD5', async () => {
  await deploy(await config(), { s3, cloudfront, log, env: {} }, emptyResult(false))
  const put = s3Mock
    .commandCalls(PutObjectCommand)
    .find(c => c.args[0].input.Key === 'css/site.css')!
  expect(put.args[0].input).toMatchObject({
    Bucket: 'bucket',
    ContentType: 'text/css; charset=utf-8'
  })
  expect(Buffer.from(put.args[0].input.ContentMD5!, 'base64').toString('hex')).toBe(
    createHash('md5').update('css').digest('hex')
  )
})

test('a failed upload means no invalidation and no deletion', async () => {
  s3Mock
    .on(PutObjectCommand, { Key: 'js/app.js' })
    .rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }))
  const result = emptyResult(false)
  await expect(deploy(await config(), { s3, cloudfront, log, env: {} }, result)).rejects.toThrow(
    'Failed to upload js/app.js to s3://bucket/js/app.js: AccessDenied: Access Denied'
  )
  expect(cfMock.commandCalls(CreateInvalidationCommand)).toHaveLength(0)
  expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0)
  // No page was uploaded after an asset failed.
  expect(s3Mock.commandCalls(PutObjectCommand).map(c => c.args[0].input.Key)).not.toContain(
    'index.html'
  )
  expect(result.deleted).toBe(0)
})

test('a failed invalidation means no deletion', async () => {
  cfMock
    .on(CreateInvalidationCommand)
    .rejects(Object.assign(new Error('nope'), { name: 'AccessDenied' }))
  await expect(
    deploy(await config(), { s3, cloudfront, log, env: {} }, emptyResult(false))
  ).rejects.toThrow('Failed to create invalidation for distribution E1ABCDEFGH: AccessDenied: nope')
  expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0)
})

test('dry run: only the listing is requested', async () => {
  const result = emptyResult(true)
  await deploy(await config({ dryRun: true }), { s3, cloudfront, log, env: {} }, result)
  expect(requestLog()).toEqual(['ListObjectsV2Command'])
  expect(result).toMatchObject({ uploaded: 4, deleted: 1 })
  expect(result.invalidationPaths).toEqual([
    '/',
    '/a/',
    '/a/index.html',
    '/css/site.css',
    '/index.html',
    '/js/app.js',
    '/old.css'
  ])
})

test('nothing changed: no upload, no invalidation', async () => {
  const site = await makeSite({ 'index.html': 'home' })
  const md5 = createHash('md5').update('home').digest('hex')
  s3Mock.on(ListObjectsV2Command).callsFake(
    record('ListObjectsV2Command', {
      Contents: [{ Key: 'index.html', ETag: `"${md5}"`, Size: 4 }]
    })
  )
  const result = emptyResult(false)
  await deploy(
    await config({ source: site, paths: ['/*'] }),
    { s3, cloudfront, log, env: {} },
    result
  )
  expect(requestLog()).toEqual(['ListObjectsV2Command'])
  expect(result.plan!.unchanged).toHaveLength(1)
})

test('wait: a timeout fails clearly, after the deploy itself is done', async () => {
  cfMock
    .on(GetInvalidationCommand)
    .resolves({ Invalidation: { Id: 'I1', Status: 'InProgress' } as never })
  const result = emptyResult(false)
  let now = 0
  const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) }
  const run = deploy(
    await config({ wait: true, waitTimeoutSeconds: 60 }),
    { s3, cloudfront, log, env: {}, clock },
    result
  )
  await expect(run).rejects.toThrow(
    /still InProgress after the wait-timeout of 60 s\. The files are deployed/
  )
  expect(result).toMatchObject({ uploaded: 4, deleted: 1 })
  expect(now).toBe(60_000)
  expect(cfMock.commandCalls(GetInvalidationCommand)).toHaveLength(5) // after 5, 10, 20, 20 and the last 5 s
})

/** The order of a deploy and what a failure leaves behind, with mocked AWS clients. */
import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand
} from '@aws-sdk/client-s3'
import {
  CreateInvalidationCommand,
  GetDistributionCommand,
  GetInvalidationCommand
} from '@aws-sdk/client-cloudfront'
import { deploy, emptyResult } from '../../src/deploy'
import type { DeployConfig } from '../../src/config/config'
import { fakeClock, recordingLog } from '../helpers/doubles'
import { makeSite } from '../helpers/site'
import { baseConfig } from '../helpers/fixtures'
import { honourConditions, mockedAws } from '../helpers/mocked-aws'
import { contentTypeFor } from '../../src/plan/content-type'
import { keyDigest, parseManifest } from '../../src/plan/manifest'

const { s3Mock, cfMock, s3, cloudfront } = mockedAws()

const log = recordingLog()

async function config(overrides: Partial<DeployConfig> = {}): Promise<DeployConfig> {
  const source = await makeSite({
    'index.html': 'home',
    'a/index.html': 'a',
    'css/site.css': 'css',
    'js/app.js': 'js'
  })
  return baseConfig(source, overrides)
}

const MANIFEST = '.s3-cloudfront-deploy.json'
const LOCK = '.s3-cloudfront-deploy.lock'

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
  log.lines.length = 0
  sent = []
  s3Mock
    .on(ListObjectsV2Command)
    .callsFake(
      record('ListObjectsV2Command', { Contents: [{ Key: 'old.css', ETag: '"x"', Size: 1 }] })
    )
  s3Mock.on(PutObjectCommand).callsFake(record('PutObjectCommand', { ETag: '"e0"' }))
  honourConditions(s3Mock)
  // No manifest yet.
  s3Mock
    .on(GetObjectCommand)
    .rejects(Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' }))
  s3Mock.on(DeleteObjectsCommand).callsFake(record('DeleteObjectsCommand', {}))
  s3Mock.on(DeleteObjectCommand).callsFake(record('DeleteObjectCommand', {}))
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
  cfMock.on(GetDistributionCommand).callsFake(record('GetDistributionCommand', distribution('')))
})

/** A GetDistribution answer with one S3 origin on the bucket. */
function distribution(originPath: string) {
  return {
    Distribution: {
      DistributionConfig: {
        Origins: {
          Quantity: 1,
          Items: [
            { Id: 's3', DomainName: 'bucket.s3.eu-west-1.amazonaws.com', OriginPath: originPath }
          ]
        },
        DefaultCacheBehavior: { TargetOriginId: 's3' }
      }
    }
  }
}

/** A fake clock that advances only when the code sleeps. */

const awsError = (name: string, message = name, status = 400) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } })

test('assets, then pages, then the invalidation, then deletions', async () => {
  const result = emptyResult(false)
  await deploy(await config({ concurrency: 1 }), { s3, cloudfront, log, env: {} }, result)
  const order = requestLog().filter(r => !r.startsWith('ListObjectsV2'))
  expect(order).toEqual([
    'GetDistributionCommand',
    // The lock is taken by writing the state object, with the paths recorded as pending before
    // the first write, in case the deploy stops; then its lease is written beside it.
    `PutObjectCommand ${MANIFEST}`,
    `PutObjectCommand ${LOCK}`,
    'PutObjectCommand css/site.css',
    'PutObjectCommand js/app.js',
    'PutObjectCommand a/index.html',
    'PutObjectCommand index.html',
    'CreateInvalidationCommand',
    // The lease is renewed right before deleting: a deploy that lost it deletes nothing.
    `PutObjectCommand ${LOCK}`,
    'DeleteObjectsCommand',
    // The state is recorded and the lock released; then its lease goes, if still this deploy's.
    `PutObjectCommand ${MANIFEST}`,
    `DeleteObjectCommand ${LOCK}`
  ])
  expect(s3Mock.commandCalls(DeleteObjectCommand)[0]!.args[0].input).toMatchObject({
    IfMatch: '"e0"'
  })
  const stateWrites = s3Mock
    .commandCalls(PutObjectCommand)
    .filter(c => c.args[0].input.Key === MANIFEST)
    .map(c => c.args[0].input)
  // No state object yet: taken with If-None-Match, naming the lock; released with If-Match.
  expect(stateWrites[0]).toMatchObject({ IfNoneMatch: '*', Metadata: { lock: expect.any(String) } })
  expect(stateWrites[1]).toMatchObject({ IfMatch: expect.any(String) })
  expect(stateWrites[1]!.Metadata?.lock).toBeUndefined()
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
    'Failed to upload js/app.js to s3://bucket/js/app.js: access denied (AccessDenied: Access Denied). The credentials need s3:PutObject on arn:aws:s3:::bucket/*.'
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
  ).rejects.toThrow(
    'Failed to create invalidation for distribution E1ABCDEFGH: access denied (AccessDenied: nope). The credentials need cloudfront:CreateInvalidation on distribution E1ABCDEFGH.'
  )
  expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0)
})

test('dry run: only reads are requested', async () => {
  const result = emptyResult(true)
  await deploy(await config({ dryRun: true }), { s3, cloudfront, log, env: {} }, result)
  expect(requestLog().sort()).toEqual(['GetDistributionCommand', 'ListObjectsV2Command'])
  expect(result).toMatchObject({ uploaded: 4, deleted: 1 })
  expect(result.targets[0]!.paths).toEqual([
    '/',
    '/a/',
    '/a/index.html',
    '/css/site.css',
    '/index.html',
    '/js/app.js',
    '/old.css'
  ])
})

/** The manifest bodies written, decoded; GetObject then serves the last one. */
function keepManifest(): string[] {
  const written: string[] = []
  s3Mock.on(PutObjectCommand, { Key: MANIFEST }).callsFake(input => {
    sent.push(`PutObjectCommand ${MANIFEST}`)
    written.push(gunzipSync(input.Body as Buffer).toString('utf8'))
    return { ETag: `"m${written.length}"` }
  })
  s3Mock.on(GetObjectCommand, { Key: MANIFEST }).callsFake(() => {
    sent.push(`GetObjectCommand ${MANIFEST}`)
    if (written.length === 0)
      throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' })
    const body = gzipSync(written[written.length - 1]!)
    return {
      ETag: `"m${written.length}"`,
      Body: { transformToByteArray: async () => new Uint8Array(body) }
    }
  })
  return written
}

test('nothing changed: no upload, no invalidation; one HEAD the first time, then only the listing, the state object and the distribution check', async () => {
  const site = await makeSite({ 'index.html': 'home' })
  const md5 = createHash('md5').update('home').digest('hex')
  s3Mock.on(ListObjectsV2Command).callsFake(
    record('ListObjectsV2Command', {
      Contents: [{ Key: 'index.html', ETag: `"${md5}"`, Size: 4 }]
    })
  )
  s3Mock
    .on(HeadObjectCommand)
    .callsFake(record('HeadObjectCommand', { ContentType: 'text/html; charset=utf-8' }))
  const written = keepManifest()
  const cfg = await config({ source: site, paths: ['/*'] })

  const first = emptyResult(false)
  await deploy(cfg, { s3, cloudfront, log, env: {} }, first)
  expect(requestLog().sort()).toEqual([
    // Every run checks the distribution (a read), changed or not.
    'GetDistributionCommand',
    `GetObjectCommand ${MANIFEST}`,
    'HeadObjectCommand index.html',
    'ListObjectsV2Command',
    `PutObjectCommand ${MANIFEST}`
  ])
  expect(first.plan!.unchanged).toHaveLength(1)
  expect(parseManifest(written[0]!).entries.get(keyDigest('index.html'))).toMatchObject({
    etag: md5,
    size: 4,
    md5
  })

  sent = []
  const second = emptyResult(false)
  await deploy(cfg, { s3, cloudfront, log, env: {} }, second)
  expect(requestLog().sort()).toEqual([
    'GetDistributionCommand',
    `GetObjectCommand ${MANIFEST}`,
    'ListObjectsV2Command'
  ])
  expect(second.plan!.unchanged).toHaveLength(1)
})

/** The bucket already holds the files of `config()`, as a previous deploy left them. */
function alreadyDeployed() {
  const md5 = (text: string) => createHash('md5').update(text).digest('hex')
  const files = {
    'index.html': 'home',
    'a/index.html': 'a',
    'css/site.css': 'css',
    'js/app.js': 'js'
  }
  const contents = Object.entries(files).map(([Key, text]) => ({
    Key,
    ETag: `"${md5(text)}"`,
    Size: text.length
  }))
  s3Mock.on(ListObjectsV2Command).callsFake(record('ListObjectsV2Command', { Contents: contents }))
  s3Mock.on(HeadObjectCommand).callsFake(input => ({ ContentType: contentTypeFor(input.Key) }))
}

test('a distribution that does not exist is refused also when nothing changed, and in a dry run', async () => {
  alreadyDeployed()
  cfMock
    .on(GetDistributionCommand)
    .rejects(awsError('NoSuchDistribution', 'The specified distribution does not exist.', 404))
  for (const dryRun of [false, true]) {
    sent = []
    const result = emptyResult(dryRun)
    await expect(
      deploy(await config({ delete: false, dryRun }), { s3, cloudfront, log, env: {} }, result)
    ).rejects.toThrow(
      "Input 'distribution-id': distribution E1ABCDEFGH does not exist in this account (NoSuchDistribution). Nothing was changed."
    )
    // The site is up to date (nothing to upload): refused all the same, before planning.
    expect(result.plan?.uploads ?? []).toEqual([])
    expect(result.changedAnything).toBe(false)
    expect(sent.filter(r => /^(Put|Delete|Copy|CreateInvalidation)/.test(r))).toEqual([])
  }
})

test('nothing changed and no cloudfront:GetDistribution: a warning that the distribution was not checked', async () => {
  alreadyDeployed()
  cfMock.on(GetDistributionCommand).rejects(awsError('AccessDenied', 'not allowed', 403))
  const result = emptyResult(false)
  await deploy(await config({ delete: false }), { s3, cloudfront, log, env: {} }, result)
  expect(result.plan!.unchanged).toHaveLength(4)
  expect(log.lines).toContain(
    'warning: Could not read distribution E1ABCDEFGH to check that it exists and find its origin path and domain (AccessDenied: not allowed). Invalidating /<key> URLs as if it had none, and the url output is empty; grant cloudfront:GetDistribution to fix this.'
  )
  expect(cfMock.commandCalls(CreateInvalidationCommand)).toHaveLength(0)
})

test('a state object that cannot be written after a no-change deploy says which permission it needs', async () => {
  const site = await makeSite({ 'index.html': 'home' })
  const md5 = createHash('md5').update('home').digest('hex')
  s3Mock
    .on(ListObjectsV2Command)
    .resolves({ Contents: [{ Key: 'index.html', ETag: `"${md5}"`, Size: 4 }] })
  s3Mock.on(HeadObjectCommand).resolves({ ContentType: 'text/html; charset=utf-8' })
  s3Mock
    .on(PutObjectCommand, { Key: MANIFEST })
    .rejects(awsError('AccessDenied', 'Access Denied', 403))
  await expect(
    deploy(
      await config({ source: site, paths: ['/*'] }),
      { s3, cloudfront, log, env: {} },
      emptyResult(false)
    )
  ).rejects.toThrow(
    `Failed to write the state object s3://bucket/${MANIFEST}: access denied (AccessDenied: Access Denied). The credentials need s3:PutObject on arn:aws:s3:::bucket/${MANIFEST}.`
  )
})

test('a header rule change: CopyObject on the affected objects only, and their URLs invalidated', async () => {
  const site = await makeSite({ 'index.html': 'home', 'a.css': 'css' })
  const etag = (text: string) => createHash('md5').update(text).digest('hex')
  s3Mock.on(ListObjectsV2Command).callsFake(
    record('ListObjectsV2Command', {
      Contents: [
        { Key: 'index.html', ETag: `"${etag('home')}"`, Size: 4 },
        { Key: 'a.css', ETag: `"${etag('css')}"`, Size: 3 }
      ]
    })
  )
  s3Mock.on(CopyObjectCommand).callsFake(input => {
    sent.push(`CopyObjectCommand ${input.Key} ${input.CacheControl} ${input.MetadataDirective}`)
    return { CopyObjectResult: { ETag: `"${etag('home')}"` } }
  })
  s3Mock
    .on(HeadObjectCommand)
    .callsFake(record('HeadObjectCommand', { ContentType: 'text/html; charset=utf-8' }))
  keepManifest()
  const { parseRules, checkCacheControl } = await import('../../src/plan/rules')
  const rules = (text: string) => ({
    cacheControl: parseRules('cache-control', text, checkCacheControl),
    contentType: []
  })
  // First deploy records the headers (HEAD says a.css is text/css, index.html text/html).
  s3Mock.on(HeadObjectCommand, { Key: 'a.css' }).callsFake(
    record('HeadObjectCommand', {
      ContentType: 'text/css; charset=utf-8',
      CacheControl: 'max-age=60'
    })
  )
  s3Mock.on(HeadObjectCommand, { Key: 'index.html' }).callsFake(
    record('HeadObjectCommand', {
      ContentType: 'text/html; charset=utf-8',
      CacheControl: 'max-age=60'
    })
  )
  await deploy(
    await config({ source: site, rules: rules('*: max-age=60') }),
    { s3, cloudfront, log, env: {} },
    emptyResult(false)
  )
  expect(
    sent.filter(
      r =>
        r.startsWith('Copy') ||
        r.startsWith('PutObjectCommand a') ||
        r.startsWith('PutObjectCommand i')
    )
  ).toEqual([])

  // Only the HTML rule changes.
  sent = []
  const result = emptyResult(false)
  await deploy(
    await config({ source: site, rules: rules('*.html: no-cache\n*: max-age=60') }),
    { s3, cloudfront, log, env: {} },
    result
  )
  expect(
    sent.filter(
      r => !/^(ListObjectsV2|GetObject|GetDistribution|(Put|Delete)ObjectCommand \.s3)/.test(r)
    )
  ).toEqual(['CopyObjectCommand index.html no-cache REPLACE', 'CreateInvalidationCommand'])
  expect(result).toMatchObject({ uploaded: 0, updated: 1 })
  expect(result.targets[0]!.paths).toEqual(['/', '/index.html'])
})

test('a failed invalidation stays pending in the manifest, and the next deploy sends it although nothing changed', async () => {
  const written = keepManifest()
  cfMock
    .on(CreateInvalidationCommand)
    .rejectsOnce(Object.assign(new Error('nope'), { name: 'AccessDenied' }))
  const cfg = await config({ delete: false })
  await expect(deploy(cfg, { s3, cloudfront, log, env: {} }, emptyResult(false))).rejects.toThrow(
    'Failed to create invalidation'
  )
  const pending = JSON.parse(written[written.length - 1]!).pending
  expect(pending).toEqual({
    E1ABCDEFGH: ['/', '/a/', '/a/index.html', '/css/site.css', '/index.html', '/js/app.js']
  })

  // The rerun: the files are in the bucket now (listing shows them), nothing to upload.
  const md5 = (text: string) => createHash('md5').update(text).digest('hex')
  const contents = Object.entries({
    'index.html': 'home',
    'a/index.html': 'a',
    'css/site.css': 'css',
    'js/app.js': 'js'
  }).map(([Key, text]) => ({ Key, ETag: `"${md5(text)}"`, Size: text.length }))
  s3Mock.on(ListObjectsV2Command).callsFake(record('ListObjectsV2Command', { Contents: contents }))
  // The objects the failed run uploaded, with the headers it gave them.
  s3Mock.on(HeadObjectCommand).callsFake(input => ({ ContentType: contentTypeFor(input.Key) }))
  cfMock.on(CreateInvalidationCommand).callsFake(input => {
    sent.push(`CreateInvalidationCommand ${input.InvalidationBatch.Paths.Items.join(',')}`)
    return { Invalidation: { Id: 'I2', Status: 'InProgress' } }
  })
  const rerun = emptyResult(false)
  await deploy(cfg, { s3, cloudfront, log, env: {} }, rerun)
  expect(rerun.uploaded).toBe(0)
  expect(sent).toContain(
    'CreateInvalidationCommand /,/a/,/a/index.html,/css/site.css,/index.html,/js/app.js'
  )
  expect(JSON.parse(written[written.length - 1]!).pending).toEqual({})
})

test('wait: at the timeout the deploy has succeeded; a warning, status InProgress, deletions done', async () => {
  cfMock
    .on(GetInvalidationCommand)
    .resolves({ Invalidation: { Id: 'I1', Status: 'InProgress' } as never })
  const result = emptyResult(false)
  const clock = fakeClock()
  await deploy(
    await config({ wait: true, waitTimeoutSeconds: 60 }),
    { s3, cloudfront, log, env: {}, clock },
    result
  )
  expect(result).toMatchObject({ uploaded: 4, deleted: 1 })
  expect(result.invalidations[0]!.status).toBe('InProgress')
  expect(log.lines.join('\n')).toMatch(
    /warning: Invalidation I1 on E1ABCDEFGH is still InProgress after the wait-timeout of 60 s\. The deploy itself has succeeded/
  )
  expect(clock.t).toBe(60_000)
  // Progress is reported at each poll: after 5, 10, 20, 20 and the last 5 s.
  expect(cfMock.commandCalls(GetInvalidationCommand)).toHaveLength(5)
  expect(log.lines.filter(l => /^I1: InProgress after \d+ s$/.test(l))).toHaveLength(5)
})

test('wait: fail-on-wait-timeout makes the timeout an error, after the deploy is complete', async () => {
  cfMock
    .on(GetInvalidationCommand)
    .resolves({ Invalidation: { Id: 'I1', Status: 'InProgress' } as never })
  const result = emptyResult(false)
  const run = deploy(
    await config({ wait: true, waitTimeoutSeconds: 30, failOnWaitTimeout: true }),
    { s3, cloudfront, log, env: {}, clock: fakeClock() },
    result
  )
  await expect(run).rejects.toThrow(
    /still InProgress after the wait-timeout of 30 s.*fail-on-wait-timeout/
  )
  expect(result).toMatchObject({ uploaded: 4, deleted: 1 })
})

test('wait: InProgress then Completed; deletions wait for the invalidation to complete', async () => {
  cfMock
    .on(GetInvalidationCommand)
    .callsFakeOnce(
      record('GetInvalidationCommand', { Invalidation: { Id: 'I1', Status: 'InProgress' } })
    )
    .callsFake(
      record('GetInvalidationCommand', { Invalidation: { Id: 'I1', Status: 'Completed' } })
    )
  const result = emptyResult(false)
  await deploy(
    await config({ wait: true }),
    { s3, cloudfront, log, env: {}, clock: fakeClock() },
    result
  )
  expect(result.invalidations[0]!.status).toBe('Completed')
  expect(sent.slice(-7, -2)).toEqual([
    'CreateInvalidationCommand',
    'GetInvalidationCommand',
    'GetInvalidationCommand',
    `PutObjectCommand ${LOCK}`,
    'DeleteObjectsCommand'
  ])
})

test('the origin path is taken from the distribution: viewer URLs drop it', async () => {
  cfMock.on(GetDistributionCommand).resolves(distribution('/site') as never)
  const result = emptyResult(true)
  await deploy(
    await config({ prefix: 'site/v2/', dryRun: true, delete: false }),
    { s3, cloudfront, log, env: {} },
    result
  )
  expect(result.targets[0]!.paths).toEqual([
    '/v2/',
    '/v2/a/',
    '/v2/a/index.html',
    '/v2/css/site.css',
    '/v2/index.html',
    '/v2/js/app.js'
  ])
})

test('without cloudfront:GetDistribution, a clear warning and /key URLs', async () => {
  cfMock.on(GetDistributionCommand).rejects(awsError('AccessDenied', 'not allowed', 403))
  const result = emptyResult(true)
  await deploy(
    await config({ prefix: 'site/', dryRun: true, delete: false }),
    { s3, cloudfront, log, env: {} },
    result
  )
  expect(log.lines.join('\n')).toMatch(
    /warning: Could not read distribution E1ABCDEFGH to check that it exists and find its origin path and domain \(AccessDenied: not allowed\)\. Invalidating \/<key> URLs as if it had none, and the url output is empty; grant cloudfront:GetDistribution/
  )
  expect(result.targets[0]!.paths).toContain('/site/css/site.css')
})

test('a distribution that does not exist stops the deploy before the first upload', async () => {
  cfMock
    .on(GetDistributionCommand)
    .rejects(awsError('NoSuchDistribution', 'The specified distribution does not exist.', 404))
  await expect(
    deploy(await config(), { s3, cloudfront, log, env: {} }, emptyResult(false))
  ).rejects.toThrow(
    "Input 'distribution-id': distribution E1ABCDEFGH does not exist in this account (NoSuchDistribution). Nothing was changed."
  )
  expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0)
})

test('several distributions: one invalidation each', async () => {
  const result = emptyResult(false)
  await deploy(
    await config({ distributionIds: ['E1AAAAAAAA', 'E2BBBBBBBB'] }),
    { s3, cloudfront, log, env: {} },
    result
  )
  const calls = cfMock
    .commandCalls(CreateInvalidationCommand)
    .map(c => c.args[0].input.DistributionId)
  expect(calls).toEqual(['E1AAAAAAAA', 'E2BBBBBBBB'])
  expect(result.invalidations.map(i => i.distributionId)).toEqual(['E1AAAAAAAA', 'E2BBBBBBBB'])
})

test('TooManyInvalidationsInProgress and throttling are retried with the same CallerReference', async () => {
  cfMock
    .on(CreateInvalidationCommand)
    .rejectsOnce(
      awsError(
        'TooManyInvalidationsInProgress',
        'Processing your request will cause you to exceed the maximum number of in-progress wildcard invalidations.'
      )
    )
    .rejectsOnce(awsError('Throttling', 'Rate exceeded'))
    .resolves({ Invalidation: { Id: 'I9', Status: 'InProgress' } as never })
  const result = emptyResult(false)
  const clock = fakeClock()
  await deploy(
    await config(),
    { s3, cloudfront, log, env: { GITHUB_RUN_ID: '7', GITHUB_RUN_ATTEMPT: '1' }, clock },
    result
  )
  const refs = cfMock
    .commandCalls(CreateInvalidationCommand)
    .map(c => c.args[0].input.InvalidationBatch!.CallerReference)
  expect(refs).toHaveLength(3)
  expect(new Set(refs).size).toBe(1)
  expect(refs[0]).toMatch(/^gh-7-1-/)
  expect(result.invalidations[0]!.id).toBe('I9')
  expect(log.lines.filter(l => l.includes('retry'))).toHaveLength(2)
  expect(result.deleted).toBe(1)
})

test('retrying stops after a bounded time with a clear message, and nothing is deleted', async () => {
  cfMock
    .on(CreateInvalidationCommand)
    .rejects(awsError('TooManyInvalidationsInProgress', 'Too many'))
  const clock = fakeClock()
  const result = emptyResult(false)
  await expect(
    deploy(await config(), { s3, cloudfront, log, env: {}, clock }, result)
  ).rejects.toThrow(
    /Failed to create invalidation for distribution E1ABCDEFGH: RetriesExhaustedError: still failing after \d+ attempt\(s\) over 300 s: TooManyInvalidationsInProgress: Too many/
  )
  expect(clock.t).toBe(300_000)
  expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0)
  expect(result.uploaded).toBe(4)
})

test('an error that is not transient is not retried', async () => {
  cfMock
    .on(CreateInvalidationCommand)
    .rejects(
      awsError('InvalidArgument', 'Your request contains one or more invalid invalidation paths.')
    )
  await expect(
    deploy(await config(), { s3, cloudfront, log, env: {}, clock: fakeClock() }, emptyResult(false))
  ).rejects.toThrow(
    'InvalidArgument: Your request contains one or more invalid invalidation paths.'
  )
  expect(cfMock.commandCalls(CreateInvalidationCommand)).toHaveLength(1)
})

test('more deletions than max-deletes: refused after the plan is shown, before any change', async () => {
  const objects = Array.from({ length: 20 }, (_, i) => ({
    Key: `old-${i}.css`,
    ETag: '"x"',
    Size: 1
  }))
  s3Mock.on(ListObjectsV2Command).callsFake(record('ListObjectsV2Command', { Contents: objects }))
  await expect(
    deploy(await config({ maxDeletes: 5 }), { s3, cloudfront, log, env: {} }, emptyResult(false))
  ).rejects.toThrow(
    'Refusing to deploy: it would delete 20 objects under s3://bucket/, more than max-deletes (5). Nothing was changed. If that is intended, set max-deletes to 20 or more (-1 for no limit).'
  )
  expect(requestLog().filter(r => !/^(ListObjectsV2|GetDistribution)Command/.test(r))).toEqual([])
  expect(log.lines).toContain('Deleting 20 object(s):')
  // -1: no limit
  await deploy(
    await config({ maxDeletes: -1 }),
    { s3, cloudfront, log, env: {} },
    emptyResult(false)
  )
  expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(1)
})

test('a link out of the source: skipped with a warning, or with outside-symlinks: fail, refused', async () => {
  const { mkdtemp, realpath, symlink } = await import('node:fs/promises')
  const { tmpdir } = await import('node:os')
  const path = await import('node:path')
  const cfg = await config()
  // A real path (macOS's /var/folders is /private/var/folders), as the warning names it.
  const outside = await realpath(await mkdtemp(path.join(tmpdir(), 'outside-')))
  await symlink(outside, path.join(cfg.source, 'etc'))
  const result = emptyResult(true)
  await deploy({ ...cfg, dryRun: true }, { s3, cloudfront, log, env: {} }, result)
  expect(result.plan!.uploads.map(u => u.file.key).filter(k => k.startsWith('etc'))).toEqual([])
  expect(log.lines).toContain(
    `warning: Skipped symbolic link etc: leads outside the source, to ${outside}; it is not published.`
  )

  await expect(
    deploy(
      { ...cfg, outsideSymlinks: 'fail' },
      { s3, cloudfront, log, env: {} },
      emptyResult(false)
    )
  ).rejects.toThrow(
    `Symbolic link 'etc' leads outside the source, to ${outside}; outside-symlinks is 'fail'.`
  )
  expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0)
})

test('without s3:GetObject on the manifest: a warning, ETag-only comparison, no HEAD, no manifest write', async () => {
  s3Mock.on(GetObjectCommand).rejects(
    Object.assign(new Error('Access Denied'), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 }
    })
  )
  s3Mock.on(HeadObjectCommand).callsFake(record('HeadObjectCommand', {}))
  const md5 = createHash('md5').update('css').digest('hex')
  s3Mock.on(ListObjectsV2Command).callsFake(
    record('ListObjectsV2Command', {
      Contents: [{ Key: 'css/site.css', ETag: `"${md5}"`, Size: 3 }]
    })
  )
  const result = emptyResult(false)
  await deploy(await config({ delete: false }), { s3, cloudfront, log, env: {} }, result)
  expect(log.lines.join('\n')).toMatch(
    /warning: Cannot read the state object s3:\/\/bucket\/\.s3-cloudfront-deploy\.json \(AccessDenied: Access Denied\): comparing by ETag only/
  )
  expect(sent.filter(r => r.startsWith('HeadObject') || r.includes(MANIFEST))).toEqual([])
  expect(result.plan!.unchanged.map(f => f.key)).toEqual(['css/site.css'])
  expect(result.uploaded).toBe(3)
})

test('a long upload prints its progress at an interval, not a line per file', async () => {
  let release: () => void = () => undefined
  const gate = new Promise<void>(r => (release = r))
  let puts = 0
  s3Mock.on(PutObjectCommand).callsFake(async input => {
    // The first two uploads finish at once; the rest wait until progress has been printed.
    if (!input.Key.startsWith('.s3-') && ++puts > 2) await gate
    return {}
  })
  honourConditions(s3Mock)
  const run = deploy(
    await config({ concurrency: 2, distributionIds: [] }),
    { s3, cloudfront, log, env: {}, progressIntervalMs: 20 },
    emptyResult(false)
  )
  await new Promise(r => setTimeout(r, 70))
  release()
  await run
  const lines = log.lines.filter(l => l.startsWith('Progress: '))
  expect(lines.length).toBeGreaterThanOrEqual(2)
  expect(lines[0]).toMatch(/^Progress: 2\/4 files, \d+ B\/\d+ B \(\d+%\)$/)
})

describe('keep-removed-assets', () => {
  const DAY = 86400
  // The deploy's start, as the injected clock gives it (ms).
  const T = Date.UTC(2026, 10, 26, 10)
  /** The config() site as the first deploy below left it: uploaded, ETag "e0". */
  const site = Object.entries({
    'index.html': 4,
    'a/index.html': 1,
    'css/site.css': 3,
    'js/app.js': 2
  }).map(([Key, Size]) => ({ Key, ETag: '"e0"', Size }))
  const listing = (...keys: string[]) =>
    s3Mock.on(ListObjectsV2Command).callsFake(
      record('ListObjectsV2Command', {
        Contents: [...site, ...keys.map(Key => ({ Key, ETag: `"${'9'.repeat(32)}"`, Size: 9 }))]
      })
    )
  const clockAt = (ms: number) => ({ ...fakeClock(), t: ms, now: () => ms })
  const removed = (text: string) => Object.values(JSON.parse(text).removed).sort()
  const invalidated = () =>
    cfMock
      .commandCalls(CreateInvalidationCommand)
      .flatMap(c => c.args[0].input.InvalidationBatch!.Paths!.Items!)
  const deletedKeys = () =>
    s3Mock
      .commandCalls(DeleteObjectsCommand)
      .flatMap(c => c.args[0].input.Delete!.Objects!.map(o => o.Key))

  test('a removed asset is kept until its period is over, then deleted; a removed page goes at once', async () => {
    const written = keepManifest()
    const cfg = await config({ keepRemovedSeconds: 7 * DAY })
    s3Mock.on(ListObjectsV2Command).callsFake(
      record('ListObjectsV2Command', {
        Contents: [
          { Key: 'old.html', ETag: '"x"', Size: 1 },
          { Key: 'assets/old.js', ETag: '"y"', Size: 1 }
        ]
      })
    )
    const first = emptyResult(false)
    await deploy(cfg, { s3, cloudfront, log, env: {}, clock: clockAt(T) }, first)
    expect(deletedKeys()).toEqual(['old.html'])
    expect(invalidated()).toContain('/old.html')
    expect(invalidated()).not.toContain('/assets/old.js')
    expect(first.deleted).toBe(1)
    expect(first.plan!.kept).toEqual([
      { key: 'assets/old.js', removedAt: T / 1000, until: T / 1000 + 7 * DAY, firstGone: true }
    ])
    expect(log.lines).toContain(
      'Keeping 1 removed asset(s) until 2026-12-03 (keep-removed-assets), neither deleted nor invalidated:'
    )
    // Its clock is in the state object, keyed by digest like every entry.
    const state = parseManifest(written[written.length - 1]!)
    expect(state.entries.get(keyDigest('assets/old.js'))?.removedAt).toBe(T / 1000)

    // A day later, nothing changed but one more asset left the build: its clock is recorded
    // with one conditional write of the state object, without the lock; nothing else is sent.
    listing('assets/old.js', 'img/gone.png')
    sent = []
    const second = emptyResult(false)
    await deploy(cfg, { s3, cloudfront, log, env: {}, clock: clockAt(T + DAY * 1000) }, second)
    expect(
      requestLog().filter(r => !/^(ListObjectsV2|GetObject|GetDistribution)Command/.test(r))
    ).toEqual([`PutObjectCommand ${MANIFEST}`])
    expect(removed(written[written.length - 1]!)).toEqual([T / 1000, T / 1000 + DAY])

    // Once more, nothing new: a kept asset costs nothing (no write at all).
    sent = []
    await deploy(
      cfg,
      { s3, cloudfront, log, env: {}, clock: clockAt(T + 2 * DAY * 1000) },
      emptyResult(false)
    )
    expect(
      requestLog().filter(r => !/^(ListObjectsV2|GetObject|GetDistribution)Command/.test(r))
    ).toEqual([])

    // Seven days after it left, the first asset is due: max-deletes counts it.
    const due = clockAt(T + 7 * DAY * 1000)
    await expect(
      deploy(
        { ...cfg, maxDeletes: 0 },
        { s3, cloudfront, log, env: {}, clock: due },
        emptyResult(false)
      )
    ).rejects.toThrow(
      'Refusing to deploy: it would delete 1 objects under s3://bucket/ (1 of them removed assets whose keep-removed-assets period is over), more than max-deletes (0).'
    )
    s3Mock.resetHistory()
    cfMock.resetHistory()
    const last = emptyResult(false)
    await deploy(cfg, { s3, cloudfront, log, env: {}, clock: due }, last)
    // Deleted, not invalidated: its cached copies are the bytes the bucket served.
    expect(deletedKeys()).toEqual(['assets/old.js'])
    expect(cfMock.commandCalls(CreateInvalidationCommand)).toHaveLength(0)
    expect(last.deleted).toBe(1)
    expect(last.plan!.kept.map(a => a.key)).toEqual(['img/gone.png'])
    expect(removed(written[written.length - 1]!)).toEqual([T / 1000 + DAY])
  })

  test('a dry run shows what it would keep and what it would delete, and writes nothing', async () => {
    const written = keepManifest()
    const cfg = await config({ keepRemovedSeconds: 3600 })
    s3Mock.on(ListObjectsV2Command).callsFake(
      record('ListObjectsV2Command', {
        Contents: ['assets/a.js', 'old.html'].map(Key => ({ Key, ETag: '"x"', Size: 1 }))
      })
    )
    await deploy(cfg, { s3, cloudfront, log, env: {}, clock: clockAt(T) }, emptyResult(false))
    const count = written.length
    listing('assets/a.js', 'assets/b.js')
    const result = emptyResult(true)
    log.lines.length = 0
    await deploy(
      { ...cfg, dryRun: true },
      { s3, cloudfront, log, env: {}, clock: clockAt(T + 3600 * 1000) },
      result
    )
    expect(written).toHaveLength(count)
    expect(result.deleted).toBe(1)
    expect(log.lines).toEqual(
      expect.arrayContaining([
        'Would keep 1 removed asset(s) until 2026-11-26 12:00:00 UTC (keep-removed-assets), neither deleted nor invalidated:',
        '  = assets/b.js (left the build 2026-11-26 11:00:00 UTC; deleted by the first deploy from 2026-11-26 12:00:00 UTC)',
        'Would delete 1 object(s):',
        '  - assets/a.js (left the build 2026-11-26 10:00:00 UTC; its keep-removed-assets period is over)'
      ])
    )
  })

  test('a deploy that fails before its new build is live starts no clock', async () => {
    const written = keepManifest()
    s3Mock
      .on(PutObjectCommand, { Key: 'js/app.js' })
      .rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }))
    s3Mock.on(ListObjectsV2Command).callsFake(
      record('ListObjectsV2Command', {
        Contents: [{ Key: 'assets/old.js', ETag: '"y"', Size: 1 }]
      })
    )
    await expect(
      deploy(
        await config({ keepRemovedSeconds: 3600 }),
        { s3, cloudfront, log, env: {}, clock: clockAt(T) },
        emptyResult(false)
      )
    ).rejects.toThrow('Failed to upload js/app.js')
    expect(removed(written[written.length - 1]!)).toEqual([])
  })
})

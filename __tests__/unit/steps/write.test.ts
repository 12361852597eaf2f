/** The write step of a deploy: what each upload carries, header-only updates, progress. */
import { createHash } from 'node:crypto'
import {
  CopyObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand
} from '@aws-sdk/client-s3'
import { deploy, emptyResult } from '../../../src/deploy'
import { makeSite } from '../../helpers/site'
import { deployHarness } from '../../helpers/deploy-harness'
import { honourConditions } from '../../helpers/mocked-aws'

const { s3Mock, log, sent, record, clearSent, config, deps, keepManifest } = deployHarness()

test('each upload carries its Content-Type and Content-MD5', async () => {
  await deploy(await config(), deps(), emptyResult(false))
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
  const { parseRules, checkCacheControl } = await import('../../../src/plan/rules')
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
    deps(),
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
  clearSent()
  const result = emptyResult(false)
  await deploy(
    await config({ source: site, rules: rules('*.html: no-cache\n*: max-age=60') }),
    deps(),
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
    deps({ progressIntervalMs: 20 }),
    emptyResult(false)
  )
  // Held until two progress lines were printed (bounded: 10 s), however slow the machine.
  const printed = () => log.lines.filter(l => l.startsWith('Progress: '))
  for (let i = 0; i < 500 && printed().length < 2; i++) await new Promise(r => setTimeout(r, 20))
  release()
  await run
  const lines = printed()
  expect(lines.length).toBeGreaterThanOrEqual(2)
  expect(lines[0]).toMatch(/^Progress: 2\/4 files, \d+ B\/\d+ B \(\d+%\)$/)
})

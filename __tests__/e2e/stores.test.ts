/**
 * Where AWS is stricter than moto: the bundled action through the stand-in (helpers/stand-in.ts),
 * which behaves as AWS documents, one behaviour switched on per test. The bucket is checked with
 * the aws CLI, straight against moto.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { motoSuite } from '../helpers/moto'
import { aws, createDistribution, downloadAll, LEASE, listObjects, MANIFEST } from '../helpers/aws'
import { runGitHub, runGitLab } from '../helpers/action'
import { standInSuite, type RequestInfo } from '../helpers/stand-in'
import { makeSite, writeFiles } from '../helpers/site'

const moto = motoSuite('stores')
const suite = standInSuite(moto)

const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex')
const digests = (files: Record<string, string | Buffer>) =>
  Object.fromEntries(Object.entries(files).map(([k, v]) => [k, md5(v)]))

/** The site's objects as moto holds them (the action's own aside), as key → MD5 of the bytes. */
async function bucketDigests(bucket: string): Promise<Record<string, string>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'stores-get-'))
  await downloadAll(moto.endpoint, bucket, dir)
  const out: Record<string, string> = {}
  for (const o of await listObjects(moto.endpoint, bucket)) {
    if (o.Key.endsWith(LEASE)) continue
    out[o.Key] = md5(await readFile(path.join(dir, ...o.Key.split('/'))))
  }
  return out
}

const isSiteWrite = (r: { method: string; path: string }) =>
  ['PUT', 'POST'].includes(r.method) && !/\.s3-cloudfront-deploy\.(json|lock)$/.test(r.path)

const bigSite = () => ({
  'index.html': '<h1>encrypted</h1>',
  'css/site.css': 'body{}',
  'video/intro.mp4': randomBytes(20 * 1024 * 1024)
})

describe('SSE-KMS and DSSE-KMS: ETags that are not MD5s', () => {
  test.each([
    ['the bucket default is SSE-KMS', {}, true],
    ["sse: 'aws:kms'", { sse: 'aws:kms' }, false],
    ["sse: 'aws:kms:dsse'", { sse: 'aws:kms:dsse' }, false]
  ])(
    '%s: a first deploy with a 20 MiB file, a rebuild uploads nothing, an edit uploads one',
    async (_name, extra: Record<string, string>, bucketDefault) => {
      suite.current.modes.kmsEtags = true
      suite.current.modes.contentMd5 = true
      const bucket = await moto.newBucket()
      if (bucketDefault) {
        await aws(
          moto.endpoint,
          's3api',
          'put-bucket-encryption',
          '--bucket',
          bucket,
          '--server-side-encryption-configuration',
          '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"}}]}'
        )
      }
      const files: Record<string, string | Buffer> = bigSite()
      const site = await makeSite(files)
      const inputs = { source: site, bucket, delete: 'true', ...extra }

      const first = await runGitHub({ endpoint: suite.current.url, cwd: site, inputs })
      expect(first.stderr).toBe('')
      expect(first.code).toBe(0)
      expect(first.outputs).toMatchObject({ uploaded: '3' })
      expect(await bucketDigests(bucket)).toEqual(digests(files))
      // The stand-in was in the way: the listing it gives shows no MD5 as an ETag.
      const listed = await aws(suite.current.url, 's3api', 'list-objects-v2', '--bucket', bucket)
      const css = (listed.Contents as { Key: string; ETag: string }[]).find(
        o => o.Key === 'css/site.css'
      )
      expect(css?.ETag.replace(/"/g, '')).not.toBe(md5('body{}'))

      const again = await runGitLab({ endpoint: suite.current.url, cwd: site, inputs })
      expect(again.code).toBe(0)
      expect(again.outputs).toMatchObject({ UPLOADED: '0', UPDATED: '0', DELETED: '0' })

      files['css/site.css'] = 'body{color:red}'
      await writeFiles(site, { 'css/site.css': files['css/site.css'] })
      const edit = await runGitHub({ endpoint: suite.current.url, cwd: site, inputs })
      expect(edit.code).toBe(0)
      expect(edit.outputs).toMatchObject({ uploaded: '1', unchanged: '2' })
      expect(await bucketDigests(bucket)).toEqual(digests(files))
    },
    180_000
  )

  test.each([
    [
      'a part of a multipart upload',
      'video/intro.mp4',
      (r: RequestInfo) => /partNumber=2/.test(r.url)
    ],
    [
      'a single PUT',
      'css/site.css',
      (r: RequestInfo) => r.method === 'PUT' && r.path.endsWith('/css/site.css')
    ]
  ])(
    'bytes corrupted on the way (%s) are refused by S3, and nothing is deleted',
    async (_name, corrupted, corrupt) => {
      suite.current.modes.kmsEtags = true
      suite.current.modes.contentMd5 = true
      const bucket = await moto.newBucket()
      const old = await makeSite({ 'old.html': 'old' })
      expect(
        (
          await runGitHub({
            endpoint: suite.current.url,
            cwd: old,
            inputs: { source: old, bucket }
          })
        ).code
      ).toBe(0)
      suite.current.modes.corrupt = corrupt
      const site = await makeSite(bigSite())
      const run = await runGitLab({
        endpoint: suite.current.url,
        cwd: site,
        inputs: { source: site, bucket, sse: 'aws:kms', delete: 'true' }
      })
      expect(run.code).toBe(1)
      expect(run.stdout + run.stderr).toMatch(/BadDigest/)
      expect(run.stdout + run.stderr).toMatch(/nothing is deleted after a failure/)
      const keys = (await listObjects(moto.endpoint, bucket)).map(o => o.Key)
      expect(keys).toContain('old.html')
      expect(keys).not.toContain(corrupted)
    },
    180_000
  )
})

describe('a store that does not honour conditional writes', () => {
  test('the deploy is refused before any file of the site is written, naming the lock input', async () => {
    suite.current.modes.ignoreConditions = true
    const bucket = await moto.newBucket()
    const site = await makeSite({ 'index.html': 'home', 'app.js': 'x' })
    const run = await runGitHub({
      endpoint: suite.current.url,
      cwd: site,
      inputs: { source: site, bucket }
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      'The store does not honour conditional writes: it accepted a write with If-None-Match: * and If-Match that S3 refuses'
    )
    expect(run.stdout).toContain("set the input 'lock' to false")
    expect(suite.current.log.filter(isSiteWrite)).toEqual([])
    // Nothing of this deploy is left: no site, no state object, no lease.
    expect(await listObjects(moto.endpoint, bucket, { withManifest: true })).toEqual([])
  }, 120_000)

  test('with lock: false it deploys, and warns once that it is unlocked', async () => {
    suite.current.modes.ignoreConditions = true
    const bucket = await moto.newBucket()
    const files = { 'index.html': 'home', 'app.js': 'x' }
    const site = await makeSite(files)
    const inputs = { source: site, bucket, lock: 'false', delete: 'true' }
    const run = await runGitLab({ endpoint: suite.current.url, cwd: site, inputs })
    expect(run.code).toBe(0)
    const said = `${run.stdout}${run.stderr}`.match(/Deploying without a lock \(lock: false\)/g)
    expect(said).toHaveLength(1)
    expect(await bucketDigests(bucket)).toEqual(digests(files))
    // No lock taken, so no lease and no conditional write at all.
    expect(suite.current.log.filter(r => r.path.endsWith(LEASE))).toEqual([])
    expect(
      suite.current.log.filter(r => r.headers['if-match'] || r.headers['if-none-match'])
    ).toEqual([])
    const again = await runGitHub({ endpoint: suite.current.url, cwd: site, inputs })
    expect(again.outputs).toMatchObject({ uploaded: '0', unchanged: '2' })
  }, 120_000)
})

describe('conditional writes as AWS answers them', () => {
  test('a write that landed but whose answer was lost (500) is known as its own, not waited on', async () => {
    let failed = 0
    suite.current.modes.failAfterCommit = r =>
      r.method === 'PUT' && r.path.endsWith(MANIFEST) && failed++ === 0
    const bucket = await moto.newBucket()
    const site = await makeSite({ 'index.html': 'home' })
    const started = Date.now()
    const run = await runGitHub({
      endpoint: suite.current.url,
      cwd: site,
      inputs: { source: site, bucket }
    })
    expect(run.code).toBe(0)
    expect(suite.current.log.filter(r => r.outcome === 'committed-then-500')).toHaveLength(1)
    expect(run.stdout).not.toMatch(/Another deploy/)
    expect(Date.now() - started).toBeLessThan(30_000)
  }, 120_000)

  test('409 ConditionalRequestConflict is retried, as AWS says, not taken for a lost lock', async () => {
    let conflicts = 0
    suite.current.modes.conflict = r =>
      r.method === 'PUT' && r.path.endsWith(MANIFEST) && !!r.headers['if-match'] && conflicts++ < 2
    const bucket = await moto.newBucket()
    const site = await makeSite({ 'index.html': 'home', 'old.css': 'x' })
    const run = await runGitLab({
      endpoint: suite.current.url,
      cwd: site,
      inputs: { source: site, bucket }
    })
    expect(run.code).toBe(0)
    // The first deploy's last write, the release, met the conflicts.
    expect(suite.current.log.filter(r => r.status === 409)).toHaveLength(2)
    expect(run.stdout + run.stderr).not.toMatch(/lost the lock/)
  }, 120_000)

  test('two deploys whose conditional writes race end as one build', async () => {
    suite.current.modes.conditionalConflicts = true
    const bucket = await moto.newBucket()
    const a = { 'index.html': 'a', 'a.css': 'a' }
    const b = { 'index.html': 'b', 'b.css': 'b' }
    const [siteA, siteB] = [await makeSite(a), await makeSite(b)]
    const inputs = (source: string) => ({ source, bucket, delete: 'true' })
    const [ra, rb] = await Promise.all([
      runGitHub({ endpoint: suite.current.url, cwd: siteA, inputs: inputs(siteA) }),
      runGitLab({ endpoint: suite.current.url, cwd: siteB, inputs: inputs(siteB) })
    ])
    expect([ra.code, rb.code]).toEqual([0, 0])
    expect([digests(a), digests(b)]).toContainEqual(await bucketDigests(bucket))
  }, 120_000)
})

describe('an S3-compatible store', () => {
  test('endpoint and path-style: S3 requests go to the store, by path; CloudFront stays AWS', async () => {
    const bucket = await moto.newBucket()
    const distribution = await createDistribution(moto.endpoint)
    const files = { 'index.html': 'home', 'css/site.css': 'body{}' }
    const site = await makeSite(files)
    // A host name, not an IP address: the SDK would put the bucket in it without path-style.
    const store = suite.current.url.replace('127.0.0.1', 'localhost')
    const run = await runGitLab({
      endpoint: moto.endpoint,
      cwd: site,
      inputs: {
        source: site,
        bucket,
        endpoint: store,
        'path-style': 'true',
        'distribution-id': distribution
      }
    })
    expect(run.code).toBe(0)
    expect(await bucketDigests(bucket)).toEqual(digests(files))
    const seen = suite.current.log
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.every(r => r.service === 's3' && r.path.startsWith(`/${bucket}`))).toBe(true)
    expect(run.outputs.INVALIDATION_ID).not.toBe('')
  }, 120_000)
})

describe('CloudFront as AWS answers it', () => {
  test('invalidations that stay InProgress, and TooManyInvalidationsInProgress while they do', async () => {
    suite.current.modes.invalidationInProgressMs = 4000
    suite.current.modes.invalidationLimits = true
    const bucket = await moto.newBucket()
    const distribution = await createDistribution(moto.endpoint)
    const files: Record<string, string> = {}
    for (let i = 0; i < 40; i++) files[`docs/${i}/index.html`] = `page ${i}`
    const site = await makeSite(files)
    const inputs = { source: site, bucket, 'distribution-id': distribution, paths: '/docs/*' }
    const first = await runGitHub({
      endpoint: suite.current.url,
      cwd: site,
      inputs: { ...inputs, wait: 'true', 'wait-timeout': '1' }
    })
    expect(first.code).toBe(0)
    expect(first.outputs['invalidation-status']).toBe('InProgress')
    expect(first.stdout).toMatch(/is still InProgress after the wait-timeout of 1 s/)
    // 15 wildcard paths at most in progress: the next one waits until the first has completed.
    const many = Array.from({ length: 15 }, (_, i) => `/docs/${i}/*`).join('\n')
    await writeFiles(site, { 'docs/0/index.html': 'edited' })
    const second = await runGitLab({
      endpoint: suite.current.url,
      cwd: site,
      inputs: { ...inputs, paths: many }
    })
    expect(second.code).toBe(0)
    expect(
      suite.current.log.filter(r => r.status === 400 && r.path.endsWith('/invalidation')).length
    ).toBeGreaterThan(0)
    expect(second.outputs.INVALIDATION_ID).not.toBe('')
  }, 120_000)
})

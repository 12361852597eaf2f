/** Per-file headers, filters, object settings and large files, end to end against moto. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import * as os from 'node:os'
import * as path from 'node:path'
import { motoSuite } from '../helpers/moto'
import {
  aws,
  createDistribution,
  getInvalidationPaths,
  headObject,
  listObjects,
  LEASE,
  MANIFEST
} from '../helpers/aws'
import { runGitHub, runGitLab } from '../helpers/action'
import { makeSite } from '../helpers/site'
import { startFaultProxy } from '../helpers/fault-proxy'

const moto = motoSuite('rules')
const newBucket = () => moto.newBucket()

const SITE = {
  'index.html': '<h1>home</h1>',
  'posts/a/index.html': '<h1>a</h1>',
  'posts/b/index.html': '<h1>b</h1>',
  'css/site.3f2a.css': 'body{}',
  'css/vendor/reset.css': '*{margin:0}',
  'js/app.9c1e.js': 'main()',
  'img/logo.png': 'PNG',
  feed: '<rss/>',
  'app.wasm': '\0asm',
  'drafts/idea.md': '# not ready',
  'README.md': '# notes'
}
const RULES =
  '*.html: no-cache\ncss/**: public, max-age=31536000, immutable\n*: public, max-age=3600'

test('cache-control and content-type rules: every object carries the right header; exclude keeps drafts out', async () => {
  const site = await makeSite(SITE)
  const bucket = await newBucket()
  const run = await runGitLab({
    endpoint: moto.endpoint,
    cwd: site,
    inputs: {
      source: site,
      bucket,
      'cache-control': RULES,
      'content-type': 'feed: application/rss+xml; charset=utf-8',
      exclude: '*.md'
    }
  })
  expect(run.code).toBe(0)
  const keys = (await listObjects(moto.endpoint, bucket)).map(o => o.Key)
  expect(keys).toEqual(
    Object.keys(SITE)
      .filter(k => !k.endsWith('.md'))
      .sort()
  )
  const expected: Record<string, [string, string]> = {
    'index.html': ['no-cache', 'text/html; charset=utf-8'],
    'posts/a/index.html': ['no-cache', 'text/html; charset=utf-8'],
    'posts/b/index.html': ['no-cache', 'text/html; charset=utf-8'],
    'css/site.3f2a.css': ['public, max-age=31536000, immutable', 'text/css; charset=utf-8'],
    'css/vendor/reset.css': ['public, max-age=31536000, immutable', 'text/css; charset=utf-8'],
    'js/app.9c1e.js': ['public, max-age=3600', 'text/javascript; charset=utf-8'],
    'img/logo.png': ['public, max-age=3600', 'image/png'],
    feed: ['public, max-age=3600', 'application/rss+xml; charset=utf-8'],
    'app.wasm': ['public, max-age=3600', 'application/wasm']
  }
  for (const [key, [cacheControl, contentType]] of Object.entries(expected)) {
    const head = await headObject(moto.endpoint, bucket, key)
    expect([key, head.CacheControl, head.ContentType]).toEqual([key, cacheControl, contentType])
  }
})

test('changing only the HTML rule updates every HTML object, in place, and no other object', async () => {
  const site = await makeSite(SITE)
  const bucket = await newBucket()
  const distribution = await createDistribution(moto.endpoint, '', `${bucket}.s3.amazonaws.com`)
  const inputs = {
    source: site,
    bucket,
    'distribution-id': distribution,
    'cache-control': RULES,
    exclude: '*.md'
  }
  expect((await runGitHub({ endpoint: moto.endpoint, cwd: site, inputs })).code).toBe(0)
  const before = await listObjects(moto.endpoint, bucket)

  const proxy = await startFaultProxy({ target: moto.endpoint })
  try {
    const newRules = RULES.replace(
      '*.html: no-cache',
      '*.html: public, max-age=60, must-revalidate'
    )
    const run = await runGitHub({
      endpoint: proxy.url,
      cwd: site,
      inputs: { ...inputs, 'cache-control': newRules }
    })
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ uploaded: '0', updated: '3', deleted: '0', unchanged: '6' })
    // Writes: a copy of each HTML object onto itself, and the state object and its lease (the
    // lock). Nothing else.
    const writes = proxy.requests.filter(
      r => r.method === 'PUT' && !r.path.endsWith(MANIFEST) && !r.path.endsWith(LEASE)
    )
    expect(writes.map(r => [r.path, r.copySource]).sort()).toEqual(
      ['index.html', 'posts/a/index.html', 'posts/b/index.html'].map(k => [
        `/${bucket}/${k}`,
        `${bucket}/${k}`
      ])
    )
    for (const key of ['index.html', 'posts/a/index.html']) {
      expect((await headObject(moto.endpoint, bucket, key)).CacheControl).toBe(
        'public, max-age=60, must-revalidate'
      )
    }
    expect((await headObject(moto.endpoint, bucket, 'css/site.3f2a.css')).CacheControl).toBe(
      'public, max-age=31536000, immutable'
    )
    // Content untouched: same ETags.
    expect((await listObjects(moto.endpoint, bucket)).map(o => [o.Key, o.ETag])).toEqual(
      before.map(o => [o.Key, o.ETag])
    )
    // Their URLs, and only theirs, are invalidated.
    expect(
      (
        await getInvalidationPaths(moto.endpoint, distribution, run.outputs['invalidation-id']!)
      ).sort()
    ).toEqual([
      '/',
      '/index.html',
      '/posts/a/',
      '/posts/a/index.html',
      '/posts/b/',
      '/posts/b/index.html'
    ])
  } finally {
    await proxy.close()
  }
})

test('a no-change deploy costs the listing and one small read: ListObjectsV2 per 1,000 objects, GetObject of the manifest', async () => {
  const files: Record<string, string> = {}
  for (let i = 0; i < 1500; i++) files[`p/${i % 30}/f${i}.txt`] = `file ${i}`
  const site = await makeSite(files)
  const bucket = await newBucket()
  expect(
    (
      await runGitLab({
        endpoint: moto.endpoint,
        cwd: site,
        inputs: { source: site, bucket, 'cache-control': '*: max-age=60' }
      })
    ).code
  ).toBe(0)
  const manifest = (await listObjects(moto.endpoint, bucket, { withManifest: true })).find(
    o => o.Key === MANIFEST
  )!
  expect(manifest.Size).toBeLessThan(60 * 1024) // gzipped: ~40 bytes a file

  const proxy = await startFaultProxy({ target: moto.endpoint })
  try {
    const run = await runGitLab({
      endpoint: proxy.url,
      cwd: site,
      inputs: { source: site, bucket, 'cache-control': '*: max-age=60' }
    })
    expect(run.outputs).toMatchObject({ UPLOADED: '0', UPDATED: '0', UNCHANGED: '1500' })
    expect(proxy.requests.map(r => `${r.method} ${r.path}`).sort()).toEqual(
      [`GET /${bucket}/`, `GET /${bucket}/`, `GET /${bucket}/${MANIFEST}`].sort()
    )
  } finally {
    await proxy.close()
  }
})

test('no ACL unless asked; acl: public-read grants public read; an unknown ACL is refused', async () => {
  const site = await makeSite({ 'index.html': 'home' })
  const plain = await newBucket()
  expect(
    (
      await runGitLab({
        endpoint: moto.endpoint,
        cwd: site,
        inputs: { source: site, bucket: plain }
      })
    ).code
  ).toBe(0)
  const grants = async (bucket: string) =>
    (
      (
        await aws(
          moto.endpoint,
          's3api',
          'get-object-acl',
          '--bucket',
          bucket,
          '--key',
          'index.html'
        )
      ).Grants as { Grantee: { URI?: string }; Permission: string }[]
    )
      .filter(g => g.Grantee.URI)
      .map(g => `${g.Grantee.URI} ${g.Permission}`)
  expect(await grants(plain)).toEqual([])

  const open = await newBucket()
  expect(
    (
      await runGitLab({
        endpoint: moto.endpoint,
        cwd: site,
        inputs: { source: site, bucket: open, acl: 'public-read' }
      })
    ).code
  ).toBe(0)
  expect(await grants(open)).toEqual(['http://acs.amazonaws.com/groups/global/AllUsers READ'])

  const bad = await runGitLab({
    endpoint: moto.endpoint,
    cwd: site,
    inputs: { source: site, bucket: plain, acl: 'public' }
  })
  expect(bad.code).not.toBe(0)
  expect(bad.stderr).toContain("Input 'acl' must be one of private, public-read")
})

test('storage-class and sse are set on every object', async () => {
  const site = await makeSite({ 'index.html': 'home', 'a.css': 'a' })
  const bucket = await newBucket()
  const run = await runGitHub({
    endpoint: moto.endpoint,
    cwd: site,
    inputs: { source: site, bucket, 'storage-class': 'STANDARD_IA', sse: 'AES256' }
  })
  expect(run.code).toBe(0)
  for (const key of ['index.html', 'a.css']) {
    const head = await headObject(moto.endpoint, bucket, key)
    expect([key, head.StorageClass, head.ServerSideEncryption]).toEqual([
      key,
      'STANDARD_IA',
      'AES256'
    ])
  }
  // Unchanged settings: nothing to do the second time.
  const again = await runGitHub({
    endpoint: moto.endpoint,
    cwd: site,
    inputs: { source: site, bucket, 'storage-class': 'STANDARD_IA', sse: 'AES256' }
  })
  expect(again.outputs).toMatchObject({ uploaded: '0', updated: '0', unchanged: '2' })
})

test('a 40 MB file is uploaded in parts, then skipped while unchanged, even without the manifest', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'big-'))
  await writeFile(path.join(dir, 'video.mp4'), randomBytes(40 * 1024 * 1024))
  await writeFile(path.join(dir, 'index.html'), '<video src="/video.mp4">')
  const bucket = await newBucket()
  const inputs = { source: dir, bucket }
  const first = await runGitHub({ endpoint: moto.endpoint, cwd: dir, inputs })
  expect(first.code).toBe(0)
  const video = (await listObjects(moto.endpoint, bucket)).find(o => o.Key === 'video.mp4')!
  expect(video.ETag).toMatch(/-5"$/) // 5 parts of 8 MiB
  expect((await headObject(moto.endpoint, bucket, 'video.mp4')).ContentType).toBe('video/mp4')

  const second = await runGitHub({ endpoint: moto.endpoint, cwd: dir, inputs })
  expect(second.outputs).toMatchObject({ uploaded: '0', unchanged: '2' })
  // Without the manifest, the predicted multipart ETag (and the MD5 in the metadata) still tell.
  await aws(moto.endpoint, 's3api', 'delete-object', '--bucket', bucket, '--key', MANIFEST)
  const third = await runGitHub({ endpoint: moto.endpoint, cwd: dir, inputs })
  expect(third.outputs).toMatchObject({ uploaded: '0', updated: '0', unchanged: '2' })
  await rm(dir, { recursive: true, force: true })
})

test('excluded objects are not deleted, and the manifest never is', async () => {
  const site = await makeSite({ 'index.html': 'v1', 'notes.md': 'keep me remote' })
  const bucket = await newBucket()
  expect(
    (await runGitLab({ endpoint: moto.endpoint, cwd: site, inputs: { source: site, bucket } })).code
  ).toBe(0)
  await rm(path.join(site, 'notes.md'))
  const run = await runGitLab({
    endpoint: moto.endpoint,
    cwd: site,
    inputs: { source: site, bucket, delete: 'true', exclude: '*.md' }
  })
  expect(run.code).toBe(0)
  expect(run.outputs.DELETED).toBe('0')
  expect(
    (await listObjects(moto.endpoint, bucket, { withManifest: true })).map(o => o.Key)
  ).toEqual([MANIFEST, 'index.html', 'notes.md'])
})

/** Which paths get invalidated, end to end: the bundled action against moto_server. */
import { rm } from 'node:fs/promises'
import * as path from 'node:path'
import { motoSuite } from '../helpers/moto'
import {
  createDistribution,
  getInvalidationPaths,
  listInvalidations,
  listObjects
} from '../helpers/aws'
import { runGitHub, runGitLab } from '../helpers/action'
import { makeSite, writeFiles } from '../helpers/site'
import { docsHugoBlog } from '../helpers/site-shapes'

const moto = motoSuite('inv')
const newBucket = () => moto.newBucket()

/** A blog: home, about, 80 posts, a stylesheet. */
function blog(): Record<string, string> {
  const files: Record<string, string> = {
    'index.html': 'home v1',
    'about/index.html': 'about v1',
    'css/site.css': 'body{}'
  }
  for (let i = 0; i < 80; i++) files[`posts/post-${i}/index.html`] = `post ${i} v1`
  return files
}

async function deployed(files: Record<string, string>, extra: Record<string, string> = {}) {
  const site = await makeSite(files)
  const bucket = await newBucket()
  const distribution = await createDistribution(
    moto.endpoint,
    '',
    `${bucket}.s3.us-east-1.amazonaws.com`
  )
  const inputs = { source: site, bucket, 'distribution-id': distribution, ...extra }
  const first = await runGitHub({ endpoint: moto.endpoint, cwd: site, inputs })
  expect(first.code).toBe(0)
  return { site, bucket, distribution, inputs }
}

async function sentPaths(distribution: string, id: string): Promise<string[]> {
  return (await getInvalidationPaths(moto.endpoint, distribution, id)).sort()
}

test('editing one page and one stylesheet invalidates those URLs (page and folder), not /*', async () => {
  const { site, distribution, inputs } = await deployed(blog())
  await writeFiles(site, { 'about/index.html': 'about v2', 'css/site.css': 'body{color:red}' })
  const run = await runGitHub({ endpoint: moto.endpoint, cwd: site, inputs })
  expect(run.code).toBe(0)
  expect(await sentPaths(distribution, run.outputs['invalidation-id']!)).toEqual([
    '/about/',
    '/about/index.html',
    '/css/site.css'
  ])
  expect(JSON.parse(run.outputs['invalidation-paths']!)).toEqual([
    '/about/',
    '/about/index.html',
    '/css/site.css'
  ])
})

test('60 changed posts and the home page fold to a handful of paths that cover them all', async () => {
  const { site, distribution, inputs } = await deployed(blog())
  const edits: Record<string, string> = { 'index.html': 'home v2' }
  for (let i = 0; i < 60; i++) edits[`posts/post-${i}/index.html`] = `post ${i} v2`
  await writeFiles(site, edits)
  const run = await runGitHub({ endpoint: moto.endpoint, cwd: site, inputs })
  expect(run.code).toBe(0)
  expect(run.outputs.uploaded).toBe('61')
  expect(await sentPaths(distribution, run.outputs['invalidation-id']!)).toEqual([
    '/',
    '/index.html',
    '/posts/*'
  ])
})

/** The URLs viewers request for keys: `/key`, and `/folder/` for an index page. */
const urlsOf = (keys: string[]) =>
  keys.flatMap(k => (k.endsWith('index.html') ? [`/${k}`, `/${k.slice(0, -10)}`] : [`/${k}`]))
const coveredBy = (path: string, url: string) =>
  path.endsWith('*') ? url.startsWith(path.slice(0, -1)) : path === url
const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`

test('default settings: one new post on a Hugo blog costs at most 15 paths, the rest stays cached', async () => {
  const blog = docsHugoBlog()
  const version = (keys: string[], v: string) => Object.fromEntries(keys.map(k => [k, `${k} ${v}`]))
  const { site, distribution, inputs } = await deployed(version(blog.before, 'v1'))
  await writeFiles(site, version(blog.changed, 'v2'))
  const run = await runGitHub({ endpoint: moto.endpoint, cwd: site, inputs })
  expect(run.code).toBe(0)
  expect(run.outputs.uploaded).toBe(String(blog.changed.length))

  const sent = await sentPaths(distribution, run.outputs['invalidation-id']!)
  const changed = urlsOf(blog.changed)
  expect(changed.length).toBeGreaterThan(100)
  expect(sent.length).toBeLessThanOrEqual(15)
  for (const url of changed) expect([url, sent.some(p => coveredBy(p, url))]).toEqual([url, true])
  // The docs, the other pages and the assets stay cached, and so do the other posts.
  const unchanged = urlsOf(blog.keys.filter(k => !blog.changed.includes(k)))
  const purged = unchanged.filter(u => sent.some(p => coveredBy(p, u)))
  expect(purged.filter(u => /^\/(docs|about|images|css|js)\//.test(u))).toEqual([])
  expect(purged.filter(u => /^\/posts\/post-\d+\/index\.html$/.test(u))).toEqual([])

  // What it cost, in the log and in the job summary.
  const wildcards = sent.filter(p => p.endsWith('*'))
  expect(wildcards.length).toBeGreaterThan(0)
  const underWildcards = changed.filter(u => wildcards.some(w => coveredBy(w, u))).length
  const cost = `${plural(sent.length, 'path')} (${plural(wildcards.length, 'wildcard')} covering ${plural(underWildcards, 'changed URL')})`
  expect(run.stdout).toContain(`Invalidating ${cost}:`)
  expect(run.stdout).toContain(
    `Created invalidation ${run.outputs['invalidation-id']} on ${distribution} for ${cost}`
  )
  expect(run.summary).toContain(`| Invalidation paths | ${cost} |`)
  for (const w of wildcards) {
    const n = plural(changed.filter(u => coveredBy(w, u)).length, 'changed URL')
    expect(run.stdout).toContain(`  ${w} (${n})\n`)
    expect(run.summary).toContain(`- \`${w}\` (${n})\n`)
  }
}, 180_000)

test('deleted pages are invalidated', async () => {
  const { site, bucket, distribution, inputs } = await deployed(blog(), { delete: 'true' })
  await rm(path.join(site, 'posts', 'post-7'), { recursive: true })
  const run = await runGitHub({ endpoint: moto.endpoint, cwd: site, inputs })
  expect(run.code).toBe(0)
  expect(run.outputs).toMatchObject({ uploaded: '0', deleted: '1' })
  expect(await sentPaths(distribution, run.outputs['invalidation-id']!)).toEqual([
    '/posts/post-7/',
    '/posts/post-7/index.html'
  ])
  expect((await listObjects(moto.endpoint, bucket)).map(o => o.Key)).not.toContain(
    'posts/post-7/index.html'
  )
})

test('a deploy with no change creates no invalidation', async () => {
  const { site, distribution, inputs } = await deployed(blog())
  const run = await runGitLab({ endpoint: moto.endpoint, cwd: site, inputs })
  expect(run.code).toBe(0)
  expect(run.outputs).toMatchObject({
    INVALIDATION_ID: '',
    INVALIDATION_STATUS: 'none',
    INVALIDATION_PATHS: '[]',
    UPLOADED: '0'
  })
  expect(await listInvalidations(moto.endpoint, distribution)).toHaveLength(1) // the first deploy's
})

test("the distribution's origin path is taken into account with a prefix", async () => {
  const site = await makeSite({ 'index.html': 'home', 'guide/index.html': 'guide', 'a b.css': 'x' })
  const bucket = await newBucket()
  const distribution = await createDistribution(
    moto.endpoint,
    '/site',
    `${bucket}.s3.amazonaws.com`
  )
  const run = await runGitHub({
    endpoint: moto.endpoint,
    cwd: site,
    inputs: { source: site, bucket, prefix: 'site/docs', 'distribution-id': distribution }
  })
  expect(run.code).toBe(0)
  expect((await listObjects(moto.endpoint, bucket)).map(o => o.Key)).toEqual([
    'site/docs/a b.css',
    'site/docs/guide/index.html',
    'site/docs/index.html'
  ])
  expect(await sentPaths(distribution, run.outputs['invalidation-id']!)).toEqual([
    '/docs/',
    '/docs/a%20b.css',
    '/docs/guide/',
    '/docs/guide/index.html',
    '/docs/index.html'
  ])
})

test('several distributions: one invalidation each, outputs as JSON by distribution', async () => {
  const site = await makeSite({ 'index.html': 'home' })
  const bucket = await newBucket()
  const d1 = await createDistribution(moto.endpoint, '', `${bucket}.s3.amazonaws.com`)
  const d2 = await createDistribution(moto.endpoint, '', `${bucket}.s3.amazonaws.com`)
  const run = await runGitLab({
    endpoint: moto.endpoint,
    cwd: site,
    inputs: { source: site, bucket, 'distribution-id': `${d1},${d2}` }
  })
  expect(run.code).toBe(0)
  const ids = JSON.parse(run.outputs.INVALIDATION_ID!)
  expect(Object.keys(ids).sort()).toEqual([d1, d2].sort())
  expect((await listInvalidations(moto.endpoint, d1)).map(i => i.Id)).toEqual([ids[d1]])
  expect((await listInvalidations(moto.endpoint, d2)).map(i => i.Id)).toEqual([ids[d2]])
  expect(JSON.parse(run.outputs.INVALIDATION_PATHS!)).toEqual({
    [d1]: ['/', '/index.html'],
    [d2]: ['/', '/index.html']
  })
})

test.each([
  [
    'no leading slash',
    'index.html',
    `Input 'paths' must hold paths that start with "/", got 'index.html'.`
  ],
  [
    'wildcard inside',
    '/posts/*/index.html',
    `Input 'paths' may only have "*" as the last character of a path, got '/posts/*/index.html'.`
  ],
  ['too long', `/${'x'.repeat(4000)}`, "Input 'paths' must hold paths of at most 4000 characters"]
])('bad explicit paths (%s) are refused before any upload', async (_name, paths, message) => {
  const site = await makeSite({ 'index.html': 'home' })
  const bucket = await newBucket()
  const distribution = await createDistribution(moto.endpoint)
  const run = await runGitHub({
    endpoint: moto.endpoint,
    cwd: site,
    inputs: { source: site, bucket, 'distribution-id': distribution, paths }
  })
  expect(run.code).not.toBe(0)
  expect(run.stdout).toContain(`::error::${message}`)
  expect(await listObjects(moto.endpoint, bucket)).toEqual([])
  expect(await listInvalidations(moto.endpoint, distribution)).toEqual([])
})

test('a distribution that does not exist stops the deploy before any upload', async () => {
  const site = await makeSite({ 'index.html': 'home' })
  const bucket = await newBucket()
  const run = await runGitLab({
    endpoint: moto.endpoint,
    cwd: site,
    inputs: { source: site, bucket, 'distribution-id': 'E0000000000000' }
  })
  expect(run.code).not.toBe(0)
  expect(run.stderr).toContain('distribution E0000000000000 does not exist')
  expect(await listObjects(moto.endpoint, bucket)).toEqual([])
})

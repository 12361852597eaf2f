/**
 * keep-removed-assets end to end: a code-split app whose hashed chunk names change on every
 * build, deployed with delete: true and a grace period of a few seconds. Old chunks stay (and
 * stay cached) while the new index.html is live, a later deploy deletes them, a removed page goes
 * at once, a chunk that returns is kept, and a dry run shows both lists.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { motoSuite } from '../helpers/moto'
import {
  createDistribution,
  getInvalidationPaths,
  getObjectBytes,
  listInvalidations,
  listObjects
} from '../helpers/aws'
import { runGitHub, runGitLab, type RunResult } from '../helpers/action'
import { makeSite, writeFiles } from '../helpers/site'
import { example } from '../helpers/examples'

const moto = motoSuite('keep')

/** The grace period of these tests, in seconds: long enough for a deploy, short to wait for. */
const PERIOD = 4
/** The Vite recipe's rules (examples/recipes/vite.yml), as the docs show them. */
const VITE_RULES = example('recipes/vite.yml').yaml[0].with['cache-control'] as string

/** A Vite build: index.html loads its entry chunk, which imports the others lazily. */
function build(hash: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'index.html': `<!doctype html><script type="module" src="/assets/index-${hash}.js"></script>`,
    [`assets/index-${hash}.js`]: `const s = () => import('./Settings-${hash}.js') // ${hash}`,
    [`assets/Settings-${hash}.js`]: `export default 'settings ${hash}'`,
    'assets/style-0c1d.css': 'body { margin: 0 }',
    'favicon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    ...extra
  }
}

const keys = async (bucket: string) =>
  (await listObjects(moto.endpoint, bucket)).map(o => o.Key).sort()

/** Waits (bounded) until a deploy starting now finds a period that began by `since` over. */
async function afterPeriod(since: number): Promise<void> {
  const wait = since + (PERIOD + 1) * 1000 - Date.now()
  if (wait > 0) await new Promise(resolve => setTimeout(resolve, Math.min(wait, 10_000)))
}

async function readObject(bucket: string, key: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'obj-'))
  await getObjectBytes(moto.endpoint, bucket, key, path.join(dir, 'body'))
  return readFile(path.join(dir, 'body'), 'utf8')
}

const ok = (run: RunResult) => {
  if (run.code !== 0) throw new Error(`the deploy failed:\n${run.stdout}\n${run.stderr}`)
  return run
}

test('old chunks stay, not invalidated, while the new index.html is live; a later deploy deletes them; a removed page goes at once', async () => {
  const bucket = await moto.newBucket()
  const distribution = await createDistribution(
    moto.endpoint,
    '',
    `${bucket}.s3.us-east-1.amazonaws.com`
  )
  const v1 = build('a1a1', { 'about.html': '<p>about</p>', 'img/logo.svg': '<svg/>' })
  const site = await makeSite(v1)
  const inputs = {
    source: site,
    bucket,
    'distribution-id': distribution,
    delete: 'true',
    'keep-removed-assets': `${PERIOD}s`,
    'cache-control': VITE_RULES
  }
  const run = (extra: Record<string, string> = {}) =>
    runGitHub({ endpoint: moto.endpoint, cwd: site, inputs: { ...inputs, ...extra } })
  ok(await run())

  // v2: new chunk names, about.html removed, a new page and a new plain file.
  await rm(site, { recursive: true })
  await writeFiles(
    site,
    build('b2b2', {
      'contact.html': '<p>contact</p>',
      'img/logo.svg': '<svg/>',
      'robots.txt': 'User-agent: *'
    })
  )
  const second = ok(await run())
  const secondEnded = Date.now()
  expect(second.outputs).toMatchObject({ uploaded: '5', deleted: '1' })
  expect(await keys(bucket)).toEqual([
    'assets/Settings-a1a1.js',
    'assets/Settings-b2b2.js',
    'assets/index-a1a1.js',
    'assets/index-b2b2.js',
    'assets/style-0c1d.css',
    'contact.html',
    'favicon.svg',
    'img/logo.svg',
    'index.html',
    'robots.txt'
  ])
  // The new index.html is live, and the chunks an open tab of v1 asks for are still there.
  expect(await readObject(bucket, 'index.html')).toContain('/assets/index-b2b2.js')
  expect(await readObject(bucket, 'assets/Settings-a1a1.js')).toBe("export default 'settings a1a1'")
  // Invalidated: the changed page, the removed page, the new page and the new plain file. Not
  // the kept chunks, nor the new immutable ones (nobody can have cached them).
  const sent = (
    await getInvalidationPaths(moto.endpoint, distribution, second.outputs['invalidation-id']!)
  ).sort()
  expect(sent).toEqual(['/', '/about.html', '/contact.html', '/index.html', '/robots.txt'])
  expect(second.stdout).toMatch(
    /Keeping 2 removed asset\(s\) until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(keep-removed-assets\), neither deleted nor invalidated:/
  )
  expect(second.stdout).toContain('= assets/Settings-a1a1.js (left the build ')
  expect(second.summary).toMatch(/\| Kept \| 2 removed asset\(s\) until [^|]+ UTC \|/)
  expect(second.summary).toContain('| Deleted | 1 of 1 |')

  // v3 drops the logo. Once the period is over, a dry run shows both lists and changes nothing.
  await rm(path.join(site, 'img'), { recursive: true })
  await afterPeriod(secondEnded)
  const before = await listObjects(moto.endpoint, bucket, { withManifest: true })
  const dry = ok(await run({ 'dry-run': 'true' }))
  expect(dry.outputs).toMatchObject({ uploaded: '0', deleted: '2' })
  expect(dry.stdout).toContain('Would keep 1 removed asset(s) until ')
  expect(dry.stdout).toContain('= img/logo.svg (left the build ')
  expect(dry.stdout).toContain('Would delete 2 object(s):')
  expect(dry.stdout).toMatch(
    /- assets\/Settings-a1a1\.js \(left the build [^)]+; its keep-removed-assets period is over\)/
  )
  expect(await listObjects(moto.endpoint, bucket, { withManifest: true })).toEqual(before)

  // max-deletes counts them now that they are due.
  const refused = await run({ 'max-deletes': '1' })
  expect(refused.code).not.toBe(0)
  expect(refused.stdout + refused.stderr).toContain(
    `it would delete 2 objects under s3://${bucket}/ (2 of them removed assets whose keep-removed-assets period is over), more than max-deletes (1). Nothing was changed.`
  )
  expect(await listObjects(moto.endpoint, bucket, { withManifest: true })).toEqual(before)

  // The deploy: deletes the old chunks (not invalidated), keeps the logo.
  const invalidationsBefore = (await listInvalidations(moto.endpoint, distribution)).length
  const third = ok(await run())
  const thirdEnded = Date.now()
  expect(third.outputs).toMatchObject({ uploaded: '0', deleted: '2', 'invalidation-id': '' })
  expect(await listInvalidations(moto.endpoint, distribution)).toHaveLength(invalidationsBefore)
  expect(await keys(bucket)).toEqual([
    'assets/Settings-b2b2.js',
    'assets/index-b2b2.js',
    'assets/style-0c1d.css',
    'contact.html',
    'favicon.svg',
    'img/logo.svg',
    'index.html',
    'robots.txt'
  ])

  // And after its own period the bucket is back to the current build.
  await afterPeriod(thirdEnded)
  const last = ok(await run())
  expect(last.outputs).toMatchObject({ deleted: '1' })
  expect(await keys(bucket)).toEqual([
    'assets/Settings-b2b2.js',
    'assets/index-b2b2.js',
    'assets/style-0c1d.css',
    'contact.html',
    'favicon.svg',
    'index.html',
    'robots.txt'
  ])
}, 180_000)

test('a chunk that comes back before its time cancels its deletion (the GitLab way)', async () => {
  const bucket = await moto.newBucket()
  const site = await makeSite(build('a1a1', { 'assets/Chart-a1a1.js': 'chart' }))
  const run = () =>
    runGitLab({
      endpoint: moto.endpoint,
      cwd: site,
      inputs: {
        source: site,
        bucket,
        'keep-removed-assets': `${PERIOD}s`,
        'cache-control': VITE_RULES
      },
      args: ['--delete']
    })
  ok(await run())

  await rm(path.join(site, 'assets/Chart-a1a1.js'))
  const removed = ok(await run())
  const removedEnded = Date.now()
  expect(removed.outputs).toMatchObject({ DELETED: '0' })
  expect(removed.stdout).toContain('= assets/Chart-a1a1.js (left the build ')

  // It comes back, unchanged: nothing to upload.
  await writeFiles(site, { 'assets/Chart-a1a1.js': 'chart' })
  expect(ok(await run()).outputs).toMatchObject({ UPLOADED: '0', DELETED: '0' })

  // Gone again after the first period would have ended: a new period starts, it is kept.
  await afterPeriod(removedEnded)
  await rm(path.join(site, 'assets/Chart-a1a1.js'))
  const again = ok(await run())
  expect(again.outputs).toMatchObject({ DELETED: '0' })
  expect(again.stdout).toContain('Keeping 1 removed asset(s) until ')
  expect(await keys(bucket)).toContain('assets/Chart-a1a1.js')
}, 120_000)

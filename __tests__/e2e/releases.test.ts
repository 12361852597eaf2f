/**
 * Release mode as users run it: the bundled action deploys releases into a moto bucket (through
 * the stand-in, whose log tells every request), names the live one in a local KeyValueStore
 * (real SigV4A-signed requests), and a local edge serves the site through edge/release-router.js,
 * caching by the rewritten URI as CloudFront does.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { motoSuite } from '../helpers/moto'
import {
  awsEnv,
  createDistribution,
  getObjectBytes,
  headObject,
  listInvalidations,
  listObjects
} from '../helpers/aws'
import { runGitHub, runGitLab, startGitLab, type StartedRun } from '../helpers/action'
import { startLocalEdge, type LocalEdge } from '../helpers/local-edge'
import { startLocalKvs, type LocalKvs } from '../helpers/local-kvs'
import { standInSuite } from '../helpers/stand-in'
import { makeSite } from '../helpers/site'

const moto = motoSuite('releases')
const suite = standInSuite(moto)
let kvs: LocalKvs
let edge: LocalEdge | undefined
beforeEach(async () => {
  kvs = await startLocalKvs()
})
afterEach(async () => {
  await edge?.close()
  edge = undefined
  await kvs.close()
})

const keys = awsEnv('')
/** What a deploy's environment adds: the KVS endpoint (CloudFront and S3 come from AWS_ENDPOINT_URL). */
const kvsEnv = () => ({ AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE: kvs.url })

/** A build named `name`: pages and a script that say so, and `shared` files the same in every build. */
function build(name: string, shared = 20): Record<string, string> {
  const files: Record<string, string> = {
    'index.html': `<h1>${name}</h1><script src="/app.js"></script>`,
    'about/index.html': `<h1>about ${name}</h1>`,
    'app.js': `window.build = '${name}'`
  }
  for (let i = 0; i < shared; i++) files[`img/shared-${i}.svg`] = `<svg id="${i}"/>`
  return files
}

async function startEdge(bucket: string): Promise<LocalEdge> {
  edge = await startLocalEdge({
    s3Endpoint: moto.endpoint,
    credentials: {
      accessKeyId: keys.AWS_ACCESS_KEY_ID as string,
      secretAccessKey: keys.AWS_SECRET_ACCESS_KEY as string
    },
    bucket,
    kvs: { get: key => kvs.data.get(key) },
    cache: true
  })
  return edge
}

/** The build a response comes from: pages and scripts name it. */
async function buildOf(path: string): Promise<string> {
  const res = await fetch(`${(edge as LocalEdge).url}${path}`)
  const text = await res.text()
  if (res.status !== 200) return `HTTP ${res.status}`
  return (
    /<h1>(?:about )?([^<]+)<\/h1>|window\.build = '([^']+)'/.exec(text)?.slice(1).find(Boolean) ??
    '?'
  )
}

const inputs = (source: string, bucket: string, extra: Record<string, string> = {}) => ({
  source,
  bucket,
  releases: 'true',
  'key-value-store': kvs.arn,
  ...extra
})

const siteWrites = () =>
  suite.current.log.filter(
    r =>
      ['PUT', 'POST', 'DELETE'].includes(r.method) &&
      r.service === 's3' &&
      !/\.s3-cloudfront-deploy\.(json|lock)$/.test(r.path)
  )

test('a release goes live whole: every load before the switch is the old build, every one after it the new, with no invalidation', async () => {
  const bucket = await moto.newBucket()
  const distribution = await createDistribution(moto.endpoint)
  const old = await makeSite(build('old'))
  const first = await runGitHub({
    endpoint: suite.current.url,
    cwd: old,
    inputs: inputs(old, bucket, { 'distribution-id': distribution }),
    env: kvsEnv()
  })
  expect(first.code).toBe(0)
  expect(first.outputs.release).toMatch(/^\d{8}T\d{6}Z$/)
  expect(kvs.data.get('/')).toBe(first.outputs.release)
  await startEdge(bucket)
  expect(await buildOf('/')).toBe('old')

  // The next deploy's writes are slow, so the site is watched for a while as it writes.
  suite.current.modes.holdMs = r => (r.method === 'PUT' && r.path.includes('/_releases/') ? 40 : 0)
  const next = await makeSite(build('new'))
  const run = runGitLab({
    endpoint: suite.current.url,
    cwd: next,
    inputs: inputs(next, bucket, { 'distribution-id': distribution, concurrency: '4' }),
    env: { ...kvsEnv(), GITHUB_SHA: '5a6717aa1b2c3d4e5f' }
  })
  const seen: string[] = []
  let done = false
  void run.then(() => (done = true))
  while (!done) {
    for (const path of ['/', '/about/', '/app.js']) seen.push(await buildOf(path))
  }
  for (const path of ['/', '/about/', '/app.js']) seen.push(await buildOf(path))
  const deployed = await run
  expect(deployed.code).toBe(0)
  expect(deployed.outputs.RELEASE).toMatch(/^\d{8}T\d{6}Z-5a6717a$/)
  // Many loads while it wrote: all old, then all new, never a mix and never back.
  expect(seen.length).toBeGreaterThan(20)
  const firstNew = seen.indexOf('new')
  expect(firstNew).toBeGreaterThan(0)
  expect(seen.slice(0, firstNew).every(b => b === 'old')).toBe(true)
  expect(seen.slice(firstNew).every(b => b === 'new')).toBe(true)
  // Only the changed files were uploaded; the 20 shared ones were copied, server-side.
  const writes = siteWrites().filter(r => r.path.includes(deployed.outputs.RELEASE as string))
  expect(writes.filter(r => r.headers['x-amz-copy-source']).length).toBe(20)
  expect(writes.filter(r => !r.headers['x-amz-copy-source']).length).toBe(3)
  expect(deployed.outputs).toMatchObject({ UPLOADED: '3', UNCHANGED: '20' })
  expect(await listInvalidations(moto.endpoint, distribution)).toEqual([])
  // Signed as the KVS API requires.
  expect(new Set(kvs.requests.map(r => r.algorithm))).toEqual(new Set(['AWS4-ECDSA-P256-SHA256']))
}, 240_000)

test('rollback: the previous build comes back at the very next request, with no upload and no invalidation', async () => {
  const bucket = await moto.newBucket()
  const [one, two] = [await makeSite(build('one', 2)), await makeSite(build('two', 2))]
  const r1 = await runGitHub({
    endpoint: suite.current.url,
    cwd: one,
    inputs: inputs(one, bucket),
    env: kvsEnv()
  })
  // A second apart at least: release ids carry the second.
  await new Promise(r => setTimeout(r, 1100))
  const r2 = await runGitLab({
    endpoint: suite.current.url,
    cwd: two,
    inputs: inputs(two, bucket),
    env: kvsEnv()
  })
  expect([r1.code, r2.code]).toEqual([0, 0])
  await startEdge(bucket)
  expect(await buildOf('/')).toBe('two')

  suite.current.log.length = 0
  const back = await runGitHub({
    endpoint: suite.current.url,
    cwd: one,
    inputs: { bucket, rollback: 'previous', 'key-value-store': kvs.arn },
    env: kvsEnv()
  })
  expect(back.code).toBe(0)
  expect(back.outputs.release).toBe(r1.outputs.release)
  expect(await buildOf('/')).toBe('one')
  expect(await buildOf('/app.js')).toBe('one')
  expect(siteWrites()).toEqual([])
  // previous again undoes the rollback.
  const again = await runGitLab({
    endpoint: suite.current.url,
    cwd: one,
    inputs: { bucket, rollback: 'previous', 'key-value-store': kvs.arn },
    env: kvsEnv()
  })
  expect(again.outputs.RELEASE).toBe(r2.outputs.RELEASE)
  expect(await buildOf('/')).toBe('two')

  // A release that is not in the bucket is refused before anything changes.
  const etag = kvs.etag()
  const refused = await runGitHub({
    endpoint: suite.current.url,
    cwd: one,
    inputs: { bucket, rollback: '20200101T000000Z-deadbee', 'key-value-store': kvs.arn },
    env: kvsEnv()
  })
  expect(refused.code).toBe(1)
  expect(refused.stdout + refused.stderr).toContain(
    "Input 'rollback': release 20200101T000000Z-deadbee is no longer in the bucket"
  )
  expect(kvs.etag()).toBe(etag)
}, 240_000)

test('a release deploy killed mid-upload leaves the live release untouched and serving; the next deploy retires what it left', async () => {
  const bucket = await moto.newBucket()
  const live = await makeSite(build('live', 4))
  const r1 = await runGitHub({
    endpoint: suite.current.url,
    cwd: live,
    inputs: inputs(live, bucket, { 'keep-releases': '2' }),
    env: kvsEnv()
  })
  expect(r1.code).toBe(0)
  await startEdge(bucket)
  await new Promise(r => setTimeout(r, 1100))
  suite.current.modes.holdMs = r => (r.method === 'PUT' && r.path.includes('/_releases/') ? 300 : 0)
  const doomedSite = await makeSite(build('doomed', 30))
  let doomed: StartedRun | undefined
  try {
    doomed = await startGitLab({
      endpoint: suite.current.url,
      cwd: doomedSite,
      inputs: inputs(doomedSite, bucket, { concurrency: '2', 'lock-lease': '10' }),
      env: kvsEnv()
    })
    const started = Date.now()
    const writesItsRelease = () =>
      suite.current.log.some(
        r =>
          r.method === 'PUT' &&
          r.path.includes('/_releases/') &&
          !r.path.includes(r1.outputs.release as string) &&
          r.outcome === 'forwarded' &&
          r.status === 200
      )
    while (!writesItsRelease()) {
      if (Date.now() - started > 60_000) throw new Error('the doomed deploy never wrote')
      await new Promise(r => setTimeout(r, 50))
    }
    doomed.kill('SIGKILL')
    await doomed.result
  } finally {
    doomed?.kill('SIGKILL')
  }
  expect(kvs.data.get('/')).toBe(r1.outputs.release)
  expect(await buildOf('/')).toBe('live')
  expect(await buildOf('/about/')).toBe('live')
  const folders = async () =>
    new Set(
      (await listObjects(moto.endpoint, bucket)).map(o => o.Key.split('/')[1]).filter(Boolean)
    )
  expect((await folders()).size).toBe(2)

  // The next deploy waits out the dead one's lease, then retires its half-written release.
  suite.current.modes.holdMs = undefined
  const after = await makeSite(build('after', 4))
  const r3 = await runGitHub({
    endpoint: suite.current.url,
    cwd: after,
    inputs: inputs(after, bucket, { 'keep-releases': '2' }),
    env: kvsEnv()
  })
  expect(r3.code).toBe(0)
  expect(await buildOf('/')).toBe('after')
  expect(await folders()).toEqual(new Set([r1.outputs.release, r3.outputs.release]))
}, 240_000)

test('a rebuild with nothing changed writes nothing; an input that means nothing in release mode is refused', async () => {
  const bucket = await moto.newBucket()
  const site = await makeSite(build('same', 3))
  const first = await runGitHub({
    endpoint: suite.current.url,
    cwd: site,
    inputs: inputs(site, bucket),
    env: kvsEnv()
  })
  expect(first.code).toBe(0)
  suite.current.log.length = 0
  const again = await runGitLab({
    endpoint: suite.current.url,
    cwd: site,
    inputs: inputs(site, bucket),
    env: kvsEnv()
  })
  expect(again.code).toBe(0)
  expect(again.outputs.RELEASE).toBe(first.outputs.release)
  expect(again.stdout).toContain('is live and holds this very build: nothing to do')
  expect(suite.current.log.filter(r => ['PUT', 'POST', 'DELETE'].includes(r.method))).toEqual([])

  const refused = await runGitHub({
    endpoint: suite.current.url,
    cwd: site,
    inputs: inputs(site, bucket, { delete: 'true' }),
    env: kvsEnv()
  })
  expect(refused.code).toBe(1)
  expect(refused.stdout + refused.stderr).toContain(
    "Input 'delete' does not apply with releases: true: each release holds exactly the build"
  )
  expect(suite.current.log.filter(r => ['PUT', 'POST', 'DELETE'].includes(r.method))).toEqual([])
}, 240_000)

test('with compress, a release stores gzip bytes, the next one copies them with their encoding, a rebuild changes nothing; the changes file names the release', async () => {
  const bucket = await moto.newBucket()
  const site = await makeSite(build('one', 3))
  const dir = await mkdtemp(path.join(os.tmpdir(), 'changes-'))
  const changes = path.join(dir, 'changes.json')
  const deploy = async () => {
    const run = await runGitHub({
      endpoint: suite.current.url,
      cwd: site,
      inputs: inputs(site, bucket, { compress: '*.html: gzip', 'changes-file': changes }),
      env: kvsEnv()
    })
    if (run.code !== 0) throw new Error(`the deploy failed:\n${run.stdout}\n${run.stderr}`)
    return { run, report: JSON.parse(await readFile(changes, 'utf8')) }
  }
  /** The page as stored in a release, gunzipped, after checking its encoding. */
  const page = async (release: string) => {
    const key = `_releases/${release}/index.html`
    expect((await headObject(moto.endpoint, bucket, key)).ContentEncoding).toBe('gzip')
    await getObjectBytes(moto.endpoint, bucket, key, path.join(dir, 'body'))
    return gunzipSync(await readFile(path.join(dir, 'body'))).toString()
  }

  const first = await deploy()
  const one = first.run.outputs.release as string
  expect(await page(one)).toBe(build('one')['index.html'])
  expect(first.report).toMatchObject({ status: 'deployed', release: one, retired: [] })

  await writeFile(path.join(site, 'app.js'), "window.build = 'two'")
  const second = await deploy()
  const two = second.run.outputs.release as string
  expect(two).not.toBe(one)
  // Only the edit was uploaded; the page was copied from the live release, still gzip.
  expect(second.report.uploaded.map((u: { key: string }) => u.key)).toEqual([
    `_releases/${two}/app.js`
  ])
  expect([second.report.release, second.report.updated]).toEqual([two, []])
  expect(await page(two)).toBe(build('one')['index.html'])

  // The same build again: the state recorded the copies as stored, so nothing is to do.
  const third = await deploy()
  expect(third.run.outputs.release).toBe(two)
  expect(third.run.stdout).toContain('nothing to do')
  expect([third.report.uploaded, third.report.updated]).toEqual([[], []])
})

/**
 * The lock when things go wrong in time: a deploy frozen longer than its lease, a job cancelled
 * while it waits for CloudFront, S3's clock against the runner's. The bundled action through the
 * stand-in (helpers/stand-in.ts), whose log tells what reached moto, and when.
 */
import { mkdtemp, readFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { motoSuite } from '../helpers/moto'
import {
  createDistribution,
  downloadAll,
  headObject,
  LEASE,
  listObjects,
  MANIFEST
} from '../helpers/aws'
import { runGitHub, runGitLab, startGitLab, type StartedRun } from '../helpers/action'
import { standInSuite, type RequestInfo, type StandInRequest } from '../helpers/stand-in'
import { makeSite, writeFiles } from '../helpers/site'

const moto = motoSuite('fencing')
const suite = standInSuite(moto)

async function until(what: string, condition: () => boolean, timeoutMs = 60_000) {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 50))
  }
}

/** Every object of the site (the action's own aside), as key → content. */
async function bucketContents(bucket: string): Promise<Record<string, string>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fencing-get-'))
  await downloadAll(moto.endpoint, bucket, dir)
  const out: Record<string, string> = {}
  for (const o of await listObjects(moto.endpoint, bucket)) {
    if (o.Key.endsWith(LEASE)) continue
    out[o.Key] = await readFile(path.join(dir, ...o.Key.split('/')), 'utf8')
  }
  return out
}

function build(name: string, n: number): Record<string, string> {
  const files: Record<string, string> = { 'index.html': `<h1>${name}</h1>` }
  for (let i = 0; i < n; i++) files[`${name}/page-${i}.html`] = `${name} ${i}`
  return files
}

/** The first deploy signs with its own access key, so the stand-in tells its requests apart. */
const FROZEN_KEY = 'frozen-deployer'
const isFrozens = (r: RequestInfo) => String(r.headers.authorization).includes(`=${FROZEN_KEY}/`)
const isWrite = (r: StandInRequest) => ['PUT', 'POST', 'DELETE'].includes(r.method)

test('a deploy frozen longer than its lease: the other takes over, and none of the frozen one’s writes lands after that', async () => {
  const bucket = await moto.newBucket()
  const old = await makeSite(build('old', 3))
  expect(
    (await runGitLab({ endpoint: moto.endpoint, cwd: old, inputs: { source: old, bucket } })).code
  ).toBe(0)
  const a = build('a', 8)
  const b = build('b', 4)
  const [siteA, siteB] = [await makeSite(a), await makeSite(b)]
  // The first deploy's uploads meet a slow network: held for 30 s, so they are still in flight
  // when it thaws. One whose client gives up meanwhile is dropped, never reaching moto.
  suite.current.modes.holdMs = r =>
    isFrozens(r) && r.method === 'PUT' && !r.path.includes('.s3-cloudfront-deploy.') ? 30_000 : 0
  let frozen: StartedRun | undefined
  try {
    frozen = await startGitLab({
      endpoint: suite.current.url,
      cwd: siteA,
      inputs: { source: siteA, bucket, delete: 'true', 'lock-lease': '10', concurrency: '4' },
      env: { AWS_ACCESS_KEY_ID: FROZEN_KEY }
    })
    await until('its uploads to be in flight', () =>
      suite.current.log.some(r => isFrozens(r) && r.path.includes('/a/'))
    )
    process.kill(frozen.pid, 'SIGSTOP')

    const second = await runGitHub({
      endpoint: suite.current.url,
      cwd: siteB,
      inputs: { source: siteB, bucket, delete: 'true' }
    })
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/whose lease has expired: that deploy is presumed dead/)
    const takeover = suite.current.log.find(
      r =>
        !isFrozens(r) && r.method === 'PUT' && r.path.endsWith(MANIFEST) && !!r.headers['if-match']
    )
    expect(takeover).toBeDefined()

    process.kill(frozen.pid, 'SIGCONT')
    const first = await frozen.result
    expect(first.code).not.toBe(0)
    expect(first.stdout + first.stderr).toMatch(
      /This deploy lost the lock on s3:\/\/\S+ \(its lease could not be renewed in time/
    )
    // Every request the frozen deploy had in flight has had its fate: held ones dropped.
    await until('its held requests to end', () =>
      suite.current.log.filter(isFrozens).every(r => r.doneAt > 0)
    )
    const late = suite.current.log.filter(
      r => isFrozens(r) && isWrite(r) && (r.forwardedAt ?? 0) >= takeover!.receivedAt
    )
    expect(late.map(r => `${r.method} ${r.path}`)).toEqual([])
    expect(
      suite.current.log.filter(r => isFrozens(r) && r.outcome === 'dropped').length
    ).toBeGreaterThan(0)
    // The bucket is exactly the second build: the first's files never landed, the old ones went.
    expect(await bucketContents(bucket)).toEqual(b)
  } finally {
    // A stopped process is continued first, so that it ends for good.
    try {
      if (frozen) process.kill(frozen.pid, 'SIGCONT')
    } catch {
      // already gone
    }
    frozen?.kill('SIGKILL')
    await frozen?.result
  }
}, 180_000)

test('cancelled while it waits for the invalidation: it stops waiting, releases the lock, and exits within the runner’s grace', async () => {
  suite.current.modes.invalidationInProgressMs = 120_000
  const bucket = await moto.newBucket()
  const distribution = await createDistribution(moto.endpoint)
  const site = await makeSite({ 'index.html': 'home', 'old.css': 'x' })
  const run = await startGitLab({
    endpoint: suite.current.url,
    cwd: site,
    inputs: { source: site, bucket, 'distribution-id': distribution, wait: 'true' }
  })
  await until('the invalidation', () =>
    suite.current.log.some(r => r.method === 'POST' && r.path.endsWith('/invalidation'))
  )
  await new Promise(r => setTimeout(r, 500))
  const signalled = Date.now()
  run.kill('SIGTERM')
  const result = await run.result
  // GitHub's runner sends SIGKILL 7.5 s after it signals.
  expect(Date.now() - signalled).toBeLessThan(7500)
  expect(result.code).not.toBe(0)
  expect(result.stderr).toContain('The job was cancelled')
  expect(result.stdout).toMatch(/Released the lock on s3:\/\//)
  expect((await headObject(moto.endpoint, bucket, MANIFEST)).Metadata?.lock).toBeUndefined()
  const keys = (await listObjects(moto.endpoint, bucket, { withManifest: true })).map(o => o.Key)
  expect(keys).not.toContain(LEASE)
}, 120_000)

test('removed assets’ periods are measured by S3’s clock, not the runner’s', async () => {
  const bucket = await moto.newBucket()
  const site = await makeSite({ 'index.html': 'v1', 'assets/old.js': 'old' })
  const inputs = { source: site, bucket, delete: 'true', 'keep-removed-assets': '1d' }
  expect((await runGitLab({ endpoint: suite.current.url, cwd: site, inputs })).code).toBe(0)
  // The next build no longer has the chunk: it is kept for a day.
  const next = await makeSite({ 'index.html': 'v2' })
  const kept = await runGitHub({
    endpoint: suite.current.url,
    cwd: next,
    inputs: { ...inputs, source: next }
  })
  expect(kept.code).toBe(0)
  expect((await listObjects(moto.endpoint, bucket)).map(o => o.Key)).toContain('assets/old.js')
  // S3 says two days have passed; the runner's clock says seconds. S3 decides: it goes.
  suite.current.modes.serverClockOffsetMs = 2 * 86400 * 1000
  await writeFiles(next, { 'index.html': 'v3' })
  const due = await runGitLab({
    endpoint: suite.current.url,
    cwd: next,
    inputs: { ...inputs, source: next }
  })
  expect(due.code).toBe(0)
  expect(due.outputs.DELETED).toBe('1')
  expect((await listObjects(moto.endpoint, bucket)).map(o => o.Key)).toEqual(['index.html'])
}, 120_000)

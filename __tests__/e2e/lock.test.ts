/**
 * Busy teams: deploys to the same bucket and prefix at once, a deploy that dies or is cancelled
 * halfway, and what the state object shows a visitor. The bundled action against moto_server;
 * the bucket is checked with the aws CLI.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { gunzipSync, gzipSync } from 'node:zlib'
import * as os from 'node:os'
import * as path from 'node:path'
import { motoSuite } from '../helpers/moto'
import {
  aws,
  bucketContents,
  getObjectBytes,
  headObject,
  LEASE,
  listObjects,
  MANIFEST
} from '../helpers/aws'
import { runGitHub, runGitLab, startGitLab, type StartedRun } from '../helpers/action'
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy'
import { makeSite, sampleSite } from '../helpers/site'

const moto = motoSuite('lock')
/** The shortest lease lock-lease allows: a dead deploy blocks the next for 10 s, not 90. */
const SHORT_LEASE = { 'lock-lease': '10' }

/** A build: `n` pages named after it, and shared files whose content differs per build. */
function build(name: string, n: number): Record<string, string> {
  const files: Record<string, string> = {
    'index.html': `<h1>build ${name}</h1>`,
    'css/site.css': `/* ${name} */ body{}`,
    'js/app.js': `console.log(${JSON.stringify(name)})`
  }
  for (let i = 0; i < n; i++) files[`${name}/page-${i}.html`] = `${name} page ${i}`
  return files
}

async function stateObjectText(bucket: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'state-')), 'state')
  await getObjectBytes(moto.endpoint, bucket, MANIFEST, file)
  const bytes = await readFile(file)
  return (bytes[0] === 0x1f ? gunzipSync(bytes) : bytes).toString('utf8')
}

const sitePuts = (proxy: FaultProxy) =>
  proxy.requests.filter(
    r =>
      r.method === 'PUT' &&
      r.outcome === 'forwarded' &&
      r.status < 300 &&
      !r.path.includes('.s3-cloudfront-deploy.')
  ).length

async function until(what: string, condition: () => boolean, timeoutMs = 30_000) {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 50))
  }
}

test('two deploys at once: the bucket ends as exactly one whole build, and a re-deploy of it changes nothing', async () => {
  const bucket = await moto.newBucket()
  const a = build('a', 30)
  const b = build('b', 30)
  const siteA = await makeSite(a)
  const siteB = await makeSite(b)
  // 40 ms per S3 request: each deploy takes a few seconds, so they overlap.
  const proxy = await startFaultProxy({ target: moto.endpoint, delayMs: () => 40 })
  try {
    const inputs = (source: string) => ({ source, bucket, delete: 'true', concurrency: '4' })
    const first = runGitHub({ endpoint: proxy.url, cwd: siteA, inputs: inputs(siteA) })
    await new Promise(r => setTimeout(r, 100))
    const second = runGitLab({ endpoint: proxy.url, cwd: siteB, inputs: inputs(siteB) })
    const [ra, rb] = await Promise.all([first, second])
    expect([ra.code, rb.code]).toEqual([0, 0])
    // One of them found the lock taken, waited, and planned again from the other's bucket.
    const logs = [ra.stdout + ra.stderr, rb.stdout + rb.stderr]
    const waited = logs.filter(l => /Another deploy (holds|took) the lock/.test(l))
    expect(waited).toHaveLength(1)
    expect(waited[0]).toMatch(/The lock on s3:\/\/.* is free after \d+ s\./)
    expect(waited[0]).toContain('Plan (again, from the bucket as the other deploy left it)')

    const contents = await bucketContents(moto.endpoint, bucket)
    const winner = logs[0] === waited[0] ? a : b
    expect(contents).toEqual(winner)
    // Neither the state object nor its lease is left holding a lock.
    expect((await headObject(moto.endpoint, bucket, MANIFEST)).Metadata?.lock).toBeUndefined()
    expect(
      (await listObjects(moto.endpoint, bucket, { withManifest: true })).map(o => o.Key)
    ).not.toContain(LEASE)

    const winnerSite = winner === a ? siteA : siteB
    const again = await runGitHub({
      endpoint: moto.endpoint,
      cwd: winnerSite,
      inputs: inputs(winnerSite)
    })
    expect(again.code).toBe(0)
    expect(again.outputs).toMatchObject({ uploaded: '0', deleted: '0', updated: '0' })
  } finally {
    await proxy.close()
  }
}, 180_000)

test('a deploy killed (SIGKILL) halfway through its uploads blocks the next one only until its lease expires', async () => {
  const bucket = await moto.newBucket()
  const old = build('old', 5)
  await runGitLab({
    endpoint: moto.endpoint,
    cwd: os.tmpdir(),
    inputs: { source: await makeSite(old), bucket }
  })
  const files = build('new', 40)
  const source = await makeSite(files)
  const proxy = await startFaultProxy({
    target: moto.endpoint,
    // Slow uploads, so the kill lands in the middle of them.
    delayMs: (method, p) => (method === 'PUT' && !p.includes('.s3-cloudfront-deploy.') ? 150 : 0)
  })
  let doomed: StartedRun | undefined
  try {
    const inputs = { source, bucket, delete: 'true', concurrency: '2', ...SHORT_LEASE }
    doomed = await startGitLab({ endpoint: proxy.url, cwd: source, inputs })
    await until('a few uploads', () => sitePuts(proxy) >= 4)
    doomed.kill('SIGKILL')
    const killed = await doomed.result
    expect(killed.code).toBe(-1)
    expect(sitePuts(proxy)).toBeLessThan(Object.keys(files).length)
    // Its lock is still named by the state object.
    expect((await headObject(moto.endpoint, bucket, MANIFEST)).Metadata).toMatchObject({
      lock: expect.any(String)
    })

    const started = Date.now()
    const next = await runGitLab({ endpoint: moto.endpoint, cwd: source, inputs })
    const waitedMs = Date.now() - started
    expect(next.code).toBe(0)
    // Said once, when the dead deploy's lock is taken over.
    expect((next.stdout + next.stderr).match(/presumed dead/g)).toHaveLength(1)
    // The lease is 10 s here: the next deploy waited about that long, not minutes.
    expect(waitedMs).toBeLessThan(30_000)
    expect(await bucketContents(moto.endpoint, bucket)).toEqual(files)
  } finally {
    doomed?.kill('SIGKILL')
    await doomed?.result
    await proxy.close()
  }
}, 180_000)

test('a live holder: a dry run says so, a deploy waits up to lock-timeout, then fails having changed nothing', async () => {
  const bucket = await moto.newBucket()
  const slow = build('slow', 16)
  const other = build('other', 3)
  const proxy = await startFaultProxy({
    target: moto.endpoint,
    delayMs: (method, p) => (method === 'PUT' && !p.includes('.s3-cloudfront-deploy.') ? 400 : 0)
  })
  let holder: StartedRun | undefined
  try {
    const holderSite = await makeSite(slow)
    holder = await startGitLab({
      endpoint: proxy.url,
      cwd: holderSite,
      inputs: { source: holderSite, bucket, concurrency: '1', ...SHORT_LEASE },
      env: { CI_JOB_URL: 'https://gitlab.example/g/site/-/jobs/41' }
    })
    await until('the holder to upload', () => sitePuts(proxy) >= 1)

    const otherSite = await makeSite(other)
    const dry = await runGitHub({
      endpoint: moto.endpoint,
      cwd: otherSite,
      inputs: { source: otherSite, bucket, 'dry-run': 'true' }
    })
    expect(dry.code).toBe(0)
    expect(dry.stdout).toMatch(
      /Another deploy is in progress on s3:\/\/[^:]+: https:\/\/gitlab\.example\/g\/site\/-\/jobs\/41, since /
    )

    const refused = await runGitLab({
      endpoint: moto.endpoint,
      cwd: otherSite,
      inputs: { source: otherSite, bucket, 'lock-timeout': '1' }
    })
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toMatch(
      /Another deploy holds the lock on s3:\/\/\S+: https:\/\/gitlab\.example\/g\/site\/-\/jobs\/41, since .*Waited \d+ s \(lock-timeout is 1 s\)\. Nothing was changed\./
    )
    expect(refused.stderr).not.toContain('Not done')
    expect(refused.outputs).toMatchObject({ UPLOADED: '0', DELETED: '0' })

    const done = await holder.result
    expect(done.code).toBe(0)
    // Only the holder's build is there: the refused deploy wrote nothing.
    expect(await bucketContents(moto.endpoint, bucket)).toEqual(slow)
  } finally {
    holder?.kill('SIGKILL')
    await holder?.result
    await proxy.close()
  }
}, 180_000)

// GitHub cancels a job with SIGINT (then SIGTERM), GitLab with SIGTERM.
test.each(['SIGINT', 'SIGTERM'] as const)(
  'a cancelled job (%s) stops, releases the lock and records what it uploaded; the next deploy does not wait',
  async signal => {
    const bucket = await moto.newBucket()
    const files = build('site', 30)
    const source = await makeSite(files)
    const proxy = await startFaultProxy({
      target: moto.endpoint,
      delayMs: (method, p) => (method === 'PUT' && !p.includes('.s3-cloudfront-deploy.') ? 150 : 0)
    })
    let run: StartedRun | undefined
    try {
      const inputs = { source, bucket, concurrency: '2' }
      run = await startGitLab({ endpoint: proxy.url, cwd: source, inputs })
      await until('a few uploads', () => sitePuts(proxy) >= 4)
      run.kill(signal)
      const cancelled = await run.result
      expect(cancelled.code).not.toBe(0)
      expect(cancelled.stderr).toContain(`Received ${signal}: stopping, and releasing the lock.`)
      expect(cancelled.stderr).toContain('The job was cancelled')
      expect(cancelled.stdout).toMatch(/Released the lock on s3:\/\//)
      expect((await headObject(moto.endpoint, bucket, MANIFEST)).Metadata?.lock).toBeUndefined()
      const uploadedBefore = Number(cancelled.outputs.UPLOADED)
      expect(uploadedBefore).toBeGreaterThan(0)

      const next = await runGitLab({ endpoint: moto.endpoint, cwd: source, inputs })
      expect(next.code).toBe(0)
      expect(next.stdout).not.toMatch(/Another deploy holds the lock/)
      // What the cancelled run uploaded was recorded: only the rest is uploaded now. Its two
      // uploads in flight were aborted, and may have landed or not: the listing tells.
      const rest = Object.keys(files).length - uploadedBefore
      expect(Number(next.outputs.UPLOADED)).toBeLessThanOrEqual(rest)
      expect(Number(next.outputs.UPLOADED)).toBeGreaterThanOrEqual(rest - 2)
      expect(await bucketContents(moto.endpoint, bucket)).toEqual(files)
    } finally {
      run?.kill('SIGKILL')
      await run?.result
      await proxy.close()
    }
  },
  180_000
)

test('a second signal ends the job at once (exit 130), without waiting for the release', async () => {
  const bucket = await moto.newBucket()
  const source = await makeSite(build('site', 30))
  // Every write of the site is slow, and so is the release: only the second signal ends it soon.
  const proxy = await startFaultProxy({
    target: moto.endpoint,
    delayMs: m => (m === 'PUT' ? 2000 : 0)
  })
  let run: StartedRun | undefined
  try {
    run = await startGitLab({ endpoint: proxy.url, cwd: source, inputs: { source, bucket } })
    await until('the first upload', () => sitePuts(proxy) >= 1)
    run.kill('SIGINT')
    await new Promise(r => setTimeout(r, 200))
    const second = Date.now()
    run.kill('SIGINT')
    const ended = await run.result
    expect(ended.code).toBe(130)
    expect(Date.now() - second).toBeLessThan(1500)
    expect(ended.stderr).toContain('Received SIGINT: stopping, and releasing the lock.')
  } finally {
    run?.kill('SIGKILL')
    await run?.result
    await proxy.close()
  }
}, 120_000)

test('the state object names no file, and one in the old format is upgraded without a HEAD per object', async () => {
  const bucket = await moto.newBucket()
  const files = sampleSite()
  const source = await makeSite(files)
  const first = await runGitHub({
    endpoint: moto.endpoint,
    cwd: source,
    inputs: { source, bucket }
  })
  expect(first.code).toBe(0)
  const text = await stateObjectText(bucket)
  for (const key of Object.keys(files)) {
    for (const part of key.split('/')) expect([key, text.includes(part)]).toEqual([key, false])
  }

  // A state object as the previous release wrote it: format 1, keys in clear, with the same
  // header digests (taken from the new one, so that nothing looks changed).
  const { keyDigest, parseManifest } = await import('../../src/plan/manifest')
  const entries = parseManifest(text).entries
  const digests: string[] = []
  const objects: Record<string, [string, number, number]> = {}
  for (const o of await listObjects(moto.endpoint, bucket)) {
    const headers = entries.get(keyDigest(o.Key))!.headers
    if (!digests.includes(headers)) digests.push(headers)
    objects[o.Key] = [JSON.parse(o.ETag) as string, o.Size, digests.indexOf(headers)]
  }
  const v1 = JSON.stringify({
    version: 1,
    generator: 's3-cloudfront-deploy',
    headers: digests,
    objects,
    pending: {}
  })
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'v1-')), 'state.json.gz')
  await writeFile(file, gzipSync(v1))
  await aws(
    moto.endpoint,
    's3api',
    'put-object',
    '--bucket',
    bucket,
    '--key',
    MANIFEST,
    '--body',
    file,
    '--content-encoding',
    'gzip'
  )

  const proxy = await startFaultProxy({ target: moto.endpoint })
  try {
    const unchanged = await runGitHub({
      endpoint: proxy.url,
      cwd: source,
      inputs: { source, bucket }
    })
    expect(unchanged.code).toBe(0)
    expect(unchanged.outputs).toMatchObject({ uploaded: '0', updated: '0' })
    // The listing and one read of the state object: no HEAD, no write.
    expect(proxy.requests.filter(r => r.method === 'HEAD')).toEqual([])
    expect(proxy.requests.filter(r => r.method === 'PUT')).toEqual([])
    expect(await stateObjectText(bucket)).toBe(v1)

    // The next deploy that writes upgrades it.
    await writeFile(path.join(source, 'index.html'), '<h1>new home</h1>')
    const changed = await runGitHub({
      endpoint: proxy.url,
      cwd: source,
      inputs: { source, bucket }
    })
    expect(changed.code).toBe(0)
    expect(changed.outputs.uploaded).toBe('1')
    expect(proxy.requests.filter(r => r.method === 'HEAD')).toEqual([])
    const upgraded = await stateObjectText(bucket)
    expect(JSON.parse(upgraded).version).toBe(2)
    expect(upgraded).not.toContain('index.html')
  } finally {
    await proxy.close()
  }
}, 120_000)

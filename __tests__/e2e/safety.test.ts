/**
 * Safety end to end: bad input is refused with nothing changed, and a deploy through injected
 * faults (503 SlowDown, connection resets, a throttled invalidation) still lands byte for byte,
 * in an order that protects the live site.
 */
import { mkdir, mkdtemp, symlink } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { motoSuite } from '../helpers/moto'
import {
  aws,
  LEASE,
  MANIFEST,
  createDistribution,
  bucketContents,
  listInvalidations,
  listObjects
} from '../helpers/aws'
import { runGitHub, runGitLab, type RunResult } from '../helpers/action'
import { makeSite } from '../helpers/site'
import { startFaultProxy, type FaultProxyOptions, type LoggedRequest } from '../helpers/fault-proxy'

const moto = motoSuite('safe')
const newBucket = () => moto.newBucket()

/** A site of `pages` HTML pages and `assets` CSS/JS/image files. */
function site(pages: number, assets: number, version = 'v1'): Record<string, string> {
  const files: Record<string, string> = { 'index.html': `<h1>home ${version}</h1>` }
  for (let i = 0; i < pages; i++) files[`docs/page-${i}/index.html`] = `<p>page ${i} ${version}</p>`
  for (let i = 0; i < assets; i++) {
    const ext = ['css', 'js', 'svg'][i % 3]
    files[`assets/file-${i}.${ext}`] = `/* asset ${i} ${version} */ ${'x'.repeat(i * 37)}`
  }
  return files
}

/** Puts objects straight into moto (not through the action): the bucket's state before a deploy. */
async function seed(bucket: string, keys: string[]): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seed-'))
  for (const key of keys) {
    await mkdir(path.dirname(path.join(dir, key)), { recursive: true })
    await import('node:fs/promises').then(fs => fs.writeFile(path.join(dir, key), `stale ${key}`))
  }
  await aws(moto.endpoint, 's3', 'cp', '--recursive', '--quiet', dir, `s3://${bucket}/`)
}

describe('bad input is refused, naming it, before any request or before any write', () => {
  /**
   * What may reach AWS first: input errors and a source with no file in scope are refused
   * before any request ('none'); what is only found by reading the bucket, or by the whole walk
   * of the source (which runs beside the first reads), before any write ('reads').
   */
  type Case = [
    string,
    (ctx: {
      bucket: string
      site: string
      distribution: string
    }) => Promise<Record<string, string>>,
    RegExp,
    'none' | 'reads'
  ]
  const cases: Case[] = [
    [
      'an empty source',
      async ctx => ({
        source: await mkdtemp(path.join(os.tmpdir(), 'empty-')),
        bucket: ctx.bucket
      }),
      /Input 'source' is an empty folder/,
      'none'
    ],
    [
      'an include that matches no file',
      async ctx => ({ source: ctx.site, bucket: ctx.bucket, include: '*.htm' }),
      /Input 'include' leaves nothing to deploy: 0 of 2 file\(s\) in '\S+' match include '\*\.htm'\./,
      'none'
    ],
    [
      'a missing source',
      async ctx => ({ source: path.join(ctx.site, 'nope'), bucket: ctx.bucket }),
      /Input 'source' must be an existing folder, got '.*nope', which does not exist/,
      'none'
    ],
    [
      'a missing bucket',
      async ctx => ({ source: ctx.site, bucket: 'this-bucket-does-not-exist' }),
      /bucket 'this-bucket-does-not-exist' does not exist \(NoSuchBucket\)/,
      'reads'
    ],
    [
      'a malformed distribution ID',
      async ctx => ({
        source: ctx.site,
        bucket: ctx.bucket,
        'distribution-id': 'd123.cloudfront.net'
      }),
      /Input 'distribution-id' must be a CloudFront distribution ID such as E1ABCDEF2GHIJK \(not an ARN or a domain name\), got 'd123.cloudfront.net'/,
      'none'
    ],
    [
      'a non-numeric max-deletes',
      async ctx => ({ source: ctx.site, bucket: ctx.bucket, 'max-deletes': 'many' }),
      /Input 'max-deletes' must be a whole number of objects, or -1 for no limit, got 'many'/,
      'none'
    ],
    [
      'concurrency: 0',
      async ctx => ({ source: ctx.site, bucket: ctx.bucket, concurrency: '0' }),
      /Input 'concurrency' must be a whole number from 1 to 256, got '0'/,
      'none'
    ],
    [
      'delete: maybe',
      async ctx => ({ source: ctx.site, bucket: ctx.bucket, delete: 'maybe' }),
      /Input 'delete' must be true or false, got 'maybe'/,
      'none'
    ],
    [
      'an unknown outside-symlinks',
      async ctx => ({ source: ctx.site, bucket: ctx.bucket, 'outside-symlinks': 'follow' }),
      /Input 'outside-symlinks' must be one of skip, fail, got 'follow'/,
      'none'
    ],
    [
      'a source file at the state object key',
      async ctx => ({
        source: await makeSite({ 'index.html': 'home', [MANIFEST]: '{"mine": true}' }),
        bucket: ctx.bucket
      }),
      /Input 'manifest-key': the source has a file '\.s3-cloudfront-deploy\.json' at s3:\/\/\S+\/\.s3-cloudfront-deploy\.json, which is the action's own state object\. Nothing was changed\. Set manifest-key to another name/,
      'reads'
    ],
    [
      'a source file at the lease object key',
      async ctx => ({
        source: await makeSite({ 'index.html': 'home', [`docs/${LEASE}`]: 'x' }),
        bucket: ctx.bucket,
        prefix: 'docs',
        'manifest-key': `docs/${MANIFEST}`
      }),
      /Input 'manifest-key': the source has a file 'docs\/\.s3-cloudfront-deploy\.lock' .* which is the action's own lease object/,
      'reads'
    ],
    [
      'a negative lock-timeout',
      async ctx => ({ source: ctx.site, bucket: ctx.bucket, 'lock-timeout': '-5' }),
      /Input 'lock-timeout' must be a whole number from 0 to 86400, got '-5'/,
      'none'
    ],
    [
      '20 deletions over max-deletes: 5',
      async ctx => ({
        source: ctx.site,
        bucket: ctx.bucket,
        delete: 'true',
        'max-deletes': '5',
        'distribution-id': ctx.distribution
      }),
      /Refusing to deploy: it would delete 20 objects under s3:\/\/.*\/, more than max-deletes \(5\)\. Nothing was changed\. If that is intended, set max-deletes to 20 or more \(-1 for no limit\)\./,
      'reads'
    ]
  ]

  test.each(cases)('%s', async (_name, inputs, message, reach) => {
    const bucket = await newBucket()
    await seed(
      bucket,
      Array.from({ length: 20 }, (_, i) => `old/stale-${i}.html`)
    )
    const source = await makeSite({ 'index.html': 'new home', 'a.css': 'a' })
    const distribution = await createDistribution(moto.endpoint)
    const before = await listObjects(moto.endpoint, bucket, { withManifest: true })

    const given = await inputs({ bucket, site: source, distribution })
    const proxy = await startFaultProxy({ target: moto.endpoint })
    try {
      for (const run of [runGitHub, runGitLab]) {
        const result: RunResult = await run({ endpoint: proxy.url, cwd: source, inputs: given })
        expect(result.code).not.toBe(0)
        const said = run === runGitHub ? result.stdout : result.stderr
        expect(said).toMatch(message)
        if (run === runGitHub) expect(result.stdout).toMatch(/::error::/)
        expect(`${result.stdout}\n${result.stderr}`).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/) // no stack trace
      }
      const sent = proxy.requests.map(r => `${r.method} ${r.url}`)
      if (reach === 'none') expect(sent).toEqual([])
      else {
        expect(sent.length).toBeGreaterThan(0)
        expect(sent.filter(r => !/^(GET|HEAD) /.test(r))).toEqual([])
      }
    } finally {
      await proxy.close()
    }
    expect(await listObjects(moto.endpoint, bucket, { withManifest: true })).toEqual(before)
    expect(await listInvalidations(moto.endpoint, distribution)).toEqual([])
  })
})

test('a job summary that cannot be written only warns: the deploy has succeeded', async () => {
  const source = await makeSite({ 'index.html': 'home' })
  const bucket = await newBucket()
  const run = await runGitHub({
    endpoint: moto.endpoint,
    cwd: source,
    inputs: { source, bucket },
    // A folder where the summary file should be: writing it fails (EISDIR).
    env: { GITHUB_STEP_SUMMARY: await mkdtemp(path.join(os.tmpdir(), 'summary-dir-')) }
  })
  expect(run.code).toBe(0)
  expect(run.stdout).toMatch(/::warning::Could not write the job summary: .*EISDIR/)
  expect(run.outputs.uploaded).toBe('1')
  expect((await listObjects(moto.endpoint, bucket)).map(o => o.Key)).toEqual(['index.html'])
})

test('a symlink to /etc publishes nothing; with outside-symlinks: fail the deploy is refused', async () => {
  const source = await makeSite({ 'index.html': 'home' })
  await symlink('/etc', path.join(source, 'etc'))
  await symlink('/etc/hostname', path.join(source, 'hostname.txt'))
  const bucket = await newBucket()
  const strict = await runGitLab({
    endpoint: moto.endpoint,
    cwd: source,
    inputs: { source, bucket, 'outside-symlinks': 'fail' }
  })
  expect(strict.code).not.toBe(0)
  expect(strict.stderr).toMatch(/Symbolic link 'etc' leads outside the source, to \/etc/)
  expect(await listObjects(moto.endpoint, bucket)).toEqual([])

  const run = await runGitHub({ endpoint: moto.endpoint, cwd: source, inputs: { source, bucket } })
  expect(run.code).toBe(0)
  expect(run.stdout).toMatch(/::warning::Skipped symbolic link etc: leads outside the source/)
  expect((await listObjects(moto.endpoint, bucket)).map(o => o.Key)).toEqual(['index.html'])
})

describe('through a fault-injecting proxy', () => {
  /** A site, a bucket holding two objects the deploy will delete, a distribution, a proxy. */
  async function deployThroughFaults(
    files: Record<string, string>,
    faults: Omit<FaultProxyOptions, 'target'>
  ) {
    const source = await makeSite(files)
    const bucket = await newBucket()
    await seed(bucket, ['old/gone-1.html', 'old/gone-2.css'])
    const distribution = await createDistribution(moto.endpoint, '', `${bucket}.s3.amazonaws.com`)
    const proxy = await startFaultProxy({ target: moto.endpoint, ...faults })
    return { files, source, bucket, distribution, proxy }
  }

  /** What the log shows, in order: asset uploads, page uploads, the invalidation, the deletion. */
  function phases(requests: LoggedRequest[], bucket: string): string[] {
    const phase = (r: LoggedRequest) => {
      if (r.service === 'cloudfront')
        return r.method === 'POST' && r.path.endsWith('/invalidation') ? 'invalidate' : undefined
      if (r.method === 'PUT' && r.path.endsWith(MANIFEST)) return 'manifest'
      // Lease renewals come whenever the timer says: checked apart (see leaseBeforeDelete).
      if (r.path.endsWith(LEASE)) return undefined
      if (r.method === 'PUT' && r.path.startsWith(`/${bucket}/`))
        return /\.html?$/.test(r.path) ? 'pages' : 'assets'
      if (r.method === 'POST' && /[?&]delete/.test(r.url)) return 'delete'
      return undefined
    }
    const seen: string[] = []
    for (const r of requests.filter(r => r.outcome === 'forwarded' && r.status < 300)) {
      const p = phase(r)
      if (p && seen[seen.length - 1] !== p) seen.push(p)
    }
    return seen
  }

  /** The lease was renewed (the lock proven still this deploy's) after invalidating, before deleting. */
  function leaseBeforeDelete(requests: LoggedRequest[]): boolean {
    const ok = requests.filter(r => r.outcome === 'forwarded' && r.status < 300)
    const firstDelete = ok.findIndex(r => r.method === 'POST' && /[?&]delete/.test(r.url))
    const invalidated = ok.findIndex(r => r.service === 'cloudfront' && r.method === 'POST')
    const renewals = ok
      .map((r, i) => (r.method === 'PUT' && r.path.endsWith(LEASE) ? i : -1))
      .filter(i => i > invalidated && i < firstDelete)
    return firstDelete > 0 && invalidated > 0 && renewals.length > 0
  }

  test('20% 503 SlowDown, resets and a throttled invalidation: the deploy lands byte for byte, in a safe order', async () => {
    const { files, source, bucket, distribution, proxy } = await deployThroughFaults(
      site(60, 120),
      {
        slowDownRate: 0.2,
        resetRate: 0.05,
        throttleInvalidations: 1,
        seed: 7
      }
    )
    try {
      const run = await runGitHub({
        endpoint: proxy.url,
        cwd: source,
        inputs: { source, bucket, 'distribution-id': distribution, delete: 'true' },
        timeoutMs: 120_000
      })
      expect(run.stdout).not.toMatch(/::error::/)
      expect(run.code).toBe(0)
      expect(run.outputs).toMatchObject({
        uploaded: String(Object.keys(files).length),
        deleted: '2'
      })

      const injected = proxy.requests.filter(r => r.outcome !== 'forwarded')
      expect(injected.filter(r => r.outcome === 'slowdown').length).toBeGreaterThan(20)
      expect(injected.filter(r => r.outcome === 'reset').length).toBeGreaterThan(3)
      expect(injected.filter(r => r.outcome === 'throttled')).toHaveLength(1)

      expect(await bucketContents(moto.endpoint, bucket)).toEqual(files)
      // The lock is taken by writing the state object with the paths pending, first; the final
      // state, releasing it, comes last.
      expect(phases(proxy.requests, bucket)).toEqual([
        'manifest',
        'assets',
        'pages',
        'invalidate',
        'delete',
        'manifest'
      ])
      expect(leaseBeforeDelete(proxy.requests)).toBe(true)
      expect(await listInvalidations(moto.endpoint, distribution)).toHaveLength(1)
    } finally {
      await proxy.close()
    }
  })

  test('a failure midway leaves no deletions behind, says what was not done, and a rerun converges', async () => {
    const { files, source, bucket, distribution, proxy } = await deployThroughFaults(site(10, 30), {
      fail: (method, path) =>
        method === 'PUT' && path.endsWith('/assets/file-21.css')
          ? { status: 403, code: 'AccessDenied', message: 'Access Denied' }
          : undefined
    })
    try {
      const inputs = { source, bucket, 'distribution-id': distribution, delete: 'true' }
      const failed = await runGitLab({ endpoint: proxy.url, cwd: source, inputs })
      expect(failed.code).not.toBe(0)
      expect(failed.stderr).toMatch(
        /Failed to upload assets\/file-21\.css to s3:\/\/.*: access denied \(AccessDenied: Access Denied\)\. The credentials need s3:PutObject on arn:aws:s3:::.*\/\*\./
      )
      expect(failed.stderr).toMatch(
        /Not done: \d+ upload\(s\), 1 invalidation\(s\), 2 deletion\(s\) \(nothing is deleted after a failure\)\. Rerunning the deploy completes it\./
      )
      expect(proxy.requests.filter(r => r.method === 'POST' && /[?&]delete/.test(r.url))).toEqual(
        []
      )
      // The lock is released on the way out, recording what was uploaded.
      expect(phases(proxy.requests, bucket)).toEqual(['manifest', 'assets', 'manifest'])
      const keys = (await listObjects(moto.endpoint, bucket)).map(o => o.Key)
      expect(keys).toEqual(expect.arrayContaining(['old/gone-1.html', 'old/gone-2.css']))
      expect(keys).not.toContain('index.html')
      expect(await listInvalidations(moto.endpoint, distribution)).toEqual([])

      const rerun = await runGitLab({ endpoint: moto.endpoint, cwd: source, inputs })
      expect(rerun.code).toBe(0)
      expect(await bucketContents(moto.endpoint, bucket)).toEqual(files)
    } finally {
      await proxy.close()
    }
  })
})

test('a secret echoed back in an AWS error is redacted from the log, the error and the summary', async () => {
  const { SECRETS } = await import('../helpers/action')
  const source = await makeSite({ 'index.html': 'home' })
  const bucket = await newBucket()
  const proxy = await startFaultProxy({
    target: moto.endpoint,
    fail: (method, path) =>
      method === 'PUT' && !path.includes('.s3-cloudfront-deploy.')
        ? {
            status: 400,
            code: 'InvalidRequest',
            message: `bad key ${SECRETS[0]} for ${SECRETS[1]}`
          }
        : undefined
  })
  try {
    // Both helpers fail the test if a secret is visible anywhere.
    const gh = await runGitHub({ endpoint: proxy.url, cwd: source, inputs: { source, bucket } })
    expect(gh.code).not.toBe(0)
    expect(gh.stdout).toContain('::error::Failed to upload index.html')
    expect(gh.stdout).toContain('InvalidRequest: bad key *** for ***')
    expect(gh.summary).toContain('bad key *** for ***')
    const gl = await runGitLab({ endpoint: proxy.url, cwd: source, inputs: { source, bucket } })
    expect(gl.code).not.toBe(0)
    expect(gl.stderr).toContain('InvalidRequest: bad key *** for ***')
  } finally {
    await proxy.close()
  }
})

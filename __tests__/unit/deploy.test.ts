/** The order of a whole deploy, what a failure leaves behind, and what it refuses: mocked AWS. */
import { createHash } from 'node:crypto'
import { CreateInvalidationCommand } from '@aws-sdk/client-cloudfront'
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand
} from '@aws-sdk/client-s3'
import { deploy, emptyResult } from '../../src/deploy'
import { keyDigest, parseManifest } from '../../src/plan/manifest'
import { fakeClock } from '../helpers/doubles'
import { makeSite } from '../helpers/site'
import { awsError, deployHarness, LOCK, MANIFEST } from '../helpers/deploy-harness'

const { s3Mock, cfMock, log, sent, record, clearSent, config, deps, keepManifest } = deployHarness()

test('assets, then pages, then the invalidation, then deletions', async () => {
  const result = emptyResult(false)
  await deploy(await config({ concurrency: 1 }), deps(), result)
  const order = sent.filter(r => !r.startsWith('ListObjectsV2'))
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

test('a failed upload means no invalidation and no deletion', async () => {
  s3Mock
    .on(PutObjectCommand, { Key: 'js/app.js' })
    .rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }))
  const result = emptyResult(false)
  await expect(deploy(await config(), deps(), result)).rejects.toThrow(
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
  await expect(deploy(await config(), deps(), emptyResult(false))).rejects.toThrow(
    'Failed to create invalidation for distribution E1ABCDEFGH: access denied (AccessDenied: nope). The credentials need cloudfront:CreateInvalidation on distribution E1ABCDEFGH.'
  )
  expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0)
})

test('dry run: only reads are requested', async () => {
  const result = emptyResult(true)
  await deploy(await config({ dryRun: true }), deps(), result)
  expect(sent.sort()).toEqual(['GetDistributionCommand', 'ListObjectsV2Command'])
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
  await deploy(cfg, deps(), first)
  expect(sent.sort()).toEqual([
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

  clearSent()
  const second = emptyResult(false)
  await deploy(cfg, deps(), second)
  expect(sent.sort()).toEqual([
    'GetDistributionCommand',
    `GetObjectCommand ${MANIFEST}`,
    'ListObjectsV2Command'
  ])
  expect(second.plan!.unchanged).toHaveLength(1)
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
    deploy(await config({ source: site, paths: ['/*'] }), deps(), emptyResult(false))
  ).rejects.toThrow(
    `Failed to write the state object s3://bucket/${MANIFEST}: access denied (AccessDenied: Access Denied). The credentials need s3:PutObject on arn:aws:s3:::bucket/${MANIFEST}.`
  )
})

test('a state object written by a newer release is refused, naming manifest-key, before any write', async () => {
  const { gzipSync } = await import('node:zlib')
  s3Mock.on(GetObjectCommand, { Key: MANIFEST }).callsFake(() => {
    sent.push(`GetObjectCommand ${MANIFEST}`)
    const body = gzipSync('{"version":3,"generator":"s3-cloudfront-deploy"}')
    return { ETag: '"v3"', Body: { transformToByteArray: async () => new Uint8Array(body) } }
  })
  for (const dryRun of [false, true]) {
    clearSent()
    await expect(deploy(await config({ dryRun }), deps(), emptyResult(dryRun))).rejects.toThrow(
      "Input 'manifest-key': the state object was written by a newer version of the action (format 3, this one reads up to 2): use that version or newer. Nothing was changed. (Or set manifest-key to a new name: this version then starts a state object of its own.)"
    )
    expect(sent).toContain(`GetObjectCommand ${MANIFEST}`)
    expect(sent.filter(r => /^(Put|Delete|Copy|CreateInvalidation)/.test(r))).toEqual([])
  }
})

test('more deletions than max-deletes: refused after the plan is shown, before any change', async () => {
  const objects = Array.from({ length: 20 }, (_, i) => ({
    Key: `old-${i}.css`,
    ETag: '"x"',
    Size: 1
  }))
  s3Mock.on(ListObjectsV2Command).callsFake(record('ListObjectsV2Command', { Contents: objects }))
  await expect(deploy(await config({ maxDeletes: 5 }), deps(), emptyResult(false))).rejects.toThrow(
    'Refusing to deploy: it would delete 20 objects under s3://bucket/, more than max-deletes (5). Nothing was changed. If that is intended, set max-deletes to 20 or more (-1 for no limit).'
  )
  expect(sent.filter(r => !/^(ListObjectsV2|GetDistribution)Command/.test(r))).toEqual([])
  expect(log.lines).toContain('Deleting 20 object(s):')
  // -1: no limit
  await deploy(await config({ maxDeletes: -1 }), deps(), emptyResult(false))
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
  await deploy({ ...cfg, dryRun: true }, deps(), result)
  expect(result.plan!.uploads.map(u => u.file.key).filter(k => k.startsWith('etc'))).toEqual([])
  expect(log.lines).toContain(
    `warning: Skipped symbolic link etc: leads outside the source, to ${outside}; it is not published.`
  )

  await expect(
    deploy({ ...cfg, outsideSymlinks: 'fail' }, deps(), emptyResult(false))
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
  await deploy(await config({ delete: false }), deps(), result)
  expect(log.lines.join('\n')).toMatch(
    /warning: Cannot read the state object s3:\/\/bucket\/\.s3-cloudfront-deploy\.json \(AccessDenied: Access Denied\): comparing by ETag only/
  )
  expect(sent.filter(r => r.startsWith('HeadObject') || r.includes(MANIFEST))).toEqual([])
  expect(result.plan!.unchanged.map(f => f.key)).toEqual(['css/site.css'])
  expect(result.uploaded).toBe(3)
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
    await deploy(cfg, deps({ clock: clockAt(T) }), first)
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
    clearSent()
    const second = emptyResult(false)
    await deploy(cfg, deps({ clock: clockAt(T + DAY * 1000) }), second)
    expect(sent.filter(r => !/^(ListObjectsV2|GetObject|GetDistribution)Command/.test(r))).toEqual([
      `PutObjectCommand ${MANIFEST}`
    ])
    expect(removed(written[written.length - 1]!)).toEqual([T / 1000, T / 1000 + DAY])

    // Once more, nothing new: a kept asset costs nothing (no write at all).
    clearSent()
    await deploy(cfg, deps({ clock: clockAt(T + 2 * DAY * 1000) }), emptyResult(false))
    expect(sent.filter(r => !/^(ListObjectsV2|GetObject|GetDistribution)Command/.test(r))).toEqual(
      []
    )

    // Seven days after it left, the first asset is due: max-deletes counts it.
    const due = clockAt(T + 7 * DAY * 1000)
    await expect(
      deploy({ ...cfg, maxDeletes: 0 }, deps({ clock: due }), emptyResult(false))
    ).rejects.toThrow(
      'Refusing to deploy: it would delete 1 objects under s3://bucket/ (1 of them removed assets whose keep-removed-assets period is over), more than max-deletes (0).'
    )
    s3Mock.resetHistory()
    cfMock.resetHistory()
    const last = emptyResult(false)
    await deploy(cfg, deps({ clock: due }), last)
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
    await deploy(cfg, deps({ clock: clockAt(T) }), emptyResult(false))
    const count = written.length
    listing('assets/a.js', 'assets/b.js')
    const result = emptyResult(true)
    log.lines.length = 0
    await deploy({ ...cfg, dryRun: true }, deps({ clock: clockAt(T + 3600 * 1000) }), result)
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
        deps({ clock: clockAt(T) }),
        emptyResult(false)
      )
    ).rejects.toThrow('Failed to upload js/app.js')
    expect(removed(written[written.length - 1]!)).toEqual([])
  })
})

test('filters that leave nothing to deploy: refused before any request, as an empty source is', async () => {
  const { createFilter } = await import('../../src/plan/filter')
  const cfg = await config({
    inScope: createFilter('[', ''),
    filters: { include: ['['], exclude: [] }
  })
  for (const dryRun of [false, true]) {
    clearSent()
    await expect(deploy({ ...cfg, dryRun }, deps(), emptyResult(dryRun))).rejects.toThrow(
      /^Input 'include' leaves nothing to deploy: 0 of 4 file\(s\) in '\S+' match include '\['\. Nothing was changed\./
    )
    expect(sent).toEqual([])
    expect(s3Mock.calls()).toEqual([])
    expect(cfMock.calls()).toEqual([])
  }
})

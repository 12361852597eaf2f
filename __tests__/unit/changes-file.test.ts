import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  changesReport,
  checkChangesFile,
  writeChangesFile,
  type ChangesReport
} from '../../src/changes-file'
import { emptyResult, type DeployResult } from '../../src/steps/context'
import type { SourceFile, SyncPlan } from '../../src/plan/types'
import { baseConfig, sourceFile } from '../helpers/fixtures'
import { example } from '../helpers/examples'
import { readRepoFile } from '../helpers/repo'

const EXAMPLE = JSON.parse(example('reports/changes.json').text) as ChangesReport
const md5 = (c: string) => c.repeat(32)
const seconds = (iso: string) => Date.parse(iso) / 1000

const gzipped = (key: string, size: number): SourceFile => ({
  ...sourceFile(key, md5('a'), size, { contentEncoding: 'gzip' }),
  compress: 'gzip'
})

/** The deploy the documented example reports: the same plan, writes and invalidation. */
function exampleDeploy(): DeployResult {
  const js = gzipped('assets/index-4f2a9c1e.js', 48213)
  const webp = sourceFile('img/team.webp', md5('b'), 90412, { contentType: 'image/webp' })
  const html = gzipped('index.html', 5120)
  const about = gzipped('about/index.html', 4096)
  const kept = {
    key: 'assets/Settings-9c1e4f2a.js',
    removedAt: seconds('2026-12-01T09:30:00Z'),
    until: seconds('2026-12-08T09:30:00Z')
  }
  const expired = { key: 'assets/index-0b7d3e55.js', removedAt: 0, until: 1 }
  const plan: SyncPlan = {
    uploads: [
      { file: js, reason: 'new' },
      { file: webp, reason: 'changed' },
      { file: html, reason: 'changed' }
    ],
    updates: [about],
    deletes: ['assets/index-0b7d3e55.js', 'old-page.html'],
    kept: [kept],
    expired: [expired],
    unchanged: []
  }
  const remote = new Map(
    [
      ['assets/index-0b7d3e55.js', 15602],
      ['old-page.html', 2100],
      ['assets/Settings-9c1e4f2a.js', 3071],
      ['about/index.html', 1500]
    ].map(([key, size]) => [
      key as string,
      { key: key as string, etag: md5('e'), size: size as number }
    ])
  )
  const paths = EXAMPLE.invalidations[0]!.paths
  return {
    ...emptyResult(false),
    plan,
    remote,
    uploaded: 3,
    updated: 1,
    deleted: 2,
    written: [
      { file: js, etag: md5('1'), size: 15877 },
      { file: webp, etag: md5('2'), size: 90412 },
      { file: html, etag: md5('3'), size: 1804 },
      { file: about, etag: md5('4') }
    ],
    targets: [{ distributionId: 'E1ABCDEF2GHIJK', paths }],
    invalidations: [
      { distributionId: 'E1ABCDEF2GHIJK', id: 'I2J3K4L5M6N7O8', status: 'InProgress' }
    ]
  }
}

const config = baseConfig('/site', { bucket: 'my-site-bucket' })

test('the documented example is exactly what the deploy it describes writes', () => {
  expect(changesReport(config, exampleDeploy(), false)).toEqual(EXAMPLE)
})

test('docs/changes-file.md shows the example and explains every field of it', () => {
  const page = readRepoFile('docs/changes-file.md')
  expect(page).toContain('BEGIN GENERATED example:examples/reports/changes.json')
  const fields = new Set<string>()
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk)
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        fields.add(k)
        walk(v)
      }
    }
  }
  walk(EXAMPLE)
  const explained = page.replace(/<!-- BEGIN GENERATED[\s\S]*?END GENERATED[^\n]*/g, '')
  expect([...fields].filter(f => !explained.includes(`\`${f}\``))).toEqual([])
  for (const reason of [
    'new',
    'changed',
    'headers',
    'gone',
    'expired',
    'remove',
    'keep-removed-assets'
  ]) {
    expect([reason, explained.includes(`\`${reason}\``)]).toEqual([reason, true])
  }
})

test('a dry run reports what would be done: the plan, without stored sizes or invalidation IDs', () => {
  const deploy = exampleDeploy()
  const dry: DeployResult = {
    ...deploy,
    dryRun: true,
    uploaded: 3,
    written: [],
    invalidations: []
  }
  const report = changesReport(config, dry, false)
  expect(report.status).toBe('dry-run')
  expect(report.uploaded).toEqual(EXAMPLE.uploaded.map(({ storedSize: _, ...u }) => u))
  expect(report.updated).toEqual(EXAMPLE.updated)
  expect(report.deleted).toEqual(EXAMPLE.deleted)
  expect(report.invalidations).toEqual([
    { distributionId: 'E1ABCDEF2GHIJK', paths: EXAMPLE.invalidations[0]!.paths }
  ])
})

test('a failed deploy reports only what it did before it failed', () => {
  const deploy = exampleDeploy()
  const failed: DeployResult = {
    ...deploy,
    uploaded: 1,
    updated: 0,
    deleted: 0,
    written: deploy.written.slice(0, 1),
    invalidations: []
  }
  const report = changesReport(config, failed, true)
  expect(report.status).toBe('failed')
  expect(report.uploaded.map(u => u.key)).toEqual(['assets/index-4f2a9c1e.js'])
  expect([report.updated, report.deleted, report.invalidations]).toEqual([[], [], []])
})

test('a removal reports each object deleted, with reason remove', () => {
  const result: DeployResult = {
    ...emptyResult(false),
    plan: {
      uploads: [],
      updates: [],
      deletes: ['pr-7/a.html'],
      kept: [],
      expired: [],
      unchanged: []
    },
    remote: new Map([['pr-7/a.html', { key: 'pr-7/a.html', etag: md5('a'), size: 12 }]]),
    deleted: 1
  }
  const report = changesReport({ ...config, remove: true, prefix: 'pr-7/' }, result, false)
  expect([report.status, report.prefix, report.deleted]).toEqual([
    'removed',
    'pr-7/',
    [{ key: 'pr-7/a.html', size: 12, reason: 'remove' }]
  ])
})

describe('checkChangesFile, before any request', () => {
  test('a file in an existing folder passes, whether or not it exists yet', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'changes-'))
    await expect(checkChangesFile(path.join(dir, 'changes.json'))).resolves.toBeUndefined()
    await writeFile(path.join(dir, 'old.json'), '{}')
    await expect(checkChangesFile(path.join(dir, 'old.json'))).resolves.toBeUndefined()
  })

  test('a missing folder, a folder given as the file, a file given as the folder: refused, naming the input', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'changes-'))
    await writeFile(path.join(dir, 'plain'), '')
    await expect(checkChangesFile(path.join(dir, 'missing', 'changes.json'))).rejects.toMatchObject(
      {
        name: 'InputError',
        message: expect.stringMatching(
          /^Input 'changes-file' must be a file in an existing, writable folder, got '.*changes\.json': the folder '.*missing' does not exist\./
        )
      }
    )
    await expect(checkChangesFile(dir)).rejects.toThrow(
      /^Input 'changes-file' .*: it is a folder\./
    )
    await expect(checkChangesFile(path.join(dir, 'plain', 'c.json'))).rejects.toThrow(
      /^Input 'changes-file' .*: '.*plain' is not a folder\./
    )
  })
})

test('writeChangesFile: indented JSON that parses back to the report', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'changes-'))
  const file = path.join(dir, 'changes.json')
  await writeChangesFile(file, EXAMPLE)
  expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(EXAMPLE)
  await expect(writeChangesFile(path.join(dir, 'no', 'x.json'), EXAMPLE)).rejects.toThrow(
    /^Could not write the report of input 'changes-file' to '.*x\.json': ENOENT/
  )
})

test('a release reports what changed in it, the release made live and those retired; the copies of unchanged files are not changes', () => {
  const fresh = sourceFile('site/_releases/R2/app.js', md5('a'), 300)
  const same = sourceFile('site/_releases/R2/index.html', md5('b'), 100)
  const result: DeployResult = {
    ...emptyResult(false),
    plan: {
      uploads: [{ file: fresh, reason: 'changed' }],
      updates: [],
      deletes: [],
      kept: [],
      expired: [],
      unchanged: [same]
    },
    uploaded: 1,
    written: [
      { file: fresh, etag: md5('1'), size: 300 },
      { file: same, etag: md5('2'), copied: true }
    ],
    release: 'R2',
    retired: ['R0']
  }
  const release = { store: 'arn', keep: 2, rollback: undefined }
  const report = changesReport({ ...config, prefix: 'site/', release }, result, false)
  expect([report.status, report.release, report.retired]).toEqual(['deployed', 'R2', ['R0']])
  expect(report.uploaded.map(u => u.key)).toEqual(['site/_releases/R2/app.js'])
  expect(report.updated).toEqual([])

  const rollback = changesReport(
    { ...config, release: { ...release, rollback: 'previous' } },
    { ...emptyResult(false), release: 'R1' },
    false
  )
  expect([rollback.status, rollback.release, rollback.uploaded]).toEqual(['rolled-back', 'R1', []])
})

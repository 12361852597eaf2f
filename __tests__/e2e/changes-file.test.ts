/**
 * changes-file end to end: the report lists exactly the keys a deploy changed, checked against
 * the bucket's listings before and after it, the GitHub way (output) and the GitLab way (flags,
 * dotenv); a dry run writes one and changes nothing; a path that cannot be written is refused
 * before any request.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { motoSuite } from '../helpers/moto'
import {
  createDistribution,
  getInvalidationPaths,
  listObjects,
  type ListedObject
} from '../helpers/aws'
import { runGitHub, runGitLab, type RunResult } from '../helpers/action'
import { makeSite } from '../helpers/site'
import { startFaultProxy } from '../helpers/fault-proxy'
import type { ChangesReport } from '../../src/changes-file'

const moto = motoSuite('changes')

const SITE = {
  'index.html': '<h1>home</h1>',
  'about/index.html': '<h1>about</h1>',
  'css/site.css': 'body { margin: 0 }',
  'js/app.js': 'main()',
  'old.html': '<p>old</p>',
  'img/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>'
}

const ok = (run: RunResult) => {
  if (run.code !== 0) throw new Error(`the deploy failed:\n${run.stdout}\n${run.stderr}`)
  return run
}

const listing = async (bucket: string) =>
  new Map((await listObjects(moto.endpoint, bucket)).map(o => [o.Key, o]))

const readReport = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as ChangesReport

/** What the bucket says changed between two listings. */
function difference(before: Map<string, ListedObject>, after: Map<string, ListedObject>) {
  const keys = (pick: (key: string) => boolean, from: Map<string, ListedObject>) =>
    [...from.keys()].filter(pick).sort()
  return {
    created: keys(k => !before.has(k), after),
    rewritten: keys(k => before.has(k) && before.get(k)!.ETag !== after.get(k)!.ETag, after),
    // Same bytes, written again (a header update): only the time tells.
    touched: keys(
      k =>
        before.has(k) &&
        before.get(k)!.ETag === after.get(k)!.ETag &&
        before.get(k)!.LastModified !== after.get(k)!.LastModified,
      after
    ),
    deleted: keys(k => !after.has(k), before)
  }
}

test('the report lists exactly the keys a deploy changed, as the bucket shows them (GitHub way, then GitLab way)', async () => {
  const site = await makeSite(SITE)
  const bucket = await moto.newBucket()
  const distribution = await createDistribution(moto.endpoint, '', `${bucket}.s3.amazonaws.com`)
  const out = await mkdtemp(path.join(os.tmpdir(), 'changes-'))
  const inputs = {
    source: site,
    bucket,
    delete: 'true',
    'distribution-id': distribution,
    compress: '*.html: gzip'
  }

  // A first deploy: everything is new.
  // A path relative to the working directory (outside the source: it is no file of the site).
  const first = ok(
    await runGitHub({
      endpoint: moto.endpoint,
      cwd: out,
      inputs: { ...inputs, 'changes-file': 'changes.json' }
    })
  )
  const firstFile = path.join(out, 'changes.json')
  expect(first.outputs['changes-file']).toBe(firstFile)
  let report = await readReport(firstFile)
  let after = await listing(bucket)
  expect(report.status).toBe('deployed')
  expect(report.uploaded.map(u => u.key)).toEqual([...after.keys()].sort())
  expect(new Set(report.uploaded.map(u => u.reason))).toEqual(new Set(['new']))
  for (const u of report.uploaded) {
    // What is stored: the compressed bytes for pages, the file's for the rest.
    expect([u.key, u.storedSize ?? u.size]).toEqual([u.key, after.get(u.key)!.Size])
    expect([u.key, u.encoding]).toEqual([u.key, u.key.endsWith('.html') ? 'gzip' : undefined])
  }
  expect([report.updated, report.deleted, report.kept]).toEqual([[], [], []])

  // An edit, a new file, a removed page, and a header change on the stylesheet.
  await writeFile(path.join(site, 'js', 'app.js'), 'main(2)')
  await writeFile(path.join(site, 'news.html'), '<h1>news</h1>')
  await rm(path.join(site, 'old.html'))
  const before = await listing(bucket)
  await new Promise(r => setTimeout(r, 1100)) // moto's LastModified has 1 s resolution
  const report2 = path.join(out, 'report.json')
  const second = ok(
    await runGitLab({
      endpoint: moto.endpoint,
      cwd: site,
      inputs: {
        ...inputs,
        'cache-control': 'css/*: max-age=60',
        'changes-file': report2
      }
    })
  )
  expect(second.outputs.CHANGES_FILE).toBe(report2)
  report = await readReport(report2)
  after = await listing(bucket)
  const diff = difference(before, after)
  expect(diff).toEqual({
    created: ['news.html'],
    rewritten: ['js/app.js'],
    touched: ['css/site.css'],
    deleted: ['old.html']
  })
  expect(report.uploaded.map(u => [u.key, u.reason])).toEqual([
    ['js/app.js', 'changed'],
    ['news.html', 'new']
  ])
  expect(report.updated.map(u => [u.key, u.reason])).toEqual([['css/site.css', 'headers']])
  expect(report.deleted).toEqual([
    { key: 'old.html', size: before.get('old.html')!.Size, reason: 'gone' }
  ])
  // The invalidation it created, with the very paths CloudFront has.
  expect(report.invalidations).toEqual([
    {
      distributionId: distribution,
      paths: JSON.parse(second.outputs.INVALIDATION_PATHS!),
      id: second.outputs.INVALIDATION_ID,
      status: second.outputs.INVALIDATION_STATUS
    }
  ])
  expect(
    (await getInvalidationPaths(moto.endpoint, distribution, report.invalidations[0]!.id!)).sort()
  ).toEqual([...report.invalidations[0]!.paths].sort())

  // Nothing changed: a report with empty lists.
  ok(
    await runGitLab({
      endpoint: moto.endpoint,
      cwd: site,
      inputs: { ...inputs, 'cache-control': 'css/*: max-age=60', 'changes-file': report2 }
    })
  )
  report = await readReport(report2)
  expect([
    report.status,
    report.uploaded,
    report.updated,
    report.deleted,
    report.invalidations
  ]).toEqual(['deployed', [], [], [], []])
})

test('a dry run writes the report of what it would do, and changes nothing', async () => {
  const site = await makeSite(SITE)
  const bucket = await moto.newBucket()
  ok(await runGitLab({ endpoint: moto.endpoint, cwd: site, inputs: { source: site, bucket } }))
  await writeFile(path.join(site, 'index.html'), '<h1>home, edited</h1>')
  await rm(path.join(site, 'old.html'))
  const before = await listObjects(moto.endpoint, bucket, { withManifest: true })
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'changes-')), 'plan.json')
  const run = ok(
    await runGitHub({
      endpoint: moto.endpoint,
      cwd: site,
      inputs: {
        source: site,
        bucket,
        delete: 'true',
        'dry-run': 'true',
        compress: '*.html: gzip',
        'changes-file': file
      }
    })
  )
  expect(await listObjects(moto.endpoint, bucket, { withManifest: true })).toEqual(before)
  const report = await readReport(file)
  expect(report.status).toBe('dry-run')
  // Adding a rule changes every page's encoding: each would be uploaded again, none compressed yet.
  expect(report.uploaded).toEqual([
    { key: 'about/index.html', size: 14, reason: 'changed', encoding: 'gzip' },
    { key: 'index.html', size: 21, reason: 'changed', encoding: 'gzip' }
  ])
  expect(report.deleted).toEqual([{ key: 'old.html', size: 10, reason: 'gone' }])
  expect(run.outputs).toMatchObject({ uploaded: '2', deleted: '1', 'changes-file': file })
})

test('a changes-file that cannot be written is refused before any request, naming the input', async () => {
  const site = await makeSite(SITE)
  const proxy = await startFaultProxy({ target: moto.endpoint })
  try {
    const missing = path.join(site, 'no-such-folder', 'changes.json')
    const runs = [
      await runGitLab({
        endpoint: proxy.url,
        cwd: site,
        inputs: { source: site, bucket: 'any-bucket', 'changes-file': missing }
      }),
      await runGitHub({
        endpoint: proxy.url,
        cwd: site,
        inputs: { source: site, bucket: 'any-bucket', 'changes-file': site }
      })
    ]
    for (const run of runs) {
      expect(run.code).not.toBe(0)
      expect(`${run.stdout}${run.stderr}`).toContain(
        "Input 'changes-file' must be a file in an existing, writable folder"
      )
    }
    expect(proxy.requests).toEqual([])
  } finally {
    await proxy.close()
  }
})

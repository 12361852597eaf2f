/**
 * A real S3-compatible store: Ceph RGW (the S3 server behind DigitalOcean Spaces, Linode Object
 * Storage and many private clouds), started once for this file. The bundled action deploys to it
 * with the same code as to AWS; the bucket is checked with the aws CLI.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { startRgw, type Rgw } from '../helpers/rgw'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { aws, awsEnv, cleanEnv, downloadAll, LEASE, listObjects, MANIFEST } from '../helpers/aws'
import { runGitHub, runGitLab } from '../helpers/action'
import { makeSite, writeFiles } from '../helpers/site'

const execFileAsync = promisify(execFile)

let rgw: Rgw
let count = 0
beforeAll(async () => {
  rgw = await startRgw()
}, 90_000)
afterAll(async () => {
  await rgw?.stop()
})

async function newBucket(): Promise<string> {
  const name = `rgw-${++count}-${Date.now()}`
  await aws(rgw.endpoint, 's3api', 'create-bucket', '--bucket', name)
  return name
}

const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex')

/** Every object under the bucket (the action's own aside), as key → MD5 of its bytes. */
async function bucketDigests(bucket: string): Promise<Record<string, string>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rgw-get-'))
  await downloadAll(rgw.endpoint, bucket, dir)
  const out: Record<string, string> = {}
  for (const o of await listObjects(rgw.endpoint, bucket)) {
    if (o.Key.endsWith(LEASE)) continue
    out[o.Key] = md5(await readFile(path.join(dir, ...o.Key.split('/'))))
  }
  return out
}

const digests = (files: Record<string, string | Buffer>) =>
  Object.fromEntries(Object.entries(files).map(([k, v]) => [k, md5(v)]))

test('a site with a 20 MiB file: first deploy, a rebuild uploads nothing, an edit uploads one file', async () => {
  const bucket = await newBucket()
  const files: Record<string, string | Buffer> = {
    'index.html': '<h1>on RGW</h1>',
    'css/site.css': 'body{}',
    'video/intro.mp4': randomBytes(20 * 1024 * 1024)
  }
  const site = await makeSite(files)
  const inputs = { source: site, bucket, delete: 'true' }

  const first = await runGitHub({ endpoint: rgw.endpoint, cwd: site, inputs })
  expect(first.stderr).toBe('')
  expect(first.code).toBe(0)
  expect(first.outputs).toMatchObject({ uploaded: '3', deleted: '0' })
  expect(await bucketDigests(bucket)).toEqual(digests(files))

  const again = await runGitLab({ endpoint: rgw.endpoint, cwd: site, inputs })
  expect(again.code).toBe(0)
  expect(again.outputs).toMatchObject({ UPLOADED: '0', UPDATED: '0', DELETED: '0' })

  files['css/site.css'] = 'body{color:red}'
  await writeFiles(site, { 'css/site.css': files['css/site.css'] })
  const edit = await runGitHub({ endpoint: rgw.endpoint, cwd: site, inputs })
  expect(edit.code).toBe(0)
  expect(edit.outputs).toMatchObject({ uploaded: '1', unchanged: '2' })
  expect(await bucketDigests(bucket)).toEqual(digests(files))
  // The lock was released: the state object names none, and its lease is gone.
  const keys = (await listObjects(rgw.endpoint, bucket, { withManifest: true })).map(o => o.Key)
  expect(keys).toContain(MANIFEST)
  expect(keys).not.toContain(LEASE)
}, 240_000)

test('two overlapping deploys end as exactly one build', async () => {
  const bucket = await newBucket()
  const build = (name: string) => {
    const files: Record<string, string> = { 'index.html': `<h1>${name}</h1>` }
    for (let i = 0; i < 20; i++) files[`${name}/page-${i}.html`] = `${name} ${i}`
    return files
  }
  const a = build('a')
  const b = build('b')
  const siteA = await makeSite(a)
  const siteB = await makeSite(b)
  const inputs = (source: string) => ({ source, bucket, delete: 'true', concurrency: '2' })
  const [ra, rb] = await Promise.all([
    runGitHub({ endpoint: rgw.endpoint, cwd: siteA, inputs: inputs(siteA) }),
    runGitLab({ endpoint: rgw.endpoint, cwd: siteB, inputs: inputs(siteB) })
  ])
  expect([ra.code, rb.code]).toEqual([0, 0])
  const contents = await bucketDigests(bucket)
  expect([digests(a), digests(b)]).toContainEqual(contents)
}, 240_000)

test('remove: a preview under a prefix goes, its neighbour stays', async () => {
  const bucket = await newBucket()
  const site = await makeSite({ 'index.html': 'preview', 'app.js': 'x' })
  for (const prefix of ['pr-7', 'pr-70']) {
    const run = await runGitLab({
      endpoint: rgw.endpoint,
      cwd: site,
      inputs: { source: site, bucket, prefix }
    })
    expect(run.code).toBe(0)
  }
  const removed = await runGitHub({
    endpoint: rgw.endpoint,
    cwd: site,
    inputs: { bucket, prefix: 'pr-7', remove: 'true' }
  })
  expect(removed.code).toBe(0)
  expect(removed.outputs.deleted).toBe('2')
  const keys = (await listObjects(rgw.endpoint, bucket, { withManifest: true })).map(o => o.Key)
  expect(keys.filter(k => k.startsWith('pr-7/'))).toEqual([])
  expect(keys.filter(k => k.startsWith('pr-70/')).sort()).toEqual([
    `pr-70/${MANIFEST}`,
    'pr-70/app.js',
    'pr-70/index.html'
  ])
}, 240_000)

test('an error with an empty message names its code and status, not "UnknownError"', async () => {
  // A bucket of another user: RGW answers 403 AccessDenied with an empty <Message/>.
  rgw.addUser('other-user-key', 'other-user-secret-key')
  const bucket = `rgw-other-${Date.now()}`
  await execFileAsync('aws', ['s3api', 'create-bucket', '--bucket', bucket], {
    env: {
      ...cleanEnv(),
      ...awsEnv(rgw.endpoint),
      AWS_ACCESS_KEY_ID: 'other-user-key',
      AWS_SECRET_ACCESS_KEY: 'other-user-secret-key'
    }
  })
  const site = await makeSite({ 'index.html': 'x' })
  const run = await runGitHub({
    endpoint: rgw.endpoint,
    cwd: site,
    inputs: { source: site, bucket }
  })
  expect(run.code).toBe(1)
  expect(run.stdout + run.stderr).toContain(
    `Failed to list s3://${bucket}/: access denied (AccessDenied (HTTP 403)). The credentials need s3:ListBucket on arn:aws:s3:::${bucket}.`
  )
  expect(run.stdout + run.stderr).not.toMatch(/UnknownError/)
}, 120_000)

/**
 * The bundled dist/index.js, run as the GitHub runner and as a GitLab job would, against
 * moto_server. What landed is checked with the aws CLI, never with the project's own code.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { motoSuite } from '../helpers/moto'
import {
  createDistribution,
  getInvalidationPaths,
  downloadAll,
  getObjectBytes,
  headObject,
  listInvalidations,
  listObjects
} from '../helpers/aws'
import { runGitHub, runGitLab } from '../helpers/action'
import { makeSite, sampleSite, touchAll, writeFiles } from '../helpers/site'
import { ROOT } from '../helpers/repo'

const moto = motoSuite('site')
const newBucket = () => moto.newBucket()

const EXPECTED_TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'css/site.css': 'text/css; charset=utf-8',
  'js/app.js': 'text/javascript; charset=utf-8',
  'js/module.mjs': 'text/javascript; charset=utf-8',
  'js/app.js.map': 'application/json; charset=utf-8',
  'data/feed.json': 'application/json; charset=utf-8',
  'sitemap.xml': 'application/xml; charset=utf-8',
  'img/logo.svg': 'image/svg+xml; charset=utf-8',
  'img/photo.png': 'image/png',
  'img/photo.jpg': 'image/jpeg',
  'img/anim.gif': 'image/gif',
  'img/pic.webp': 'image/webp',
  'img/pic.avif': 'image/avif',
  'favicon.ico': 'image/vnd.microsoft.icon',
  'fonts/inter.woff': 'font/woff',
  'fonts/inter.woff2': 'font/woff2',
  'wasm/app.wasm': 'application/wasm',
  'robots.txt': 'text/plain; charset=utf-8',
  'docs/guide.pdf': 'application/pdf'
}

describe('GitHub way (INPUT_* variables, GITHUB_OUTPUT)', () => {
  test('first deploy: every file lands byte for byte with its Content-Type, then a rebuild uploads nothing', async () => {
    const files = sampleSite()
    const site = await makeSite(files)
    const bucket = await newBucket()
    const distribution = await createDistribution(moto.endpoint)

    const first = await runGitHub({
      endpoint: moto.endpoint,
      cwd: path.dirname(site),
      inputs: {
        source: path.basename(site),
        bucket,
        'distribution-id': distribution,
        wait: 'true',
        // Room for the exact list of URLs (26, more than the default 15): they are checked below.
        'invalidation-max-paths': '100'
      }
    })
    expect(first.code).toBe(0)
    // @actions/core writes workflow commands, ::error:: and ::warning:: too, to stdout.
    expect(first.stdout).not.toMatch(/^::(error|warning)/m)
    expect(first.stdout).toMatch(/^::group::/m)
    expect(first.outputs.uploaded).toBe(String(Object.keys(files).length))
    expect(first.outputs.unchanged).toBe('0')
    expect(first.outputs.deleted).toBe('0')
    expect(first.outputs['invalidation-status']).toBe('COMPLETED')
    expect(first.summary).toContain('Deployed')

    const objects = await listObjects(moto.endpoint, bucket)
    expect(objects.map(o => o.Key).sort()).toEqual(Object.keys(files).sort())
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'get-'))
    await downloadAll(moto.endpoint, bucket, scratch)
    for (const [key, content] of Object.entries(files)) {
      expect([
        key,
        (await readFile(path.join(scratch, ...key.split('/')))).equals(Buffer.from(content))
      ]).toEqual([key, true])
    }
    for (const [key, type] of Object.entries(EXPECTED_TYPES)) {
      expect([key, (await headObject(moto.endpoint, bucket, key)).ContentType]).toEqual([key, type])
    }

    // The invalidation holds each file's URL, and folder URLs for index pages.
    const ids = await listInvalidations(moto.endpoint, distribution)
    expect(ids.map(i => i.Id)).toEqual([first.outputs['invalidation-id']])
    const sent = await getInvalidationPaths(
      moto.endpoint,
      distribution,
      first.outputs['invalidation-id']!
    )
    expect(sent).toEqual(
      expect.arrayContaining([
        '/',
        '/index.html',
        '/about/',
        '/blog/2024/hello-world/',
        '/css/site.css',
        '/caf%C3%A9/menu.html'
      ])
    )
    expect(JSON.parse(first.outputs['invalidation-paths']!).sort()).toEqual([...sent].sort())

    // A fresh checkout gives every file a new time; nothing is uploaded, nothing invalidated.
    const before = await listObjects(moto.endpoint, bucket)
    await new Promise(r => setTimeout(r, 1100)) // moto's LastModified has 1 s resolution
    expect(await touchAll(site)).toBe(Object.keys(files).length)
    const second = await runGitHub({
      endpoint: moto.endpoint,
      cwd: path.dirname(site),
      inputs: { source: path.basename(site), bucket, 'distribution-id': distribution }
    })
    expect(second.code).toBe(0)
    expect(second.outputs).toMatchObject({
      uploaded: '0',
      deleted: '0',
      unchanged: String(Object.keys(files).length),
      'invalidation-id': '',
      'invalidation-status': 'none',
      'invalidation-paths': '[]'
    })
    expect(await listObjects(moto.endpoint, bucket)).toEqual(before)
    expect(await listInvalidations(moto.endpoint, distribution)).toHaveLength(1)
  }, 150_000)

  test('an edit that keeps the size is found, uploaded and invalidated', async () => {
    const site = await makeSite({ 'index.html': '<p>version A</p>', 'css/a.css': 'a{color:red}' })
    const bucket = await newBucket()
    const distribution = await createDistribution(moto.endpoint)
    const inputs = { source: site, bucket, 'distribution-id': distribution }
    expect((await runGitHub({ endpoint: moto.endpoint, cwd: site, inputs })).code).toBe(0)

    await writeFiles(site, { 'css/a.css': 'a{color:blu}' }) // same length
    const run = await runGitHub({ endpoint: moto.endpoint, cwd: site, inputs })
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({
      uploaded: '1',
      unchanged: '1',
      'invalidation-paths': '["/css/a.css"]'
    })
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'get-')), 'a.css')
    await getObjectBytes(moto.endpoint, bucket, 'css/a.css', out)
    expect(await readFile(out, 'utf8')).toBe('a{color:blu}')
  })

  test('explicit paths are sent as given', async () => {
    const site = await makeSite({ 'index.html': 'x', 'a/b.css': 'y' })
    const bucket = await newBucket()
    const distribution = await createDistribution(moto.endpoint)
    const run = await runGitHub({
      endpoint: moto.endpoint,
      cwd: site,
      inputs: { source: site, bucket, 'distribution-id': distribution, paths: '/*' }
    })
    expect(run.code).toBe(0)
    expect(run.outputs['invalidation-paths']).toBe('["/*"]')
    expect(
      await getInvalidationPaths(moto.endpoint, distribution, run.outputs['invalidation-id']!)
    ).toEqual(['/*'])
  })

  test('dry-run prints the plan and changes neither the bucket nor the distribution', async () => {
    const site = await makeSite({ 'index.html': 'new home', 'new.css': 'n' })
    const bucket = await newBucket()
    const distribution = await createDistribution(moto.endpoint)
    const seed = await makeSite({ 'index.html': 'old home', 'gone.css': 'g' })
    expect(
      (await runGitHub({ endpoint: moto.endpoint, cwd: seed, inputs: { source: seed, bucket } }))
        .code
    ).toBe(0)
    const before = await listObjects(moto.endpoint, bucket)

    const run = await runGitHub({
      endpoint: moto.endpoint,
      cwd: site,
      inputs: {
        source: site,
        bucket,
        'distribution-id': distribution,
        delete: 'true',
        'dry-run': 'true'
      }
    })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('dry run')
    expect(run.stdout).toMatch(/~ index\.html/)
    expect(run.stdout).toMatch(/\+ new\.css/)
    expect(run.stdout).toMatch(/- gone\.css/)
    expect(run.outputs).toMatchObject({
      uploaded: '2',
      deleted: '1',
      'invalidation-status': 'none',
      'invalidation-id': ''
    })
    expect(JSON.parse(run.outputs['invalidation-paths']!)).toEqual([
      '/',
      '/gone.css',
      '/index.html',
      '/new.css'
    ])
    expect(await listObjects(moto.endpoint, bucket)).toEqual(before)
    expect(await listInvalidations(moto.endpoint, distribution)).toHaveLength(0)
  })

  test('delete removes what is gone from the source, and only under the prefix', async () => {
    const bucket = await newBucket()
    const other = await makeSite({ 'keep.txt': 'outside the prefix' })
    expect(
      (await runGitHub({ endpoint: moto.endpoint, cwd: other, inputs: { source: other, bucket } }))
        .code
    ).toBe(0)
    const v1 = await makeSite({ 'index.html': 'v1', 'old.js': 'o', 'sub/page.html': 'p' })
    const inputs = { source: v1, bucket, prefix: 'docs', delete: 'true' }
    expect((await runGitHub({ endpoint: moto.endpoint, cwd: v1, inputs })).code).toBe(0)
    await rm(path.join(v1, 'old.js'))
    await rm(path.join(v1, 'sub'), { recursive: true })

    const run = await runGitHub({ endpoint: moto.endpoint, cwd: v1, inputs })
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ uploaded: '0', deleted: '2', unchanged: '1' })
    expect((await listObjects(moto.endpoint, bucket)).map(o => o.Key)).toEqual([
      'docs/index.html',
      'keep.txt'
    ])
  })

  test('without delete, nothing is removed', async () => {
    const bucket = await newBucket()
    const v1 = await makeSite({ 'index.html': 'v1', 'old.js': 'o' })
    expect(
      (await runGitHub({ endpoint: moto.endpoint, cwd: v1, inputs: { source: v1, bucket } })).code
    ).toBe(0)
    await rm(path.join(v1, 'old.js'))
    const run = await runGitHub({
      endpoint: moto.endpoint,
      cwd: v1,
      inputs: { source: v1, bucket }
    })
    expect(run.code).toBe(0)
    expect(run.outputs.deleted).toBe('0')
    expect((await listObjects(moto.endpoint, bucket)).map(o => o.Key)).toEqual([
      'index.html',
      'old.js'
    ])
  })

  test('a missing bucket fails with a message naming it, and a failure is a GitHub error', async () => {
    const site = await makeSite({ 'index.html': 'x' })
    const run = await runGitHub({
      endpoint: moto.endpoint,
      cwd: site,
      inputs: { source: site, bucket: 'no-such-bucket-here' }
    })
    expect(run.code).not.toBe(0)
    expect(run.stdout).toMatch(/::error::.*no-such-bucket-here/)
  })
})

describe('GitLab way (flags, dotenv outputs)', () => {
  test('flags deploy, the dotenv file holds the outputs, and no workflow command is printed', async () => {
    const site = await makeSite({ 'index.html': 'hello', 'app/main.js': 'main()' })
    const bucket = await newBucket()
    const distribution = await createDistribution(moto.endpoint)
    const run = await runGitLab({
      endpoint: moto.endpoint,
      cwd: site,
      inputs: { source: '.', bucket, 'distribution-id': distribution },
      args: ['--wait']
    })
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({
      UPLOADED: '2',
      DELETED: '0',
      UNCHANGED: '0',
      INVALIDATION_STATUS: 'COMPLETED',
      INVALIDATION_PATHS: '["/","/app/main.js","/index.html"]'
    })
    expect(run.outputs.INVALIDATION_ID).toMatch(/^[A-Z0-9]+$/)
    expect(run.stdout + run.stderr).not.toMatch(/^::/m)
    // A deploy that went well says nothing on stderr (warnings and errors go there), whatever the
    // Node version (a V8 flag Node 22+ lacks once printed an error line there).
    expect(run.stderr).toBe('')
    expect(run.stdout).toContain('section_start:')
    expect((await listObjects(moto.endpoint, bucket)).map(o => o.Key)).toEqual([
      'app/main.js',
      'index.html'
    ])
  })

  test('INPUT_ variables with underscores work too', async () => {
    const site = await makeSite({ 'index.html': 'hello' })
    const bucket = await newBucket()
    const distribution = await createDistribution(moto.endpoint)
    const run = await runGitLab({
      endpoint: moto.endpoint,
      cwd: site,
      inputs: {},
      env: {
        INPUT_SOURCE: site,
        INPUT_BUCKET: bucket,
        INPUT_DISTRIBUTION_ID: distribution,
        INPUT_DRY_RUN: 'false'
      }
    })
    expect(run.code).toBe(0)
    expect(run.outputs.INVALIDATION_ID).not.toBe('')
    expect(await listInvalidations(moto.endpoint, distribution)).toHaveLength(1)
  })

  test('an unknown flag is refused, naming it', async () => {
    const site = await makeSite({ 'index.html': 'hello' })
    const bucket = await newBucket()
    const run = await runGitLab({
      endpoint: moto.endpoint,
      cwd: site,
      inputs: { source: site, bucket },
      args: ['--delet']
    })
    expect(run.code).not.toBe(0)
    expect(run.stderr).toContain("Unknown flag '--delet'")
    expect(await listObjects(moto.endpoint, bucket)).toEqual([])
  })
})

test('--help lists every input as a flag', async () => {
  const { INPUTS } = await import('../../src/config/inputs')
  const dir = await mkdtemp(path.join(os.tmpdir(), 'help-'))
  await writeFile(path.join(dir, 'x'), '')
  const run = await runGitLab({ endpoint: moto.endpoint, cwd: dir, inputs: {}, args: ['--help'] })
  expect(run.code).toBe(0)
  for (const input of INPUTS) expect(run.stdout).toContain(`--${input.name}`)
  const version = await runGitLab({
    endpoint: moto.endpoint,
    cwd: dir,
    inputs: {},
    args: ['--version']
  })
  expect(version.stdout.trim()).toBe(
    JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')).version
  )
})

test('service-specific endpoints (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_CLOUDFRONT) are honoured', async () => {
  const site = await makeSite({ 'index.html': 'per-service endpoints' })
  const bucket = await newBucket()
  const distribution = await createDistribution(moto.endpoint)
  const run = await runGitLab({
    endpoint: moto.endpoint,
    cwd: site,
    inputs: { source: site, bucket, 'distribution-id': distribution },
    // The generic endpoint leads nowhere: only the per-service ones can make this work.
    env: {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ENDPOINT_URL_S3: moto.endpoint,
      AWS_ENDPOINT_URL_CLOUDFRONT: moto.endpoint
    }
  })
  expect(run.stderr).toBe('')
  expect(run.code).toBe(0)
  expect((await listObjects(moto.endpoint, bucket)).map(o => o.Key)).toEqual(['index.html'])
  expect(await listInvalidations(moto.endpoint, distribution)).toHaveLength(1)
})

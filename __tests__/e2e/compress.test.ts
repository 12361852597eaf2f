/**
 * compress and precompressed end to end against moto, checked with the aws CLI: what is stored,
 * with which headers, and that the comparison stays by content (a rebuild uploads nothing, an
 * edit one file, a rule change exactly the files it affects).
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import { motoSuite } from '../helpers/moto'
import { getObjectBytes, headObject, listObjects, MANIFEST } from '../helpers/aws'
import { runGitHub, runGitLab, type RunResult } from '../helpers/action'
import { makeSite, touchAll } from '../helpers/site'
import { startFaultProxy } from '../helpers/fault-proxy'

const moto = motoSuite('compress')

const page = (title: string) =>
  `<!doctype html><title>${title}</title>${'<p>Lorem ipsum dolor sit amet.</p>\n'.repeat(40)}`
const SITE: Record<string, string | Buffer> = {
  'index.html': page('home'),
  'posts/a/index.html': page('a'),
  'posts/b/index.html': page('b'),
  'css/site.css': 'body { margin: 0; padding: 0 }\n'.repeat(30),
  'css/print.css': '@media print { nav { display: none } }\n'.repeat(30),
  'js/app.js': 'export const answer = 42;\n'.repeat(30),
  'img/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4])
}
const HTML = ['index.html', 'posts/a/index.html', 'posts/b/index.html']
const CSS = ['css/print.css', 'css/site.css']

const ok = (run: RunResult) => {
  if (run.code !== 0) throw new Error(`the deploy failed:\n${run.stdout}\n${run.stderr}`)
  return run
}

/** The object's bytes, as the bucket serves them (the aws CLI decodes nothing). */
async function stored(bucket: string, key: string): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'obj-'))
  await getObjectBytes(moto.endpoint, bucket, key, path.join(dir, 'body'))
  return readFile(path.join(dir, 'body'))
}

const etags = async (bucket: string) =>
  Object.fromEntries((await listObjects(moto.endpoint, bucket)).map(o => [o.Key, o.ETag]))

/** Keys whose ETag differs between two listings. */
const changed = (before: Record<string, string>, after: Record<string, string>) =>
  Object.keys(after)
    .filter(k => before[k] !== after[k])
    .sort()

test("compress '*.html: gzip': gzip bytes that gunzip to the source, Content-Encoding gzip; a rebuild uploads 0, an edit 1", async () => {
  const site = await makeSite(SITE)
  const bucket = await moto.newBucket()
  const inputs = { source: site, bucket, compress: '*.html: gzip' }
  const first = ok(await runGitHub({ endpoint: moto.endpoint, cwd: site, inputs }))
  expect(first.outputs).toMatchObject({ uploaded: '7', unchanged: '0' })
  expect(first.stdout).toContain('3 compressed from')

  for (const key of HTML) {
    const body = await stored(bucket, key)
    expect(gunzipSync(body).toString()).toBe(SITE[key])
    expect(body.length).toBeLessThan((SITE[key] as string).length / 4)
    const head = await headObject(moto.endpoint, bucket, key)
    expect([key, head.ContentEncoding, head.ContentType]).toEqual([
      key,
      'gzip',
      'text/html; charset=utf-8'
    ])
  }
  // Files no rule matches are stored as they are.
  const css = await headObject(moto.endpoint, bucket, 'css/site.css')
  expect(css.ContentEncoding).toBeUndefined()
  expect((await stored(bucket, 'css/site.css')).toString()).toBe(SITE['css/site.css'])

  // A rebuild: new times, same content. The state object vouches for every object, compressed
  // ones included: the listing and one read of the state object, no HEAD, nothing written.
  await touchAll(site)
  const proxy = await startFaultProxy({ target: moto.endpoint })
  try {
    const again = ok(await runGitHub({ endpoint: proxy.url, cwd: site, inputs }))
    expect(again.outputs).toMatchObject({ uploaded: '0', updated: '0', unchanged: '7' })
    expect(proxy.requests.map(r => `${r.method} ${r.path}`).sort()).toEqual(
      [`GET /${bucket}/`, `GET /${bucket}/${MANIFEST}`].sort()
    )
  } finally {
    await proxy.close()
  }

  await writeFile(path.join(site, 'posts', 'a', 'index.html'), page('a, edited'))
  const before = await etags(bucket)
  const edited = ok(await runGitHub({ endpoint: moto.endpoint, cwd: site, inputs }))
  expect(edited.outputs).toMatchObject({ uploaded: '1', unchanged: '6' })
  expect(changed(before, await etags(bucket))).toEqual(['posts/a/index.html'])
  expect(gunzipSync(await stored(bucket, 'posts/a/index.html')).toString()).toBe(page('a, edited'))
})

test("changing a file's rule re-uploads exactly the files it affects; a header change keeps the encoding", async () => {
  const site = await makeSite(SITE)
  const bucket = await moto.newBucket()
  const deploy = async (inputs: Record<string, string>) =>
    ok(
      await runGitLab({
        endpoint: moto.endpoint,
        cwd: site,
        inputs: { source: site, bucket, ...inputs }
      })
    )
  await deploy({ compress: '*.html: gzip' })

  // br for the stylesheets: those two, nothing else.
  let before = await etags(bucket)
  let run = await deploy({ compress: '*.html: gzip\n*.css: br' })
  expect(run.outputs).toMatchObject({ UPLOADED: '2', UPDATED: '0', UNCHANGED: '5' })
  expect(changed(before, await etags(bucket))).toEqual(CSS)
  for (const key of CSS) {
    expect((await headObject(moto.endpoint, bucket, key)).ContentEncoding).toBe('br')
    expect(brotliDecompressSync(await stored(bucket, key)).toString()).toBe(SITE[key])
  }

  // The HTML rule removed: the pages are stored as they are again, and only they.
  before = await etags(bucket)
  run = await deploy({ compress: '*.css: br' })
  expect(run.outputs).toMatchObject({ UPLOADED: '3', UPDATED: '0', UNCHANGED: '4' })
  expect(changed(before, await etags(bucket))).toEqual(HTML.slice().sort())
  expect((await headObject(moto.endpoint, bucket, 'index.html')).ContentEncoding).toBeUndefined()
  expect((await stored(bucket, 'index.html')).toString()).toBe(SITE['index.html'])

  // Only Cache-Control changes for the compressed stylesheets: updated in place, still br.
  before = await etags(bucket)
  run = await deploy({ compress: '*.css: br', 'cache-control': '*.css: max-age=60' })
  expect(run.outputs).toMatchObject({ UPLOADED: '0', UPDATED: '2', UNCHANGED: '5' })
  for (const key of CSS) {
    const head = await headObject(moto.endpoint, bucket, key)
    expect([head.ContentEncoding, head.CacheControl]).toEqual(['br', 'max-age=60'])
    expect(brotliDecompressSync(await stored(bucket, key)).toString()).toBe(SITE[key])
  }
  expect(changed(before, await etags(bucket))).toEqual([])
  // And the next deploy finds nothing to do.
  run = await deploy({ compress: '*.css: br', 'cache-control': '*.css: max-age=60' })
  expect(run.outputs).toMatchObject({ UPLOADED: '0', UPDATED: '0', UNCHANGED: '7' })
})

test('a malformed rule or an unknown encoding is refused before any request, naming the input and the line', async () => {
  const site = await makeSite(SITE)
  const proxy = await startFaultProxy({ target: moto.endpoint })
  try {
    for (const [compress, message] of [
      ['*.html: gzip\n*.css', "Input 'compress' line 2 must be 'PATTERN: VALUE'"],
      ['*.html: deflate', "Input 'compress' line 1: the encoding must be gzip or br"]
    ]) {
      const run = await runGitLab({
        endpoint: proxy.url,
        cwd: site,
        inputs: { source: site, bucket: 'any-bucket', compress: compress! }
      })
      expect(run.code).not.toBe(0)
      expect(run.stderr).toContain(message)
    }
    expect(proxy.requests).toEqual([])
  } finally {
    await proxy.close()
  }
})

test('a rule that matches already-compressed types is warned about, naming the line', async () => {
  const site = await makeSite(SITE)
  const bucket = await moto.newBucket()
  const run = ok(
    await runGitHub({
      endpoint: moto.endpoint,
      cwd: site,
      inputs: { source: site, bucket, compress: '*.html: gzip\n*: gzip' }
    })
  )
  expect(run.stdout).toMatch(
    /::warning::Input 'compress' line 2 \('\*: gzip'\) matches 1 file\(s\) of types that are already compressed \(image\/png\)/
  )
})

test('precompressed: siblings replace their originals (gzip before br), are not published, and the old ones are deleted', async () => {
  const js = 'export const answer = 42;\n'.repeat(50)
  const css = 'body { margin: 0 }\n'.repeat(50)
  const files = {
    'index.html': page('home'),
    'app.js': js,
    'app.js.gz': gzipSync(js),
    'app.js.br': brotliCompressSync(Buffer.from(js)),
    'style.css': css,
    'style.css.br': brotliCompressSync(Buffer.from(css)),
    'backup.tar.gz': gzipSync('not a sibling')
  }
  const site = await makeSite(files)
  const bucket = await moto.newBucket()
  const deploy = (extra: Record<string, string>) =>
    runGitLab({
      endpoint: moto.endpoint,
      cwd: site,
      inputs: { source: site, bucket, delete: 'true', ...extra }
    })
  // Without precompressed, the siblings are files like any other.
  ok(await deploy({}))
  expect((await listObjects(moto.endpoint, bucket)).map(o => o.Key)).toEqual(
    Object.keys(files).sort()
  )

  const run = ok(await deploy({ precompressed: 'true' }))
  expect(run.outputs).toMatchObject({ UPLOADED: '2', DELETED: '3', UNCHANGED: '2' })
  expect(run.stdout).toContain(
    'Precompressed: 2 file(s) stored from a sibling (1 .gz, 1 .br); 3 sibling(s) not published on their own.'
  )
  expect((await listObjects(moto.endpoint, bucket)).map(o => o.Key)).toEqual([
    'app.js',
    'backup.tar.gz',
    'index.html',
    'style.css'
  ])
  // The sibling's very bytes, under the original's key, type and name.
  expect((await stored(bucket, 'app.js')).equals(files['app.js.gz'])).toBe(true)
  expect((await stored(bucket, 'style.css')).equals(files['style.css.br'])).toBe(true)
  const head = await headObject(moto.endpoint, bucket, 'app.js')
  expect([head.ContentEncoding, head.ContentType]).toEqual([
    'gzip',
    'text/javascript; charset=utf-8'
  ])
  expect((await headObject(moto.endpoint, bucket, 'style.css')).ContentEncoding).toBe('br')
  expect((await headObject(moto.endpoint, bucket, 'backup.tar.gz')).ContentEncoding).toBeUndefined()

  await touchAll(site)
  const again = ok(await deploy({ precompressed: 'true' }))
  expect(again.outputs).toMatchObject({ UPLOADED: '0', DELETED: '0', UNCHANGED: '4' })
})

import { createHash } from 'node:crypto'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { scanSource, type ScanOptions } from '../../../src/local/scan'
import { listInScope, walkSource } from '../../../src/local/walk'
import { checkEncoding, contentId } from '../../../src/plan/compress'
import { parseRules } from '../../../src/plan/rules'
import { makeSite } from '../../helpers/site'

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex')

const JS = Buffer.from('export const a = 1;\n'.repeat(50))
const CSS = Buffer.from('body { margin: 0 }\n'.repeat(50))
const SITE = {
  'index.html': '<h1>home</h1>',
  'app.js': JS,
  'app.js.gz': gzipSync(JS),
  'app.js.br': brotliCompressSync(JS),
  'site.css': CSS,
  'site.css.br': brotliCompressSync(CSS),
  'logo.png': 'PNG',
  'backup.tar.gz': 'not a sibling: no backup.tar'
}

/** Every file of the source, as steps/check-source.ts lists it without filters. */
const listAll = async (root: string) => listInScope(await walkSource(root), () => true)

const options = (overrides: Partial<ScanOptions> = {}): ScanOptions => ({
  prefix: 'p/',
  rules: { cacheControl: [], contentType: [] },
  settings: {},
  keepContents: 1024 * 1024,
  ...overrides
})

test('precompressed: each file with a sibling is stored from it, gzip first; siblings are not published', async () => {
  const root = await makeSite(SITE)
  const scan = await scanSource(
    root,
    await listAll(root),
    options({ compression: { rules: [], precompressed: true } })
  )
  const files = Object.fromEntries(scan.files.map(f => [f.key, f]))
  expect(Object.keys(files)).toEqual([
    'p/app.js',
    'p/backup.tar.gz',
    'p/index.html',
    'p/logo.png',
    'p/site.css'
  ])
  const app = files['p/app.js']!
  expect([app.relPath, app.md5, app.size, app.compress]).toEqual([
    'app.js',
    md5(SITE['app.js.gz']),
    SITE['app.js.gz'].length,
    undefined
  ])
  // The original's type, the sibling's encoding; read (and kept) from the sibling.
  expect(app.headers).toEqual({
    contentType: 'text/javascript; charset=utf-8',
    contentEncoding: 'gzip'
  })
  expect(app.absPath.endsWith('app.js.gz')).toBe(true)
  expect(scan.contents.take('p/app.js')?.equals(SITE['app.js.gz'])).toBe(true)
  // A sibling's bytes are stored as they are: its MD5 is the object's content.
  expect(contentId(app)).toBe(md5(SITE['app.js.gz']))
  expect(files['p/site.css']!.headers.contentEncoding).toBe('br')
  expect(files['p/backup.tar.gz']!.headers).toEqual({ contentType: 'application/gzip' })
  expect(scan.compression.precompressed).toEqual({ gzip: 1, br: 1 })
  expect(scan.compression.siblings).toBe(3)
})

test('without precompressed, siblings are files like any other', async () => {
  const root = await makeSite(SITE)
  const scan = await scanSource(root, await listAll(root), options())
  expect(scan.files.map(f => f.key)).toContain('p/app.js.gz')
  expect(scan.files.every(f => f.headers.contentEncoding === undefined)).toBe(true)
})

test('compress rules: matching files are marked for compression on upload, keeping their own MD5 and size', async () => {
  const root = await makeSite(SITE)
  const rules = parseRules('compress', '*.{html,js}: gzip\n*.png: br', checkEncoding)
  const scan = await scanSource(
    root,
    await listAll(root),
    options({ compression: { rules, precompressed: false } })
  )
  const files = Object.fromEntries(scan.files.map(f => [f.key, f]))
  const app = files['p/app.js']!
  expect([app.md5, app.size, app.compress, app.headers.contentEncoding]).toEqual([
    md5(JS),
    JS.length,
    'gzip',
    'gzip'
  ])
  // Kept as read: compressed only if it is uploaded.
  expect(scan.contents.take('p/app.js')?.equals(JS)).toBe(true)
  expect(files['p/site.css']!.compress).toBeUndefined()
  expect(scan.compression.compressed).toBe(3)
  // A PNG is compressed already: the rule that matched it is named for a warning.
  expect(
    [...scan.compression.compressedTypes].map(([rule, seen]) => [rule.line, seen.files])
  ).toEqual([[2, 1]])
})

test('a precompressed sibling wins over a compress rule for the same file', async () => {
  const root = await makeSite(SITE)
  const rules = parseRules('compress', '*.js: br', checkEncoding)
  const scan = await scanSource(
    root,
    await listAll(root),
    options({ compression: { rules, precompressed: true } })
  )
  const app = scan.files.find(f => f.key === 'p/app.js')!
  expect([app.compress, app.headers.contentEncoding, app.md5]).toEqual([
    undefined,
    'gzip',
    md5(SITE['app.js.gz'])
  ])
})

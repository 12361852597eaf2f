import { createHash } from 'node:crypto'
import {
  checkEncoding,
  contentId,
  emptyNotes,
  isCompressedType,
  MAX_COMPRESSED_SIZE,
  noteStorage,
  pairSiblings,
  storageFor
} from '../../../src/plan/compress'
import { parseRules } from '../../../src/plan/rules'

const rules = (text: string) => parseRules('compress', text, checkEncoding)

describe('compress rules', () => {
  test('one PATTERN: gzip|br per line; identity stores as is; first match wins', () => {
    const r = rules('vendor/**: identity\n*.js: br\n*.{html,css,js}: gzip')
    expect(storageFor('app.js', 100, r)).toMatchObject({ contentEncoding: 'br', compress: 'br' })
    expect(storageFor('a/index.html', 100, r)).toMatchObject({
      contentEncoding: 'gzip',
      compress: 'gzip'
    })
    const vendored = storageFor('vendor/lib.js', 100, r)
    expect([vendored.contentEncoding, vendored.compress, vendored.rule?.line]).toEqual([
      undefined,
      undefined,
      1
    ])
    expect(storageFor('logo.png', 100, r)).toEqual({})
  })

  test('a malformed line or an unknown encoding is refused, naming the input and the line', () => {
    expect(() => rules('*.html: gzip\n*.css')).toThrow(
      "Input 'compress' line 2 must be 'PATTERN: VALUE' (e.g. '*.html: gzip'), got '*.css'."
    )
    expect(() => rules('*.html: gzip\n\n*.css: deflate')).toThrow(
      "Input 'compress' line 3: the encoding must be gzip or br (or identity, to store matching files as they are), got 'deflate'."
    )
    // Content-Encoding tokens as HTTP writes them: not the library's names, not another case.
    for (const value of ['brotli', 'GZIP', 'x-gzip', 'zstd']) {
      expect(() => rules(`*.js: ${value}`)).toThrow(`Input 'compress' line 1: the encoding`)
    }
  })

  test('files above the multipart threshold are stored as they are, and say so', () => {
    const r = rules('*.json: gzip')
    expect(storageFor('data.json', MAX_COMPRESSED_SIZE, r).compress).toBe('gzip')
    const big = storageFor('data.json', MAX_COMPRESSED_SIZE + 1, r)
    expect([big.compress, big.contentEncoding, big.tooLarge]).toEqual([undefined, undefined, true])
  })

  test('a precompressed sibling wins over the rules: its bytes are stored, compressed once', () => {
    const r = rules('*.js: br')
    expect(storageFor('app.js', 100, r, 'gzip')).toEqual({
      contentEncoding: 'gzip',
      sibling: 'gzip'
    })
  })
})

describe('contentId', () => {
  const md5 = createHash('md5').update('body{}').digest('hex')

  test('a file stored as it is: its own MD5, as the state objects of earlier releases hold it', () => {
    expect(contentId({ md5 })).toBe(md5)
  })

  test('compressed on upload: a digest of the encoding and the MD5, one per encoding', () => {
    const gzip = contentId({ md5, compress: 'gzip' })
    const br = contentId({ md5, compress: 'br' })
    expect(gzip).toMatch(/^[0-9a-f]{32}$/)
    expect(new Set([md5, gzip, br]).size).toBe(3)
    // A function of the source alone: no compressor output in it.
    expect(gzip).toBe(createHash('md5').update(`gzip:${md5}`).digest('hex'))
    expect(contentId({ md5: md5.replace(/^./, '0'), compress: 'gzip' })).not.toBe(gzip)
  })
})

test('already-compressed types are told from the ones worth compressing', () => {
  for (const type of [
    'image/png',
    'image/jpeg',
    'image/webp',
    'image/avif',
    'font/woff2',
    'font/woff',
    'video/mp4',
    'audio/mpeg',
    'application/zip',
    'application/gzip',
    'application/x-7z-compressed'
  ]) {
    expect([type, isCompressedType(type)]).toEqual([type, true])
  }
  for (const type of [
    'text/html; charset=utf-8',
    'text/css; charset=utf-8',
    'text/javascript; charset=utf-8',
    'application/json; charset=utf-8',
    'image/svg+xml; charset=utf-8',
    'image/x-icon',
    'image/bmp',
    'font/ttf',
    'font/otf',
    'audio/wav',
    'application/wasm',
    'application/octet-stream'
  ]) {
    expect([type, isCompressedType(type)]).toEqual([type, false])
  }
})

describe('pairSiblings (precompressed)', () => {
  test('x.gz and x.br beside x: x is stored from x.gz when both exist, and neither is published', () => {
    const { published, siblings } = pairSiblings([
      'a.js',
      'a.js.br',
      'a.js.gz',
      'b.css',
      'b.css.br',
      'c.html',
      'c.html.gz'
    ])
    expect(published).toEqual([
      { relPath: 'a.js', readFrom: 'a.js.gz', contentEncoding: 'gzip' },
      { relPath: 'b.css', readFrom: 'b.css.br', contentEncoding: 'br' },
      { relPath: 'c.html', readFrom: 'c.html.gz', contentEncoding: 'gzip' }
    ])
    expect(siblings).toBe(4)
  })

  test('a .gz or .br without its original is a file like any other', () => {
    const { published, siblings } = pairSiblings(['archive.tar.gz', 'x.js', 'dict.br'])
    expect(published).toEqual([
      { relPath: 'archive.tar.gz', readFrom: 'archive.tar.gz' },
      { relPath: 'x.js', readFrom: 'x.js' },
      { relPath: 'dict.br', readFrom: 'dict.br' }
    ])
    expect(siblings).toBe(0)
  })

  test('only among the files given (those in scope): an excluded .gz leaves the .br to win', () => {
    expect(pairSiblings(['a.js', 'a.js.br']).published).toEqual([
      { relPath: 'a.js', readFrom: 'a.js.br', contentEncoding: 'br' }
    ])
  })

  test('a sibling of a sibling is not published either', () => {
    expect(pairSiblings(['a.js', 'a.js.gz', 'a.js.gz.br'])).toEqual({
      published: [{ relPath: 'a.js', readFrom: 'a.js.gz', contentEncoding: 'gzip' }],
      siblings: 2
    })
  })
})

test('the notes count what is compressed, and name the rules that hit compressed types', () => {
  const r = rules('*.html: gzip\n*: gzip')
  const notes = emptyNotes(2)
  const files: [string, string, number][] = [
    ['index.html', 'text/html; charset=utf-8', 10],
    ['a.png', 'image/png', 10],
    ['b.png', 'image/png', 10],
    ['f.woff2', 'font/woff2', 10],
    ['big.json', 'application/json; charset=utf-8', MAX_COMPRESSED_SIZE + 1]
  ]
  for (const [relPath, type, size] of files)
    noteStorage(notes, relPath, type, storageFor(relPath, size, r))
  noteStorage(notes, 'app.js', 'text/javascript', storageFor('app.js', 10, r, 'gzip'))
  expect(notes.compressed).toBe(4)
  expect(notes.tooLarge).toEqual(['big.json'])
  expect(notes.precompressed).toEqual({ gzip: 1, br: 0 })
  expect(notes.siblings).toBe(2)
  expect(
    [...notes.compressedTypes].map(([rule, seen]) => [rule.line, seen.files, [...seen.types]])
  ).toEqual([[2, 3, ['image/png', 'font/woff2']]])
})

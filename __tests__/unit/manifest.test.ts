import {
  knownFromManifest,
  nextManifest,
  parseManifest,
  serializeManifest,
  type Manifest
} from '../../src/plan/manifest'
import { sourceFile } from '../helpers/fixtures'

const md5 = (c: string) => c.repeat(32)

test('serialize and parse round-trip, compactly', () => {
  const manifest: Manifest = {
    entries: new Map([
      ['index.html', { etag: md5('a'), size: 4, md5: md5('a'), headers: 'h1' }],
      ['video.mp4', { etag: `${md5('b')}-5`, size: 40_000_000, md5: md5('c'), headers: 'h2' }],
      ['a.css', { etag: md5('d'), size: 3, md5: md5('d'), headers: 'h1' }]
    ]),
    pending: { E1: ['/a'], E2: [] }
  }
  const text = serializeManifest(manifest)
  expect(JSON.parse(text)).toEqual({
    version: 1,
    generator: 's3-cloudfront-deploy',
    headers: ['h1', 'h2'],
    objects: {
      'a.css': [md5('d'), 3, 0],
      'index.html': [md5('a'), 4, 0],
      'video.mp4': [`${md5('b')}-5`, 40_000_000, 1, md5('c')]
    },
    pending: { E1: ['/a'] }
  })
  const back = parseManifest(text)
  expect(back.entries).toEqual(manifest.entries)
  expect(back.pending).toEqual({ E1: ['/a'] })
  expect(serializeManifest(back)).toBe(text)
})

test('anything else is refused', () => {
  expect(() => parseManifest('{"version":2,"headers":[],"objects":{}}')).toThrow(
    'not a version 1 manifest'
  )
  expect(() => parseManifest('{"version":1,"headers":[],"objects":{"a":["x",1,3]}}')).toThrow(
    'bad entry for a'
  )
  expect(() => parseManifest('not json')).toThrow()
})

test('an entry is trusted only while the listing shows its ETag and size', () => {
  const entry = { etag: md5('a'), size: 4, md5: md5('a'), headers: 'h' }
  expect(knownFromManifest(entry, { key: 'k', etag: md5('a'), size: 4 })).toEqual({
    md5: md5('a'),
    headers: 'h'
  })
  expect(knownFromManifest(entry, { key: 'k', etag: md5('b'), size: 4 })).toBeUndefined()
  expect(knownFromManifest(entry, { key: 'k', etag: md5('a'), size: 5 })).toBeUndefined()
  expect(knownFromManifest(undefined, { key: 'k', etag: md5('a'), size: 4 })).toBeUndefined()
})

test('nextManifest: written and unchanged files, still-valid entries kept, deleted dropped', () => {
  const previous: Manifest = {
    entries: new Map([
      ['draft.md', { etag: md5('d'), size: 1, md5: md5('d'), headers: 'h' }],
      ['gone.css', { etag: md5('g'), size: 1, md5: md5('g'), headers: 'h' }],
      ['stale.js', { etag: md5('s'), size: 1, md5: md5('s'), headers: 'h' }]
    ]),
    pending: { E1: ['/x'] }
  }
  const remote = new Map(
    [
      { key: 'p/draft.md', etag: md5('d'), size: 1 },
      { key: 'p/gone.css', etag: md5('g'), size: 1 },
      { key: 'p/stale.js', etag: md5('9'), size: 1 },
      { key: 'p/same.css', etag: md5('e'), size: 10 }
    ].map(o => [o.key, o])
  )
  const same = sourceFile('p/same.css', md5('e'))
  const big = sourceFile('p/big.mp4', md5('f'), 40)
  const next = nextManifest({
    previous,
    prefix: 'p/',
    remote,
    unchanged: [same],
    written: [{ file: big, etag: `${md5('1')}-5` }],
    deleted: ['p/gone.css'],
    pending: {}
  })
  expect([...next.entries.keys()].sort()).toEqual(['big.mp4', 'draft.md', 'same.css'])
  expect(next.entries.get('big.mp4')).toEqual({
    etag: `${md5('1')}-5`,
    size: 40,
    md5: md5('f'),
    headers: big.headersDigest
  })
  expect(next.pending).toEqual({})
})

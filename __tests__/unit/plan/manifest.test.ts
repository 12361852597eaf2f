import {
  keyDigest,
  NewerManifestError,
  parseManifest,
  serializeManifest,
  type Manifest,
  type ManifestEntry
} from '../../../src/plan/manifest'

const md5 = (c: string) => c.repeat(32)
const byKey = (entries: Record<string, ManifestEntry>) =>
  new Map(Object.entries(entries).map(([key, e]) => [keyDigest(key), e]))

test('serialize and parse round-trip, keyed by digest, with the ETag only where it is not the MD5', () => {
  const manifest: Manifest = {
    entries: byKey({
      'index.html': { etag: md5('a'), size: 4, md5: md5('a'), headers: 'h1' },
      'video.mp4': { etag: `${md5('b')}-5`, size: 40_000_000, md5: md5('c'), headers: 'h2' },
      'a.css': { etag: md5('d'), size: 3, md5: md5('d'), headers: 'h1', removedAt: 1_790_000_000 }
    }),
    pending: { E1: ['/a'], E2: [] },
    lock: { token: 't-1', holder: 'https://ci/job/1', since: '2026-11-26T00:00:00.000Z' }
  }
  const text = serializeManifest(manifest)
  const data = JSON.parse(text)
  // Rows are in the order of their key digests; headers are numbered as rows first use them.
  const rows = ['index.html', 'video.mp4', 'a.css'].sort((a, b) =>
    keyDigest(a) < keyDigest(b) ? -1 : 1
  )
  const headersOf: Record<string, string> = { 'index.html': 'h1', 'video.mp4': 'h2', 'a.css': 'h1' }
  const headerOrder = [...new Set(rows.map(k => headersOf[k]))]
  const index = Buffer.from(data.headerIndex, 'base64')
  expect(rows.map((k, row) => [k, headerOrder[index.readUInt32LE(row * 4)]])).toEqual(
    rows.map(k => [k, headersOf[k]])
  )
  expect(data).toMatchObject({
    version: 2,
    generator: 's3-cloudfront-deploy',
    count: 3,
    headers: headerOrder,
    pending: { E1: ['/a'] },
    lock: manifest.lock
  })
  expect(Object.values(data.etags)).toEqual([`${md5('b')}-5`])
  expect(Object.values(data.removed)).toEqual([1_790_000_000])
  const back = parseManifest(text)
  expect(back.entries).toEqual(manifest.entries)
  expect(back.pending).toEqual({ E1: ['/a'] })
  expect(back.lock).toEqual(manifest.lock)
  expect(serializeManifest(back)).toBe(text)
})

test('it names no file: no key or folder name appears in it', () => {
  const keys = ['secret-drafts/unreleased-product.html', 'about/index.html', 'café/menu.html']
  const entries: Record<string, ManifestEntry> = {}
  for (const [i, key] of keys.entries())
    entries[key] = { etag: md5(String(i)), size: i, md5: md5(String(i)), headers: 'h' }
  const text = serializeManifest({ entries: byKey(entries), pending: {} })
  for (const word of ['secret', 'drafts', 'unreleased', 'about', 'index', 'caf', 'menu'])
    expect(text).not.toContain(word)
})

test('about 53 bytes a file before gzip', () => {
  const entries: Record<string, ManifestEntry> = {}
  for (let i = 0; i < 1000; i++) {
    const hash = i.toString(16).padStart(32, '0')
    entries[`posts/post-${i}/index.html`] = { etag: hash, size: 1000 + i, md5: hash, headers: 'h' }
  }
  const text = serializeManifest({ entries: byKey(entries), pending: {} })
  expect(text.length / 1000).toBeLessThan(60)
  expect(parseManifest(text).entries.size).toBe(1000)
})

test('format 1 (keys in clear) is read as it is, and written back as format 2', () => {
  const v1 = JSON.stringify({
    version: 1,
    generator: 's3-cloudfront-deploy',
    headers: ['h1'],
    objects: {
      'index.html': [md5('a'), 4, 0],
      'video.mp4': [`${md5('b')}-5`, 40, 0, md5('c')]
    },
    pending: { E1: ['/x'] }
  })
  const read = parseManifest(v1)
  expect(read.entries.get(keyDigest('index.html'))).toEqual({
    etag: md5('a'),
    size: 4,
    md5: md5('a'),
    headers: 'h1'
  })
  expect(read.entries.get(keyDigest('video.mp4'))?.md5).toBe(md5('c'))
  expect(read.pending).toEqual({ E1: ['/x'] })
  const upgraded = serializeManifest(read)
  expect(JSON.parse(upgraded).version).toBe(2)
  expect(upgraded).not.toContain('index.html')
})

test('a later format is refused (overwriting it could drop what we do not understand); malformed ones throw', () => {
  expect(() => parseManifest('{"version":3}')).toThrow(NewerManifestError)
  expect(() => parseManifest('{"version":2,"count":1,"headers":[],"keys":""}')).toThrow(
    'malformed column keys'
  )
  expect(() => parseManifest('{"version":1,"headers":[],"objects":{"a":["x",1,3]}}')).toThrow(
    'bad entry for a'
  )
  expect(() => parseManifest('{"version":0}')).toThrow('not a state object of this action')
  expect(() => parseManifest('not json')).toThrow()
})

test('what this version writes is what serializing its parse gives, byte for byte (so it is compared as read)', () => {
  const entries: Record<string, ManifestEntry> = {}
  for (let i = 0; i < 50; i++) {
    const hash = i.toString(16).padStart(32, '0')
    entries[`f${i}`] = {
      etag: i % 7 ? hash : `${hash}-2`,
      size: i,
      md5: hash,
      headers: `h${i % 3}`,
      ...(i % 5 ? {} : { removedAt: 1_790_000_000 + i })
    }
  }
  const text = serializeManifest({ entries: byKey(entries), pending: { E1: ['/a', '/b'] } })
  expect(text.startsWith('{"version":2,')).toBe(true)
  expect(serializeManifest(parseManifest(text))).toBe(text)
})

test('release mode: the releases that went live round-trip, newest first; a malformed record is dropped', () => {
  const manifest: Manifest = {
    entries: new Map(),
    pending: {},
    release: { history: ['20261205T091500Z-c0ffee1', '20261204T153012Z'] }
  }
  const text = serializeManifest(manifest)
  expect(parseManifest(text).release).toEqual(manifest.release)
  expect(serializeManifest(parseManifest(text))).toBe(text)
  const broken = JSON.parse(text)
  broken.release = { history: 'R1' }
  expect(parseManifest(JSON.stringify(broken)).release).toBeUndefined()
})

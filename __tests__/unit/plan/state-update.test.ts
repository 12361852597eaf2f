import {
  entryFor,
  knownFromManifest,
  nextManifest,
  pendingWith,
  withoutEntries
} from '../../../src/plan/state-update'
import {
  emptyManifest,
  keyDigest,
  parseManifest,
  serializeManifest,
  type Manifest,
  type ManifestEntry
} from '../../../src/plan/manifest'
import { contentId } from '../../../src/plan/compress'
import { sourceFile } from '../../helpers/fixtures'

const md5 = (c: string) => c.repeat(32)
const byKey = (entries: Record<string, ManifestEntry>) =>
  new Map(Object.entries(entries).map(([key, e]) => [keyDigest(key), e]))

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

test('nextManifest: written and unchanged files, still-valid entries kept, deleted dropped, lock not carried', () => {
  const previous: Manifest = {
    entries: byKey({
      'draft.md': { etag: md5('d'), size: 1, md5: md5('d'), headers: 'h' },
      'gone.css': { etag: md5('g'), size: 1, md5: md5('g'), headers: 'h' },
      'stale.js': { etag: md5('s'), size: 1, md5: md5('s'), headers: 'h' }
    }),
    pending: { E1: ['/x'] },
    lock: { token: 't', holder: 'h', since: 's' }
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
    kept: [],
    pending: {}
  })
  expect([...next.entries.keys()].sort()).toEqual(
    ['big.mp4', 'draft.md', 'same.css'].map(keyDigest).sort()
  )
  expect(next.entries.get(keyDigest('big.mp4'))).toEqual({
    etag: `${md5('1')}-5`,
    size: 40,
    md5: md5('f'),
    headers: big.headersDigest
  })
  expect(next.pending).toEqual({})
  expect(next.lock).toBeUndefined()
})

describe('removed assets kept for keep-removed-assets', () => {
  const remote = new Map(
    [
      { key: 'index.html', etag: md5('1'), size: 4 },
      { key: 'assets/old.js', etag: md5('2'), size: 20 },
      { key: 'assets/older.js', etag: md5('3'), size: 30 },
      { key: 'assets/foreign.js', etag: `${md5('4')}-3`, size: 40 },
      { key: 'assets/back.js', etag: md5('5'), size: 50 }
    ].map(o => [o.key, o])
  )
  const entry = (c: string, size: number, extra: Partial<ManifestEntry> = {}): ManifestEntry => ({
    etag: md5(c),
    size,
    md5: md5(c),
    headers: 'h',
    ...extra
  })
  const previous: Manifest = {
    entries: byKey({
      'index.html': entry('1', 4),
      'assets/old.js': entry('2', 20),
      'assets/older.js': entry('3', 30, { removedAt: 1_000 }),
      'assets/back.js': entry('5', 50, { removedAt: 1_000 })
    }),
    pending: {}
  }
  const next = nextManifest({
    previous,
    prefix: '',
    remote,
    unchanged: [sourceFile('index.html', md5('1'), 4), sourceFile('assets/back.js', md5('5'), 50)],
    written: [],
    deleted: [],
    kept: [
      { key: 'assets/old.js', removedAt: 2_000, until: 3_000 },
      { key: 'assets/older.js', removedAt: 1_000, until: 2_000 },
      { key: 'assets/foreign.js', removedAt: 2_000, until: 3_000 }
    ],
    pending: {}
  })
  const get = (key: string) => next.entries.get(keyDigest(key))

  test('the first deploy without a file records when it left; later ones keep that time', () => {
    expect(get('assets/old.js')).toEqual(entry('2', 20, { removedAt: 2_000 }))
    expect(get('assets/older.js')).toEqual(entry('3', 30, { removedAt: 1_000 }))
  })

  test('a file that came back loses its clock', () => {
    expect(get('assets/back.js')?.removedAt).toBeUndefined()
  })

  test('an object the state object did not know gets an entry for its clock, which vouches for nothing', () => {
    const foreign = get('assets/foreign.js')!
    expect(foreign).toMatchObject({ etag: `${md5('4')}-3`, size: 40, removedAt: 2_000 })
    const object = remote.get('assets/foreign.js')!
    expect(knownFromManifest(foreign, object)).toBeUndefined()
    expect(knownFromManifest(get('assets/old.js'), remote.get('assets/old.js')!)).toEqual({
      md5: md5('2'),
      headers: 'h'
    })
  })

  test('clocks survive serialization; an unchanged state serializes to the same text', () => {
    const text = serializeManifest(next)
    const back = parseManifest(text)
    expect(back.entries).toEqual(next.entries)
    expect(Object.values(JSON.parse(text).removed).sort()).toEqual([1_000, 2_000, 2_000])
    // Carried forward by a deploy that keeps them again (or that failed: kept []), unchanged.
    const again = nextManifest({
      previous: back,
      prefix: '',
      remote,
      unchanged: [
        sourceFile('index.html', md5('1'), 4),
        sourceFile('assets/back.js', md5('5'), 50)
      ],
      written: [],
      deleted: [],
      kept: [],
      pending: {}
    })
    expect(serializeManifest(again)).toBe(text)
  })

  test('a deleted asset leaves no entry', () => {
    const after = nextManifest({
      previous: parseManifest(serializeManifest(next)),
      prefix: '',
      remote,
      unchanged: [],
      written: [],
      deleted: ['assets/older.js'],
      kept: [],
      pending: {}
    })
    expect(after.entries.has(keyDigest('assets/older.js'))).toBe(false)
    expect(after.entries.get(keyDigest('assets/old.js'))?.removedAt).toBe(2_000)
  })
})

test('a compressed object is recorded with its stored size and ETag, and its contentId as content', () => {
  const file = {
    ...sourceFile('a.css', md5('a'), 1000, { contentEncoding: 'gzip' }),
    compress: 'gzip' as const
  }
  const remote = new Map([
    ['a.css', { key: 'a.css', etag: md5('c'), size: 300 }],
    ['b.css', { key: 'b.css', etag: md5('e'), size: 280 }]
  ])
  const updated = { ...file, key: 'b.css', relPath: 'b.css' }
  const next = nextManifest({
    previous: emptyManifest(),
    prefix: '',
    remote,
    unchanged: [],
    // Uploaded (its new bytes' size), and a header update (the listed object's bytes).
    written: [
      { file, etag: md5('d'), size: 310 },
      { file: updated, etag: md5('e') }
    ],
    deleted: [],
    kept: [],
    pending: {}
  })
  const id = contentId(file)
  expect(next.entries.get(keyDigest('a.css'))).toEqual({
    etag: md5('d'),
    size: 310,
    md5: id,
    headers: file.headersDigest
  })
  expect(next.entries.get(keyDigest('b.css'))).toEqual({
    etag: md5('e'),
    size: 280,
    md5: id,
    headers: file.headersDigest
  })
  // Unchanged on the next deploy: recorded with the listed size, so the entry keeps matching.
  const again = nextManifest({
    previous: next,
    prefix: '',
    remote: new Map([['a.css', { key: 'a.css', etag: md5('d'), size: 310 }]]),
    unchanged: [file],
    written: [],
    deleted: [],
    kept: [],
    pending: {}
  })
  expect(
    knownFromManifest(again.entries.get(keyDigest('a.css')), {
      key: 'a.css',
      etag: md5('d'),
      size: 310
    })
  ).toEqual({ md5: id, headers: file.headersDigest })
})

test('withoutEntries: the state vouches for none of the keys given, and for the others as before', () => {
  const entry = { etag: md5('a'), size: 1, md5: md5('a'), headers: 'h' }
  const manifest: Manifest = {
    ...emptyManifest(),
    entries: byKey({ 'a.css': entry, 'b.css': entry })
  }
  const dropped = withoutEntries(manifest, 'site/', ['site/a.css'])
  expect(entryFor(dropped, 'site/', 'site/a.css')).toBeUndefined()
  expect(entryFor(dropped, 'site/', 'site/b.css')).toEqual(entry)
  // The state read is left as it was.
  expect(entryFor(manifest, 'site/', 'site/a.css')).toEqual(entry)
  expect(withoutEntries(manifest, '', [])).toBe(manifest)
  expect(pendingWith({ E1: ['/a'] }, [{ distributionId: 'E2', paths: ['/b'] }])).toEqual({
    E1: ['/a'],
    E2: ['/b']
  })
})

import { knownFromListing, planSync } from '../../../src/plan/diff'
import { contentId, type Encoding } from '../../../src/plan/compress'
import type { KnownState, RemoteObject, SourceFile } from '../../../src/plan/types'
import { sourceFile as file } from '../../helpers/fixtures'

const remote = (...objects: RemoteObject[]) => new Map(objects.map(o => [o.key, o]))
const md5a = 'a'.repeat(32)
const md5b = 'b'.repeat(32)

describe('planSync', () => {
  test('uploads new and changed files by content, never by time', () => {
    const plan = planSync(
      [file('same.css', md5a), file('edited.css', md5b), file('new.js', md5a)],
      remote(
        { key: 'same.css', etag: md5a, size: 10 },
        { key: 'edited.css', etag: md5a, size: 10 }
      ),
      { delete: false }
    )
    expect(plan.uploads.map(u => [u.file.key, u.reason])).toEqual([
      ['edited.css', 'changed'],
      ['new.js', 'new']
    ])
    expect(plan.unchanged.map(f => f.key)).toEqual(['same.css'])
    expect(plan.deletes).toEqual([])
    expect(plan.updates).toEqual([])
  })

  test('assets before pages', () => {
    const plan = planSync(
      [file('index.html', md5a), file('a.css', md5a), file('b/page.htm', md5a), file('z.js', md5a)],
      remote(),
      { delete: false }
    )
    expect(plan.uploads.map(u => u.file.key)).toEqual(['a.css', 'z.js', 'index.html', 'b/page.htm'])
  })

  test('deletes what is gone only with delete, never what is out of scope or reserved', () => {
    const objects = remote(
      { key: 'site/keep.css', etag: md5a, size: 10 },
      { key: 'site/gone.css', etag: md5a, size: 10 },
      { key: 'site/draft.md', etag: md5a, size: 10 },
      { key: 'site/.s3-cloudfront-deploy.json', etag: md5a, size: 10 }
    )
    const files = [file('site/keep.css', md5a)]
    expect(planSync(files, objects, { delete: false }).deletes).toEqual([])
    const plan = planSync(files, objects, {
      delete: true,
      prefix: 'site/',
      inScope: rel => !rel.endsWith('.md'),
      reserved: new Set(['site/.s3-cloudfront-deploy.json'])
    })
    expect(plan.deletes).toEqual(['site/gone.css'])
  })

  test('same content, other headers (known from the manifest or HEAD): a header update, not an upload', () => {
    const html = file('index.html', md5a, 10, { cacheControl: 'no-cache' })
    const css = file('a.css', md5a, 10)
    const known = new Map<string, KnownState>([
      ['index.html', { md5: md5a, headers: 'old-digest' }],
      ['a.css', { md5: md5a, headers: css.headersDigest }]
    ])
    const plan = planSync(
      [html, css],
      remote({ key: 'index.html', etag: md5a, size: 10 }, { key: 'a.css', etag: md5a, size: 10 }),
      { delete: false },
      known
    )
    expect(plan.uploads).toEqual([])
    expect(plan.updates.map(f => f.key)).toEqual(['index.html'])
    expect(plan.unchanged.map(f => f.key)).toEqual(['a.css'])
  })

  test('a multipart or SSE-KMS ETag is not an MD5: the known MD5 decides', () => {
    const big = { ...file('video.mp4', md5a, 40_000_000), multipartEtag: `${'c'.repeat(32)}-5` }
    const kmsEtag = 'f'.repeat(32)
    const objects = remote(
      { key: 'video.mp4', etag: `${'c'.repeat(32)}-5`, size: 40_000_000 },
      { key: 'k.css', etag: kmsEtag, size: 10 }
    )
    // The multipart ETag predicted while hashing matches: unchanged without any other knowledge.
    expect(planSync([big], objects, { delete: false }).unchanged.map(f => f.key)).toEqual([
      'video.mp4'
    ])
    // An SSE-KMS ETag looks like an MD5 but is not one: only the manifest's MD5 tells.
    const kms = file('k.css', md5a)
    expect(planSync([kms], objects, { delete: false }).uploads.map(u => u.file.key)).toEqual([
      'k.css'
    ])
    const known = new Map([['k.css', { md5: md5a, headers: kms.headersDigest }]])
    expect(planSync([kms], objects, { delete: false }, known).unchanged.map(f => f.key)).toEqual([
      'k.css'
    ])
  })

  test('knownFromListing: same size and a matching ETag prove the content', () => {
    expect(knownFromListing(file('a', md5a, 10), { key: 'a', etag: md5a, size: 11 })).toEqual({
      md5: md5a
    })
    expect(knownFromListing(file('a', md5a, 10), { key: 'a', etag: md5a, size: 10 })).toEqual({
      md5: md5a
    })
    expect(
      knownFromListing(file('a', md5a, 10), { key: 'a', etag: `${md5b}-2`, size: 10 })
    ).toEqual({})
    expect(
      planSync([file('a', md5a, 10)], remote({ key: 'a', etag: md5a, size: 11 }), { delete: false })
        .uploads
    ).toHaveLength(1)
  })
})

describe('files compressed on upload (compress)', () => {
  /** A file as the scanner makes it when a rule compresses it: its own MD5 and size. */
  const compressed = (key: string, md5: string, encoding: Encoding, headers = {}): SourceFile => ({
    ...file(key, md5, 1000, { contentEncoding: encoding, ...headers }),
    compress: encoding
  })
  // The object holds the compressed bytes: another ETag, another size.
  const stored = (key: string) => ({ key, etag: 'c'.repeat(32), size: 300 })

  test('unchanged while the state object (or the metadata) holds its contentId, whatever the stored size', () => {
    const f = compressed('index.html', md5a, 'gzip')
    const known = new Map([['index.html', { md5: contentId(f), headers: f.headersDigest }]])
    const plan = planSync([f], remote(stored('index.html')), { delete: false }, known)
    expect(plan.unchanged.map(x => x.key)).toEqual(['index.html'])
    expect(plan.uploads).toEqual([])
    expect(plan.updates).toEqual([])
  })

  test('an edit uploads it again', () => {
    const before = compressed('index.html', md5a, 'gzip')
    const known = new Map([
      ['index.html', { md5: contentId(before), headers: before.headersDigest }]
    ])
    const plan = planSync(
      [compressed('index.html', md5b, 'gzip')],
      remote(stored('index.html')),
      { delete: false },
      known
    )
    expect(plan.uploads.map(u => [u.file.key, u.reason])).toEqual([['index.html', 'changed']])
  })

  test('a rule added, removed or changed uploads the file again: a copy would keep the old bytes', () => {
    const plain = file('a.css', md5a, 1000)
    const gzip = compressed('a.css', md5a, 'gzip')
    const br = compressed('a.css', md5a, 'br')
    const cases: [SourceFile, KnownState, RemoteObject][] = [
      // Stored as is, now compressed: the listing alone shows the old bytes.
      [gzip, { md5: md5a, headers: plain.headersDigest }, { key: 'a.css', etag: md5a, size: 1000 }],
      // Compressed with gzip, now br.
      [br, { md5: contentId(gzip), headers: gzip.headersDigest }, stored('a.css')],
      // Compressed, now stored as is.
      [plain, { md5: contentId(gzip), headers: gzip.headersDigest }, stored('a.css')]
    ]
    for (const [f, state, object] of cases) {
      const plan = planSync([f], remote(object), { delete: false }, new Map([['a.css', state]]))
      expect(plan.uploads.map(u => [u.file.key, u.reason])).toEqual([['a.css', 'changed']])
      expect(plan.updates).toEqual([])
    }
    // Without the state object, the listing of the old bytes tells too.
    expect(
      planSync([gzip], remote({ key: 'a.css', etag: md5a, size: 1000 }), { delete: false }).uploads
    ).toHaveLength(1)
  })

  test('another Cache-Control on a compressed object: a header update, which keeps its encoding', () => {
    const before = compressed('a.css', md5a, 'gzip')
    const after = compressed('a.css', md5a, 'gzip', { cacheControl: 'no-cache' })
    const known = new Map([['a.css', { md5: contentId(before), headers: before.headersDigest }]])
    const plan = planSync([after], remote(stored('a.css')), { delete: false }, known)
    expect(plan.updates.map(f => [f.key, f.headers.contentEncoding])).toEqual([['a.css', 'gzip']])
    expect(plan.uploads).toEqual([])
  })
})

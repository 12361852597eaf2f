import { globMatcher } from '../../src/plan/match'
import { checkCacheControl, checkContentType, firstMatch, parseRules } from '../../src/plan/rules'
import { createFilter } from '../../src/plan/filter'
import { headersFor, headersFromHead, headersDigest } from '../../src/plan/headers'

describe('globMatcher', () => {
  test.each([
    ['*.html', 'index.html', true],
    ['*.html', 'posts/a/index.html', true],
    ['*.html', 'a.htm', false],
    ['css/**', 'css/a.css', true],
    ['css/**', 'css/x/y/a.css', true],
    ['css/**', 'vendor/css/a.css', false],
    ['**/*.map', 'a/b/app.js.map', true],
    ['*', 'deep/down/file.txt', true],
    ['/robots.txt', 'robots.txt', true],
    ['/robots.txt', 'sub/robots.txt', false],
    ['.well-known/*', '.well-known/security.txt', true],
    ['*.txt', '.hidden.txt', true],
    ['assets/*.{js,css}', 'assets/a.css', true],
    ['assets/*.{js,css}', 'assets/a.png', false],
    ['#not-a-comment', '#not-a-comment', true]
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(globMatcher(pattern)(path)).toBe(expected)
  })
})

describe('globMatcher on every OS', () => {
  /** A module as loaded on `platform`: minimatch reads process.platform when it loads. */
  async function loadOn<T>(platform: NodeJS.Platform, load: () => Promise<T>): Promise<T> {
    const real = Object.getOwnPropertyDescriptor(process, 'platform')!
    Object.defineProperty(process, 'platform', { ...real, value: platform })
    try {
      let loaded: T | undefined
      await jest.isolateModulesAsync(async () => void (loaded = await load()))
      return loaded as T
    } finally {
      Object.defineProperty(process, 'platform', real)
    }
  }

  test.each<NodeJS.Platform>(['win32', 'darwin', 'linux'])(
    'on %s, a key with a backslash is judged as on Linux: `\\` is part of the name',
    async platform => {
      const { minimatch } = await loadOn(platform, () => import('minimatch'))
      // The simulation is live: minimatch's own default is the OS's.
      expect(minimatch('a\\b.html', 'a/*')).toBe(platform === 'win32')
      const match = await loadOn(platform, () => import('../../src/plan/match'))
      const filter = await loadOn(platform, () => import('../../src/plan/filter'))
      expect(match.globMatcher('a/*')('a\\b.html')).toBe(false)
      expect(match.globMatcher('*.html')('a\\b.html')).toBe(true)
      expect(match.globMatcher('a\\\\b.html')('a\\b.html')).toBe(true)
      // delete with exclude 'a/*': the bucket's `a\b.html` is in scope (deleted) on every OS.
      expect(filter.createFilter('', 'a/*')('a\\b.html')).toBe(true)
      expect(filter.createFilter('', 'a/*')('a/b.html')).toBe(false)
    }
  )
})

describe('parseRules', () => {
  const cc = (text: string) => parseRules('cache-control', text, checkCacheControl)

  test('first match wins', () => {
    const rules = cc(
      '*.html: no-cache\ncss/**: public, max-age=31536000, immutable\n*: public, max-age=3600'
    )
    expect(firstMatch(rules, 'posts/a/index.html')).toBe('no-cache')
    expect(firstMatch(rules, 'css/site.css')).toBe('public, max-age=31536000, immutable')
    expect(firstMatch(rules, 'img/logo.png')).toBe('public, max-age=3600')
    expect(firstMatch(cc('*.html: no-cache'), 'a.css')).toBeUndefined()
  })

  test('the value keeps its own colons; blank lines and comments are skipped', () => {
    const rules = parseRules(
      'content-type',
      '# feeds\n\n  feed.xml :  application/rss+xml; charset=utf-8  ',
      checkContentType
    )
    expect(rules.map(r => [r.pattern, r.value, r.line])).toEqual([
      ['feed.xml', 'application/rss+xml; charset=utf-8', 3]
    ])
  })

  test('malformed rules are refused, naming the input and the line', () => {
    expect(() => cc('*.html: no-cache\nno colon here')).toThrow(
      "Input 'cache-control' line 2 must be 'PATTERN: VALUE'"
    )
    expect(() => cc(': no-cache')).toThrow("Input 'cache-control' line 1 must be 'PATTERN: VALUE'")
    expect(() => cc('*.html: no-cache\u0007')).toThrow(
      "Input 'cache-control' line 1: a Cache-Control value must be printable ASCII"
    )
    expect(() => parseRules('content-type', '*.x: text', checkContentType)).toThrow(
      "Input 'content-type' line 1: a Content-Type must look like"
    )
  })
})

test('createFilter: include (all when empty), then exclude', () => {
  const keep = createFilter('', '*.md\ndrafts/**')
  expect(['index.html', 'a/b.md', 'drafts/x.html', 'posts/drafts/x.html'].map(keep)).toEqual([
    true,
    false,
    false,
    true
  ])
  const only = createFilter('*.html\n*.css', '')
  expect(['index.html', 'a/b.css', 'c.js'].map(only)).toEqual([true, true, false])
})

describe('headers', () => {
  const rules = {
    cacheControl: parseRules('cache-control', '*.html: no-cache', checkCacheControl),
    contentType: parseRules('content-type', 'feed: application/rss+xml', checkContentType)
  }

  test('rules override detection; settings apply to every object', () => {
    expect(headersFor('posts/index.html', rules, { acl: 'public-read' })).toEqual({
      contentType: 'text/html; charset=utf-8',
      cacheControl: 'no-cache',
      acl: 'public-read'
    })
    expect(headersFor('feed', rules, {})).toEqual({ contentType: 'application/rss+xml' })
    expect(headersFor('app.wasm', rules, {})).toEqual({ contentType: 'application/wasm' })
  })

  test('the digest changes with any header', () => {
    const base = { contentType: 'text/html' }
    const digests = [
      base,
      { ...base, cacheControl: 'no-cache' },
      { ...base, contentType: 'text/plain' },
      { ...base, acl: 'public-read' },
      { ...base, storageClass: 'STANDARD_IA' },
      { ...base, sse: 'AES256' }
    ].map(headersDigest)
    expect(new Set(digests).size).toBe(digests.length)
  })

  test('from HEAD, settings not asked for are not compared (S3 encrypts by default)', () => {
    const desired = { contentType: 'text/css', cacheControl: 'max-age=60' }
    const head = {
      ContentType: 'text/css',
      CacheControl: 'max-age=60',
      ServerSideEncryption: 'AES256',
      StorageClass: undefined
    }
    expect(headersDigest(headersFromHead(head, desired))).toBe(headersDigest(desired))
    const wanted = { ...desired, storageClass: 'STANDARD_IA', sse: 'aws:kms', sseKmsKeyId: 'k1' }
    const actual = headersFromHead(
      {
        ...head,
        StorageClass: 'STANDARD_IA',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: 'arn:aws:kms:eu-west-1:1:key/k1'
      },
      wanted
    )
    expect(headersDigest(actual)).toBe(headersDigest(wanted))
    expect(headersDigest(headersFromHead({ ...head, StorageClass: undefined }, wanted))).not.toBe(
      headersDigest(wanted)
    )
  })
})

import { planSync } from '../../../src/plan/diff'
import {
  invalidationKeys,
  invalidationPaths,
  isImmutable,
  type InvalidationRequest
} from '../../../src/plan/invalidation'
import { INPUT_SPECS } from '../../../src/config/inputs'
import { covers } from '../../../src/plan/fold'
import { describeCost } from '../../../src/plan/cost'
import { fourSections } from '../../helpers/site-shapes'
import { keepRemoved } from '../../../src/plan/retention'
import type { RemoteObject, SourceFile, SyncPlan } from '../../../src/plan/types'
import { sourceFile } from '../../helpers/fixtures'

const IMMUTABLE = 'public, max-age=31536000, immutable'
const NOW = 1_790_000_000

/** A file as the Vite recipe's rules give it: hashed assets immutable, pages no-cache. */
function built(key: string, content = key): SourceFile {
  const cacheControl = key.startsWith('assets/')
    ? IMMUTABLE
    : key.endsWith('.html')
      ? 'no-cache'
      : 'public, max-age=3600'
  const md5 = Buffer.from(content).toString('hex').padEnd(32, '0').slice(0, 32)
  return sourceFile(key, md5, content.length, { cacheControl })
}

const bucketOf = (files: SourceFile[]) =>
  new Map<string, RemoteObject>(files.map(f => [f.key, { key: f.key, etag: f.md5, size: f.size }]))

function plan(before: SourceFile[], after: SourceFile[], keepSeconds: number): SyncPlan {
  return keepRemoved(planSync(after, bucketOf(before), { delete: true }), {
    keepSeconds,
    now: NOW,
    removedAt: () => undefined
  })
}

/** The paths the default settings send (15 at most), for the keys as this deploy counts them. */
function pathsFor(p: SyncPlan, remote: ReadonlyMap<string, RemoteObject>): string[] {
  return invalidationPaths({
    ...invalidationKeys(p, remote),
    originPrefix: '',
    explicitPaths: undefined,
    pending: [],
    maxPaths: 15
  }).paths
}

/** What every deploy counted as changed before: each upload, update and deletion. */
function pathsBefore(p: SyncPlan, remote: ReadonlyMap<string, RemoteObject>): string[] {
  const changedKeys = [
    ...p.uploads.map(u => u.file.key),
    ...p.updates.map(f => f.key),
    ...p.deletes
  ]
  return invalidationPaths({
    changedKeys,
    unchangedKeys: [...remote.keys(), ...p.unchanged.map(f => f.key)].filter(
      k => !changedKeys.includes(k)
    ),
    originPrefix: '',
    explicitPaths: undefined,
    pending: [],
    maxPaths: 15
  }).paths
}

test.each([
  [IMMUTABLE, true],
  ['immutable', true],
  ['Public, Max-Age=31536000, IMMUTABLE', true],
  ['public,immutable', true],
  ['public, max-age=31536000', false],
  ['no-cache', false],
  ['x-immutable', false],
  ['public, max-age=60, stale-while-revalidate=immutable', false],
  [undefined, false],
  ['', false]
])('Cache-Control %p says immutable: %p', (value, expected) => {
  expect(isImmutable(value)).toBe(expected)
})

describe('what a deploy invalidates', () => {
  const v1 = [
    built('index.html', 'v1'),
    built('about.html'),
    built('robots.txt'),
    built('assets/index-1.js'),
    built('assets/vendor-1.js')
  ]

  test('a new immutable file is not invalidated, but still counts as known; new pages and other new files are', () => {
    const v2 = [
      built('index.html', 'v2'),
      built('about.html'),
      built('robots.txt'),
      built('assets/index-1.js'),
      built('assets/vendor-1.js'),
      built('assets/Settings-2.js'),
      built('contact.html'),
      built('manifest.webmanifest')
    ]
    const keys = invalidationKeys(plan(v1, v2, 0), bucketOf(v1))
    expect(keys.changedKeys.sort()).toEqual(['contact.html', 'index.html', 'manifest.webmanifest'])
    expect(keys.unchangedKeys).toContain('assets/Settings-2.js')
  })

  test('an immutable file that was there and changed is invalidated: only a new key is exempt', () => {
    const v2 = v1.map(f => (f.key === 'assets/vendor-1.js' ? built(f.key, 'patched') : f))
    expect(invalidationKeys(plan(v1, v2, 0), bucketOf(v1)).changedKeys).toEqual([
      'assets/vendor-1.js'
    ])
  })

  test('a header update is invalidated, immutable or not', () => {
    const p = plan(v1, v1, 0)
    const updated = { ...p, updates: [v1[3]!], unchanged: p.unchanged.filter(f => f !== v1[3]) }
    expect(invalidationKeys(updated, bucketOf(v1)).changedKeys).toEqual(['assets/index-1.js'])
  })

  test('deleted at once (a page, or with keep-removed-assets 0): invalidated; kept: not, and known', () => {
    const v2 = [built('index.html', 'v1'), built('robots.txt'), built('assets/vendor-1.js')]
    expect(invalidationKeys(plan(v1, v2, 0), bucketOf(v1)).changedKeys).toEqual([
      'about.html',
      'assets/index-1.js'
    ])
    const keys = invalidationKeys(plan(v1, v2, 3600), bucketOf(v1))
    expect(keys.changedKeys).toEqual(['about.html'])
    expect(keys.unchangedKeys).toContain('assets/index-1.js')
  })

  test('an asset deleted once its period is over is not invalidated either', () => {
    const v2 = [built('index.html', 'v1'), built('robots.txt'), built('assets/vendor-1.js')]
    const p = keepRemoved(planSync(v2, bucketOf(v1), { delete: true }), {
      keepSeconds: 3600,
      now: NOW,
      removedAt: () => NOW - 3600
    })
    expect(p.deletes).toEqual(['about.html', 'assets/index-1.js'])
    expect(invalidationKeys(p, bucketOf(v1)).changedKeys).toEqual(['about.html'])
  })
})

describe('a Vite app (60 chunks) whose build renames some chunks', () => {
  const chunks = (n: number, build: (i: number) => number) =>
    Array.from({ length: n }, (_, i) => built(`assets/Page${i}-${build(i)}.js`))
  const v1 = [built('index.html', 'v1'), built('favicon.svg'), ...chunks(60, () => 1)]
  const renamed = (count: number) => [
    built('index.html', 'v2'),
    built('favicon.svg'),
    ...chunks(60, i => (i < count ? 2 : 1))
  ]

  test('two chunks: 6 paths before (page, 2 new chunks, 2 deleted), now the page only', () => {
    const v2 = renamed(2)
    expect(pathsBefore(plan(v1, v2, 0), bucketOf(v1))).toEqual([
      '/',
      '/assets/Page0-1.js',
      '/assets/Page0-2.js',
      '/assets/Page1-1.js',
      '/assets/Page1-2.js',
      '/index.html'
    ])
    expect(pathsFor(plan(v1, v2, 7 * 86400), bucketOf(v1))).toEqual(['/', '/index.html'])
    // With immediate deletion, the deleted chunks are still invalidated (a file may have had to go).
    expect(pathsFor(plan(v1, v2, 0), bucketOf(v1))).toEqual([
      '/',
      '/assets/Page0-1.js',
      '/assets/Page1-1.js',
      '/index.html'
    ])
  })

  test('twenty chunks: before, 42 changed URLs folded to /assets/* (every cached chunk purged); now the page only', () => {
    const v2 = renamed(20)
    const before = pathsBefore(plan(v1, v2, 0), bucketOf(v1))
    expect(before).toContain('/assets/*')
    expect(before.length).toBeLessThanOrEqual(15)
    expect(pathsFor(plan(v1, v2, 7 * 86400), bucketOf(v1))).toEqual(['/', '/index.html'])
  })
})

const DEFAULT_MAX_PATHS = Number(
  INPUT_SPECS.find(i => i.name === 'invalidation-max-paths')?.default
)

const site = fourSections()

function request(changedKeys: string[], extra: Partial<InvalidationRequest> = {}) {
  return {
    changedKeys,
    unchangedKeys: site.filter(k => !changedKeys.includes(k)),
    originPrefix: '',
    explicitPaths: undefined,
    pending: [],
    maxPaths: DEFAULT_MAX_PATHS,
    ...extra
  }
}

const pages = (section: string, from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `${section}-${from + i}/index.html`)

describe('pending paths from a failed earlier deploy', () => {
  test('nothing changed: the pending paths are sent as they were', () => {
    const pending = ['/', '/blog/*', '/index.html']
    expect(invalidationPaths(request([], { pending })).paths).toEqual(pending)
    expect(invalidationPaths(request([])).paths).toEqual([])
  })

  test('together within the budget: both lists, as they are', () => {
    const pending = ['/news/item-1/', '/news/item-1/index.html']
    expect(invalidationPaths(request(['docs/page-3/index.html'], { pending })).paths).toEqual([
      '/docs/page-3/',
      '/docs/page-3/index.html',
      '/news/item-1/',
      '/news/item-1/index.html'
    ])
  })

  test('together over the budget: folded with what this deploy knows is unchanged', () => {
    // A failed edit of 6 news items left 12 URLs; this deploy edits 5 docs pages (10 URLs).
    const pending = pages('news/item', 0, 6).flatMap(k => [`/${k}`, `/${k.slice(0, -10)}`])
    const changedKeys = pages('docs/page', 0, 5)
    const { paths } = invalidationPaths(request(changedKeys, { pending }))
    expect(paths.length).toBeLessThanOrEqual(DEFAULT_MAX_PATHS)
    const wanted = [...pending, ...changedKeys.map(k => `/${k}`)]
    for (const url of wanted) expect([url, paths.some(p => covers(p, url))]).toEqual([url, true])
    // The blog and the shop, which neither touched, stay cached, and so do most docs.
    const purged = site.map(k => `/${k}`).filter(u => paths.some(p => covers(p, u)))
    expect(purged.filter(u => u.startsWith('/blog/') || u.startsWith('/shop/'))).toEqual([])
    expect(purged.filter(u => u.startsWith('/docs/')).length).toBeLessThan(10)
  })

  test('a pending wildcard covers what this deploy changed under it', () => {
    const planned = invalidationPaths(
      request(['blog/post-3/index.html', 'index.html'], { pending: ['/blog/*'] })
    )
    expect(planned.paths).toEqual(['/', '/blog/*', '/index.html'])
    expect(describeCost(planned.paths, planned.cost)).toBe(
      '3 paths (1 wildcard covering 2 changed URLs)'
    )
  })

  test('explicit paths are sent as given, however many; pending ones do not fold them', () => {
    const explicitPaths = Array.from({ length: 20 }, (_, i) => `/landing-${i}.html`)
    const changed = request(['index.html'], { explicitPaths })
    expect(invalidationPaths(changed).paths).toEqual(explicitPaths)
    // The same list left pending by the failed run of the same workflow.
    expect(invalidationPaths({ ...changed, pending: explicitPaths }).paths).toEqual(
      [...explicitPaths].sort()
    )
    expect(invalidationPaths({ ...changed, explicitPaths: ['/*'], pending: ['/a'] }).paths).toEqual(
      ['/*']
    )
  })

  test('the plan gives each distribution its cost', () => {
    const planned = invalidationPaths(
      request(['index.html', ...pages('blog/post', 0, 45), ...pages('news/item', 0, 25)])
    )
    expect(planned.paths).toEqual(['/', '/blog/*', '/index.html', '/news/*'])
    expect(describeCost(planned.paths, planned.cost)).toBe(
      '4 paths (2 wildcards covering 140 changed URLs)'
    )
  })
})

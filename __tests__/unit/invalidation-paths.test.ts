import { invalidationPaths, type InvalidationRequest } from '../../src/plan/invalidation'
import { covers } from '../../src/plan/fold'
import { INPUT_SPECS } from '../../src/config/inputs'

const DEFAULT_MAX_PATHS = Number(
  INPUT_SPECS.find(i => i.name === 'invalidation-max-paths')?.default
)

/** Four sections of pages: blog, news, docs, shop. */
const site = [
  'index.html',
  ...Array.from({ length: 60 }, (_, i) => `blog/post-${i}/index.html`),
  ...Array.from({ length: 40 }, (_, i) => `news/item-${i}/index.html`),
  ...Array.from({ length: 50 }, (_, i) => `docs/page-${i}/index.html`),
  ...Array.from({ length: 30 }, (_, i) => `shop/product-${i}/index.html`)
]

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
    expect(invalidationPaths(request([], { pending }))).toEqual(pending)
    expect(invalidationPaths(request([]))).toEqual([])
  })

  test('together within the budget: both lists, as they are', () => {
    const pending = ['/news/item-1/', '/news/item-1/index.html']
    expect(invalidationPaths(request(['docs/page-3/index.html'], { pending }))).toEqual([
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
    const paths = invalidationPaths(request(changedKeys, { pending }))
    expect(paths.length).toBeLessThanOrEqual(DEFAULT_MAX_PATHS)
    const wanted = [...pending, ...changedKeys.map(k => `/${k}`)]
    for (const url of wanted) expect([url, paths.some(p => covers(p, url))]).toEqual([url, true])
    // The blog and the shop, which neither touched, stay cached, and so do most docs.
    const purged = site.map(k => `/${k}`).filter(u => paths.some(p => covers(p, u)))
    expect(purged.filter(u => u.startsWith('/blog/') || u.startsWith('/shop/'))).toEqual([])
    expect(purged.filter(u => u.startsWith('/docs/')).length).toBeLessThan(10)
  })

  test('a pending wildcard covers what this deploy changed under it', () => {
    const paths = invalidationPaths(
      request(['blog/post-3/index.html', 'index.html'], { pending: ['/blog/*'] })
    )
    expect(paths).toEqual(['/', '/blog/*', '/index.html'])
  })

  test('explicit paths are sent as given, however many; pending ones do not fold them', () => {
    const explicitPaths = Array.from({ length: 20 }, (_, i) => `/landing-${i}.html`)
    const changed = request(['index.html'], { explicitPaths })
    expect(invalidationPaths(changed)).toEqual(explicitPaths)
    // The same list left pending by the failed run of the same workflow.
    expect(invalidationPaths({ ...changed, pending: explicitPaths })).toEqual(
      [...explicitPaths].sort()
    )
    expect(invalidationPaths({ ...changed, explicitPaths: ['/*'], pending: ['/a'] })).toEqual([
      '/*'
    ])
  })
})

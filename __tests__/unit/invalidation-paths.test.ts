import { invalidationPaths, type InvalidationRequest } from '../../src/plan/invalidation'
import { covers } from '../../src/plan/fold'
import { describeCost, pathCost } from '../../src/plan/cost'
import { describePaths } from '../../src/plan/describe'
import { INPUT_SPECS } from '../../src/config/inputs'
import { fourSections } from '../helpers/site-shapes'

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
})

describe('what an invalidation costs', () => {
  test('paths, and the changed URLs under each wildcard', () => {
    const changed = [
      '/',
      '/index.html',
      ...Array.from({ length: 120 }, (_, i) => `/blog/p${i}/`),
      ...Array.from({ length: 21 }, (_, i) => `/news/n${i}/`)
    ]
    const paths = ['/', '/blog/*', '/index.html', '/news/*']
    const cost = pathCost(paths, changed)
    expect(cost).toEqual({
      wildcards: [
        { path: '/blog/*', changed: 120 },
        { path: '/news/*', changed: 21 }
      ],
      underWildcards: 141
    })
    expect(describeCost(paths, cost)).toBe('4 paths (2 wildcards covering 141 changed URLs)')
    expect(describePaths(paths, false, undefined, cost)).toEqual([
      'Invalidating 4 paths (2 wildcards covering 141 changed URLs):',
      '  /',
      '  /blog/* (120 changed URLs)',
      '  /index.html',
      '  /news/* (21 changed URLs)'
    ])
    expect(describePaths(['/a', '/b'], true, 'E1', pathCost(['/a', '/b'], ['/a', '/b']))).toEqual([
      'Would invalidate 2 paths on E1:',
      '  /a',
      '  /b'
    ])
  })

  test('overlapping explicit wildcards count each changed URL once in the total', () => {
    const cost = pathCost(['/*', '/blog/*'], ['/blog/a', '/b'])
    expect(cost.wildcards).toEqual([
      { path: '/*', changed: 2 },
      { path: '/blog/*', changed: 1 }
    ])
    expect(describeCost(['/*', '/blog/*'], cost)).toBe(
      '2 paths (2 wildcards covering 2 changed URLs)'
    )
    expect(describeCost(['/*'], pathCost(['/*'], ['/a']))).toBe(
      '1 path (1 wildcard covering 1 changed URL)'
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

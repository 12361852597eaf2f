import { covers, folderOf, foldPaths, MAX_WILDCARDS } from '../../src/plan/fold'
import { viewerUrls } from '../../src/plan/paths'

/** A small deterministic PRNG, so every generated case can be reproduced. */
function prng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

/** A random site: nested folders with pages (index.html and others) and assets. */
function randomSite(random: () => number): string[] {
  const keys: string[] = ['index.html']
  const grow = (folder: string, depth: number) => {
    const files = 1 + Math.floor(random() * 6)
    for (let i = 0; i < files; i++) {
      const ext = ['html', 'css', 'js', 'png'][Math.floor(random() * 4)]
      keys.push(`${folder}f${i}.${ext}`)
    }
    if (random() < 0.6) keys.push(`${folder}index.html`)
    if (depth < 4) {
      const children = Math.floor(random() * (depth === 0 ? 6 : 4))
      for (let c = 0; c < children; c++) grow(`${folder}d${c}/`, depth + 1)
    }
  }
  grow('', 0)
  return [...new Set(keys)]
}

/** Changed keys in different shapes: sparse, one subtree, almost everything. */
function pickChanged(keys: string[], random: () => number): string[] {
  const shape = Math.floor(random() * 3)
  if (shape === 0) return keys.filter(() => random() < 0.15)
  if (shape === 1) {
    const anchor = keys[Math.floor(random() * keys.length)]!
    const folder = anchor.includes('/') ? anchor.slice(0, anchor.indexOf('/') + 1) : ''
    return keys
      .filter(k => k.startsWith(folder) && random() < 0.8)
      .concat(random() < 0.5 ? ['index.html'] : [])
  }
  return keys.filter(() => random() < 0.9)
}

/**
 * An independent check of "never wider than needed": the fewest entries that cover the changed
 * URLs under folder F without the wildcard F*, with at most `w` wildcards (a small knapsack over
 * the subfolders, written separately from the implementation's greedy narrowing).
 */
function fewestWithout(
  folder: string,
  changed: string[],
  w: number,
  memo = new Map<string, number>()
): number {
  const key = `${folder}|${w}`
  const known = memo.get(key)
  if (known !== undefined) return known
  const direct = changed.filter(u => folderOf(u) === folder).length
  const children = new Map<string, string[]>()
  for (const url of changed) {
    const rest = folderOf(url).slice(folder.length)
    if (rest === '') continue
    const child = folder + rest.slice(0, rest.indexOf('/') + 1)
    children.set(child, [...(children.get(child) ?? []), url])
  }
  // best[k] = fewest entries for the subfolders seen so far, with at most k wildcards
  let best = Array.from({ length: w + 1 }, () => 0)
  for (const [child, urls] of children) {
    const own = Array.from({ length: w + 1 }, (_, k) =>
      Math.min(k >= 1 ? 1 : Infinity, fewestWithout(child, urls, k, memo), urls.length)
    )
    best = best.map((_, k) =>
      Math.min(...Array.from({ length: k + 1 }, (_, j) => best[k - j]! + own[j]!))
    )
  }
  const result = direct + best[w]!
  memo.set(key, result)
  return result
}

describe('foldPaths on generated change sets', () => {
  const cases = 400
  test(`${cases} random sites and change sets: covered, within limits, never wider than needed`, () => {
    const random = prng(20261125)
    let folded = 0
    let rootOnly = 0
    for (let n = 0; n < cases; n++) {
      const keys = randomSite(random)
      const changedKeys = pickChanged(keys, random)
      if (changedKeys.length === 0) continue
      const changed = viewerUrls(changedKeys)
      const unchanged = viewerUrls(keys.filter(k => !changedKeys.includes(k)))
      const maxPaths = [1, 3, 8, 20, 50, 100][Math.floor(random() * 6)]!
      const result = foldPaths(changed, unchanged, { maxPaths })
      const context = `case ${n}: ${changed.length} changed, maxPaths ${maxPaths}, result ${JSON.stringify(result)}`

      // Every changed URL is covered.
      for (const url of changed)
        expect([context, url, result.some(p => covers(p, url))]).toEqual([context, url, true])
      // Limits.
      const wildcards = result.filter(p => p.endsWith('*'))
      expect([context, result.length <= maxPaths]).toEqual([context, true])
      expect([context, wildcards.length <= MAX_WILDCARDS]).toEqual([context, true])
      expect(new Set(result).size).toBe(result.length)
      // The exact list when it fits.
      if (changed.length <= maxPaths) expect(result).toEqual([...changed].sort())
      // No wildcard could be replaced by a narrower cover within the limits.
      for (const wildcard of wildcards) {
        const folder = wildcard.slice(0, -1)
        const under = changed.filter(u => u.startsWith(folder))
        const otherWildcards = wildcards.length - 1
        const fewest = fewestWithout(folder, under, MAX_WILDCARDS - otherWildcards)
        expect([context, wildcard, fewest > maxPaths - (result.length - 1)]).toEqual([
          context,
          wildcard,
          true
        ])
      }
      if (wildcards.length > 0) folded++
      if (result.length === 1 && result[0] === '/*') rootOnly++
    }
    // The generator exercises folding, including cases where only /* fits.
    expect(folded).toBeGreaterThan(cases / 4)
    expect(rootOnly).toBeGreaterThan(0)
  })
})

describe('foldPaths examples', () => {
  const site = [
    'index.html',
    'about/index.html',
    'css/site.css',
    ...Array.from({ length: 80 }, (_, i) => `posts/post-${i}/index.html`),
    ...Array.from({ length: 30 }, (_, i) => `tags/tag-${i}/index.html`)
  ]

  test('60 pages under /posts/ and the home page fold to a handful of paths', () => {
    const changedKeys = [
      'index.html',
      ...Array.from({ length: 60 }, (_, i) => `posts/post-${i}/index.html`)
    ]
    const changed = viewerUrls(changedKeys)
    expect(changed).toHaveLength(122)
    const unchanged = viewerUrls(site.filter(k => !changedKeys.includes(k)))
    expect(foldPaths(changed, unchanged, { maxPaths: 100 })).toEqual([
      '/',
      '/index.html',
      '/posts/*'
    ])
  })

  test('one page and one stylesheet: exactly their URLs, page and folder', () => {
    const changed = viewerUrls(['about/index.html', 'css/site.css'])
    expect(foldPaths(changed, viewerUrls(site), { maxPaths: 100 })).toEqual([
      '/about/',
      '/about/index.html',
      '/css/site.css'
    ])
  })

  test('/* only when nothing narrower fits', () => {
    const changed = viewerUrls([
      'index.html',
      'about/index.html',
      'css/site.css',
      'posts/post-1/index.html'
    ])
    expect(foldPaths(changed, [], { maxPaths: 1 })).toEqual(['/*'])
    // Two paths allow no narrower cover either: '/' and '/index.html' already need two.
    expect(foldPaths(changed, [], { maxPaths: 2 })).toEqual(['/*'])
    expect(foldPaths(changed, [], { maxPaths: 5 })).toEqual([
      '/',
      '/about/*',
      '/css/site.css',
      '/index.html',
      '/posts/post-1/*'
    ])
  })

  test('narrows first where the most unchanged pages stay cached', () => {
    // Five changed pages in /posts/ (75 unchanged beside them) and five in /tags/ (25 unchanged).
    const changedKeys = [
      ...Array.from({ length: 5 }, (_, i) => `posts/post-${i}/index.html`),
      ...Array.from({ length: 5 }, (_, i) => `tags/tag-${i}/index.html`)
    ]
    const changed = viewerUrls(changedKeys)
    const unchanged = viewerUrls(site.filter(k => !changedKeys.includes(k)))
    // Room to narrow only one of the two folders: /posts/ keeps more pages cached.
    expect(foldPaths(changed, unchanged, { maxPaths: 6 })).toEqual([
      '/posts/post-0/*',
      '/posts/post-1/*',
      '/posts/post-2/*',
      '/posts/post-3/*',
      '/posts/post-4/*',
      '/tags/*'
    ])
    // Room for both: no unchanged page is purged at all.
    const roomy = foldPaths(changed, unchanged, { maxPaths: 12 })
    expect(unchanged.filter(u => roomy.some(p => covers(p, u)))).toEqual([])
  })

  test('more subfolders than wildcards allowed: the smallest are listed instead', () => {
    const changedKeys = Array.from({ length: 20 }, (_, i) => [`s${i}/a.css`, `s${i}/b.css`]).flat()
    const changed = viewerUrls(changedKeys)
    const result = foldPaths(changed, [], { maxPaths: 30 })
    expect(result.filter(p => p.endsWith('*')).length).toBeLessThanOrEqual(MAX_WILDCARDS)
    expect(result.length).toBeLessThanOrEqual(30)
    for (const url of changed) expect(result.some(p => covers(p, url))).toBe(true)
    expect(result).not.toContain('/*')
  })
})

import { covers, foldPaths, MAX_WILDCARDS, MIN_KEPT_PER_PATH } from '../../../src/plan/fold'
import { viewerUrls } from '../../../src/plan/viewer-urls'
import { INPUT_SPECS } from '../../../src/config/inputs'
import {
  blogWithNewPost,
  fourSections,
  prng,
  randomBlog,
  docsHugoBlog
} from '../../helpers/site-shapes'

const DEFAULT_MAX_PATHS = Number(
  INPUT_SPECS.find(i => i.name === 'invalidation-max-paths')?.default
)

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

/** Whether `prefix*` is a path CloudFront can take: it cuts no percent-encoded character. */
const wholeCharacters = (prefix: string) => {
  try {
    decodeURIComponent(prefix)
    return true
  } catch {
    return false
  }
}

type Table = Map<string, number>
const cell = (paths: number, wildcards: number) => `${paths},${wildcards}`

/**
 * An independent search: for each number of paths and wildcards within the limits, the most
 * unchanged URLs kept cached by a cover of the changed URLs under `prefix` that does not use
 * `prefix*` itself. It walks every prefix, character by character, and tries every wildcard
 * CloudFront would take, with no pruning but the limits (written apart from the implementation).
 */
function narrowerCovers(
  prefix: string,
  changed: readonly string[],
  unchanged: readonly string[],
  maxPaths: number,
  maxWildcards: number
): Table {
  const own = changed.includes(prefix) ? 1 : 0
  const groups = new Map<string, { changed: string[]; unchanged: string[] }>()
  for (const url of changed) {
    if (url === prefix) continue
    const next = url[prefix.length]!
    const group = groups.get(next) ?? { changed: [], unchanged: [] }
    group.changed.push(url)
    groups.set(next, group)
  }
  let kept = 0
  for (const url of unchanged) {
    const group = url === prefix ? undefined : groups.get(url[prefix.length]!)
    if (group) group.unchanged.push(url)
    else kept++
  }
  let table: Table = own <= maxPaths ? new Map([[cell(own, 0), kept]]) : new Map()
  for (const [next, group] of groups) {
    const sub = prefix + next
    const options = narrowerCovers(sub, group.changed, group.unchanged, maxPaths, maxWildcards)
    if (wholeCharacters(sub)) options.set(cell(1, 1), Math.max(options.get(cell(1, 1)) ?? -1, 0))
    const joined: Table = new Map()
    for (const [a, keptA] of table) {
      const [pa, wa] = a.split(',').map(Number) as [number, number]
      for (const [b, keptB] of options) {
        const [pb, wb] = b.split(',').map(Number) as [number, number]
        if (pa + pb > maxPaths || wa + wb > maxWildcards) continue
        const key = cell(pa + pb, wa + wb)
        joined.set(key, Math.max(joined.get(key) ?? -1, keptA + keptB))
      }
    }
    table = joined
  }
  return table
}

/**
 * Every property the README promises of a folded list, checked independently. Returns the
 * result's wildcards for the caller's counts.
 */
function checkFold(changed: string[], unchanged: string[], maxPaths: number, context: string) {
  const result = foldPaths(changed, unchanged, { maxPaths })
  const at = `${context}: ${changed.length} changed, maxPaths ${maxPaths}, result ${JSON.stringify(result)}`
  const expectAt = (what: string, ok: boolean) => expect([at, what, ok]).toEqual([at, what, true])

  // Every changed URL is covered.
  for (const url of changed)
    expectAt(
      `covers ${url}`,
      result.some(p => covers(p, url))
    )
  // Limits, valid paths, nothing sent twice or under another path.
  const wildcards = result.filter(p => p.endsWith('*'))
  expectAt('paths within maxPaths', result.length <= maxPaths)
  expectAt('wildcards within 15', wildcards.length <= MAX_WILDCARDS)
  for (const path of result) {
    expectAt(`valid ${path}`, path.startsWith('/') && !path.slice(0, -1).includes('*'))
    expectAt(`whole characters ${path}`, wholeCharacters(path.replace(/\*$/, '')))
    expectAt(`${path} under no other`, !result.some(p => p !== path && covers(p, path)))
  }
  // The exact list when it fits.
  if (changed.length <= maxPaths) {
    expect(result).toEqual([...changed].sort())
    return { result, wildcards }
  }
  const under = (prefix: string, urls: string[]) => urls.filter(u => u.startsWith(prefix))
  // `/*` only when no narrower cover fits.
  if (result[0] === '/*') {
    expectAt('nothing narrower fits', narrowerCovers('/', changed, [], maxPaths, 15).size === 0)
  }
  // No wildcard left where a narrower cover fits and keeps MIN_KEPT_PER_PATH per path it adds.
  for (const wildcard of wildcards.filter(w => w !== '/*')) {
    const prefix = wildcard.slice(0, -1)
    const table = narrowerCovers(
      prefix,
      under(prefix, changed),
      under(prefix, unchanged),
      maxPaths - result.length + 1,
      MAX_WILDCARDS - wildcards.length + 1
    )
    for (const [key, kept] of table) {
      const added = Number(key.split(',')[0]) - 1
      expectAt(`${wildcard} → ${key} keeps ${kept}`, kept === 0 || kept < MIN_KEPT_PER_PATH * added)
    }
  }
  // Every path spent keeps its MIN_KEPT_PER_PATH: putting a wildcard in place of the paths
  // under any prefix would purge at least that many per path it saves.
  const prefixes = new Set(result.flatMap(p => [...p].map((_, i) => p.slice(0, i + 1))))
  for (const prefix of prefixes) {
    const inside = under(prefix, result)
    const wildcardsInside = inside.filter(p => p.endsWith('*')).length
    if (prefix === '/' || prefix.endsWith('*') || inside.length < 2) continue
    if (!wholeCharacters(prefix) || wildcards.length - wildcardsInside + 1 > MAX_WILDCARDS) continue
    const cached = under(prefix, unchanged).filter(u => !result.some(p => covers(p, u))).length
    expectAt(
      `${prefix}* would save ${inside.length - 1} and purge ${cached}`,
      cached >= MIN_KEPT_PER_PATH * (inside.length - 1)
    )
  }
  return { result, wildcards }
}

function split(keys: string[], changedKeys: string[]) {
  const changedSet = new Set(changedKeys)
  return {
    changed: viewerUrls(changedKeys),
    unchanged: viewerUrls(keys.filter(k => !changedSet.has(k)))
  }
}

describe('the default budget', () => {
  test('at most 15 paths: a deploy a day stays within the free 1,000 paths a month', () => {
    expect(DEFAULT_MAX_PATHS).toBeLessThanOrEqual(15)
    expect(DEFAULT_MAX_PATHS * 31).toBeLessThanOrEqual(1000)
  })

  test('a 3-page edit still sends its 6 URLs', () => {
    const changed = viewerUrls(['about/index.html', 'blog/a/index.html', 'blog/b/index.html'])
    expect(foldPaths(changed, [], { maxPaths: DEFAULT_MAX_PATHS })).toEqual([
      '/about/',
      '/about/index.html',
      '/blog/a/',
      '/blog/a/index.html',
      '/blog/b/',
      '/blog/b/index.html'
    ])
  })
})

describe('foldPaths on generated change sets', () => {
  const cases = 300
  test(`${cases} random sites and change sets: covered, within limits, paths only where they pay`, () => {
    const random = prng(20261125)
    let folded = 0
    let rootOnly = 0
    for (let n = 0; n < cases; n++) {
      const keys = randomSite(random)
      const changedKeys = pickChanged(keys, random)
      if (changedKeys.length === 0) continue
      const { changed, unchanged } = split(keys, changedKeys)
      const maxPaths = [1, 3, 8, DEFAULT_MAX_PATHS, DEFAULT_MAX_PATHS, 20, 40][
        Math.floor(random() * 7)
      ]!
      const { result, wildcards } = checkFold(changed, unchanged, maxPaths, `case ${n}`)
      if (wildcards.length > 0) folded++
      if (result[0] === '/*') rootOnly++
    }
    // The generator exercises folding, including cases where only /* fits.
    expect(folded).toBeGreaterThan(cases / 4)
    expect(rootOnly).toBeGreaterThan(0)
  })

  const blogs = 120
  test(`${blogs} blogs as Hugo, Jekyll and Eleventy build them, one new post each`, () => {
    const random = prng(4711)
    for (let n = 0; n < blogs; n++) {
      const blog = randomBlog(random)
      const { changed, unchanged } = split(blog.keys, blog.changed)
      const { generator, posts } = blog.options
      const context = `blog ${n} (${generator}, ${posts} posts)`
      const { result } = checkFold(changed, unchanged, DEFAULT_MAX_PATHS, context)
      // Hundreds of rewritten files across many folders, and still the untouched sections
      // (docs, about, images) stay cached: never /*.
      expect([context, result.length <= 15, result.includes('/*')]).toEqual([context, true, false])
      const purged = unchanged.filter(u => result.some(p => covers(p, u)))
      for (const section of ['/docs/', '/about/', '/images/', '/css/'])
        expect([context, purged.filter(u => u.startsWith(section))]).toEqual([context, []])
    }
  })
})

describe('foldPaths examples', () => {
  test('a big change to two of four sections: four paths, the other two sections stay cached', () => {
    const changedKeys = [
      'index.html',
      ...Array.from({ length: 45 }, (_, i) => `blog/post-${i}/index.html`),
      ...Array.from({ length: 25 }, (_, i) => `news/item-${i}/index.html`)
    ]
    const { changed, unchanged } = split(fourSections(), changedKeys)
    expect(changed).toHaveLength(142)
    expect(foldPaths(changed, unchanged, { maxPaths: DEFAULT_MAX_PATHS })).toEqual([
      '/',
      '/blog/*',
      '/index.html',
      '/news/*'
    ])
  })

  test('a narrowing is made when it keeps 20 unchanged URLs cached per path it adds, not 19', () => {
    const changed = ['/a/b/1.html', '/a/b/2.html', '/a/c/1.html', '/a/c/2.html']
    const beside = (n: number) => Array.from({ length: n }, (_, i) => `/a/u${i}.html`)
    // /a/b/* and /a/c/* instead of /a/*: one more path, which keeps what is beside them cached.
    expect(foldPaths(changed, beside(20), { maxPaths: 3 })).toEqual(['/a/b/*', '/a/c/*'])
    expect(foldPaths(changed, beside(19), { maxPaths: 3 })).toEqual(['/a/*'])
  })

  test('one new post on a large Hugo blog: the posts and the untouched sections stay cached', () => {
    const blog = blogWithNewPost({
      generator: 'hugo',
      posts: 500,
      tags: 30,
      categories: 4,
      perPage: 10,
      docs: 60,
      random: prng(1)
    })
    const { changed, unchanged } = split(blog.keys, blog.changed)
    expect(changed.length).toBeGreaterThan(200)
    const result = foldPaths(changed, unchanged, { maxPaths: DEFAULT_MAX_PATHS })
    expect(result.length).toBeLessThanOrEqual(15)
    for (const url of changed) expect(result.some(p => covers(p, url))).toBe(true)
    // The list pages are purged; no post page but the new one and the one it follows.
    const purged = unchanged.filter(u => result.some(p => covers(p, u)))
    expect(purged.filter(u => /^\/posts\/post-\d+\/index\.html$/.test(u))).toEqual([])
    expect(purged.length).toBeLessThan(unchanged.length / 50)
  })

  test("docs/how-it-works.md's example: one new post on a Hugo blog of 150 posts, 104 URLs in 11 paths", () => {
    // The same blog as the end-to-end test.
    const blog = docsHugoBlog()
    expect(blog.changed).toHaveLength(56)
    const { changed, unchanged } = split(blog.keys, blog.changed)
    expect(changed).toHaveLength(104)
    expect(foldPaths(changed, unchanged, { maxPaths: DEFAULT_MAX_PATHS })).toEqual([
      '/',
      '/categories/cat-0/*',
      '/index.*',
      '/page/*',
      '/posts/',
      '/posts/index.*',
      '/posts/page/*',
      '/posts/post-149/*',
      '/posts/post-150/*',
      '/sitemap.xml',
      '/tags/*'
    ])
  })

  test('/* only when nothing narrower fits', () => {
    const changed = viewerUrls([
      'index.html',
      'about/index.html',
      'css/site.css',
      'posts/post-1/index.html'
    ])
    // '/', '/index.html', and one path for each of /about/, /css/, /posts/: five at least.
    for (const maxPaths of [1, 2, 3, 4])
      expect(foldPaths(changed, [], { maxPaths })).toEqual(['/*'])
    expect(foldPaths(changed, [], { maxPaths: 5 })).toEqual([
      '/',
      '/about/*',
      '/css/site.css',
      '/index.html',
      // Nothing else is known under /posts/: its folder purges no more.
      '/posts/*'
    ])
  })

  test('a wildcard is any prefix: pagination folders at the root fold to one path', () => {
    const keys = [
      'index.html',
      'about/index.html',
      ...Array.from({ length: 30 }, (_, i) => `page${i + 2}/index.html`),
      ...Array.from({ length: 300 }, (_, i) => `blog/post-${i}/index.html`)
    ]
    const changedKeys = ['index.html', ...keys.filter(k => k.startsWith('page'))]
    const { changed, unchanged } = split(keys, changedKeys)
    expect(foldPaths(changed, unchanged, { maxPaths: DEFAULT_MAX_PATHS })).toEqual([
      '/',
      '/index.html',
      '/page*'
    ])
  })

  test('more subfolders than wildcards allowed: the rest are listed URL by URL', () => {
    // 20 folders of two changed URLs each, beside big unchanged archives a wider wildcard would purge.
    const keys = Array.from({ length: 20 }, (_, i) => [
      `f${i}/a.css`,
      `f${i}/b.css`,
      ...Array.from({ length: 50 }, (_, j) => `f${i}-archive/${j}.css`)
    ]).flat()
    const changedKeys = keys.filter(k => !k.includes('archive'))
    const { changed, unchanged } = split(keys, changedKeys)
    const result = foldPaths(changed, unchanged, { maxPaths: 30 })
    expect(result.filter(p => p.endsWith('*'))).toHaveLength(MAX_WILDCARDS)
    expect(result).toHaveLength(MAX_WILDCARDS + 2 * (20 - MAX_WILDCARDS))
    for (const url of changed) expect(result.some(p => covers(p, url))).toBe(true)
    expect(unchanged.filter(u => result.some(p => covers(p, u)))).toEqual([])
  })

  test('a wildcard never cuts a percent-encoded character', () => {
    const changed = viewerUrls(['café/a.html', 'café/b.html', 'cafè/a.html', 'cafè/b.html'])
    // They part inside é and è (%C3%A9, %C3%A8): no /caf%C3%A* nor /caf%C3*.
    const archive = viewerUrls(Array.from({ length: 100 }, (_, i) => `cafe/${i}.html`))
    expect(foldPaths(changed, archive, { maxPaths: 3 })).toEqual(['/caf%C3%A8/*', '/caf%C3%A9/*'])
    expect(foldPaths(changed, archive, { maxPaths: 1 })).toEqual(['/caf*'])
  })

  test('a wildcard among the entries (a pending /blog/*) covers what is under it', () => {
    const changed = ['/blog/*', '/blog/a.html', '/blog/b/index.html', '/about/']
    expect(foldPaths(changed, ['/blog/c.html'], { maxPaths: 15 })).toEqual(['/about/', '/blog/*'])
  })

  test('file names with "*" (cut into wildcards) beyond 15 are folded', () => {
    const changed = viewerUrls(Array.from({ length: 20 }, (_, i) => `x/n${i}-*.txt`))
    expect(changed.every(u => u.endsWith('*'))).toBe(true)
    const result = foldPaths(changed, [], { maxPaths: 100 })
    expect(result.filter(p => p.endsWith('*')).length).toBeLessThanOrEqual(MAX_WILDCARDS)
    for (const url of changed) expect(result.some(p => covers(p, url.slice(0, -1)))).toBe(true)
  })
})

/**
 * Folding a list of changed viewer URLs into at most `maxPaths` invalidation paths, with
 * wildcards (`/posts/*`, `/page*`: any prefix, as CloudFront allows) only where a path pays for
 * itself.
 *
 * The rule: if the exact list fits, send it. Otherwise pick, among the covers that fit (at most
 * `maxPaths` paths and `maxWildcards` wildcards, every changed URL covered, `/*` only when nothing
 * narrower fits), the one that keeps the most unchanged URLs cached once each path is charged
 * MIN_KEPT_PER_PATH of them. So a wildcard is narrowed only where that keeps at least
 * MIN_KEPT_PER_PATH unchanged URLs cached per path it adds, and every narrowing made pays for its
 * paths that way. The covers are searched exactly: on the tree of prefixes where changed URLs
 * part, each keeping, per number of paths and wildcards, only the best covers of its subtree.
 */

/** CloudFront: at most 15 wildcard paths in progress per distribution. */
export const MAX_WILDCARDS = 15
/** CloudFront: at most 3,000 paths in progress per distribution. */
export const MAX_PATHS = 3000
/**
 * What a path must keep cached to be spent: a path beyond the free 1,000 a month costs $0.005,
 * and re-fetching one file from S3 at every one of CloudFront's 600+ edge locations costs
 * 600 × $0.0000004 (GET) = $0.00024, so a path costs as much as about 20 files re-fetched
 * everywhere (regional edge caches make a real re-fetch cheaper still).
 */
export const MIN_KEPT_PER_PATH = 20

export interface FoldOptions {
  maxPaths: number
  maxWildcards?: number
}

/** A prefix shared by changed entries: the root `/`, or where two of them part. */
interface Prefix {
  prefix: string
  /** The changed entry equal to the prefix, if any. */
  direct: string[]
  /** Longer prefixes, by the character that follows this one. */
  children: Map<string, Prefix>
  /** Changed entries that start with the prefix. */
  changed: number
  /** Of those, wildcards (a pending `/a/*`, or a URL cut at a `*` in a file name). */
  wildcards: number
  /** Unchanged URLs that start with the prefix. */
  unchanged: number
  /** The length of the parent's prefix: this node's wildcard may stop anywhere after it. */
  edge: number
  /** The most characters an unchanged URL shares with the prefix without starting with it. */
  parted: number
}

/** Whether `path` (exact, or a trailing-`*` prefix) covers `url`. */
export function covers(path: string, url: string): boolean {
  return path.endsWith('*') ? url.startsWith(path.slice(0, -1)) : path === url
}

const isWildcard = (path: string) => path.endsWith('*')

/**
 * The prefix tree of the sorted changed entries `sorted[from..to)`, which all start with
 * `prefix`: a node where entries part, one child per next character.
 */
function buildTree(prefix: string, sorted: readonly string[], from: number, to: number): Prefix {
  const node: Prefix = {
    prefix,
    direct: [],
    children: new Map(),
    changed: to - from,
    wildcards: 0,
    unchanged: 0,
    edge: 0,
    parted: 0
  }
  let i = from
  if (sorted[i] === prefix) node.direct.push(sorted[i++] as string)
  while (i < to) {
    const next = (sorted[i] as string)[prefix.length] as string
    let j = i + 1
    while (j < to && (sorted[j] as string)[prefix.length] === next) j++
    const shared = commonPrefix(sorted[i] as string, sorted[j - 1] as string)
    let child = buildTree(shared, sorted, i, j)
    child.edge = prefix.length
    // Where entries part inside a character (`/caf%C3%A9`, `/caf%C3%A8`), a wildcard can only
    // stop before it: one more node there.
    const whole = wholeCharacters(shared)
    if (whole.length < shared.length && whole.length > prefix.length) {
      child.edge = whole.length
      const children = new Map([[shared[whole.length] as string, child]])
      child = { ...child, prefix: whole, direct: [], children, edge: prefix.length }
    }
    node.children.set(next, child)
    node.wildcards += child.wildcards
    i = j
  }
  if (node.direct.some(isWildcard)) node.wildcards++
  return node
}

/** The longest common prefix of two strings. */
function commonPrefix(a: string, b: string): string {
  let n = 0
  while (n < a.length && n < b.length && a[n] === b[n]) n++
  return a.slice(0, n)
}

/** Counts `url` in every node whose prefix it starts with. */
function countUnchanged(root: Prefix, url: string) {
  for (let node: Prefix | undefined = root; node;) {
    node.unchanged++
    const child = node.children.get(url[node.prefix.length] as string)
    if (child && !url.startsWith(child.prefix))
      child.parted = Math.max(child.parted, commonPrefix(url, child.prefix).length)
    node = child && url.startsWith(child.prefix) ? child : undefined
  }
}

/**
 * Whether `prefix*` may be sent: the node has more than one entry under it (a lone entry is
 * better sent as it is), and the prefix does not cut a character (`/caf%C*`, `/caf%C3*`).
 */
function wildcardAllowed(node: Prefix): boolean {
  return node.children.size > 0 && wholeCharacters(node.prefix) === node.prefix
}

/**
 * A percent-encoded path without what it has of a character it cuts: an incomplete escape, or
 * the first bytes of a UTF-8 sequence (`/caf%C3%A` and `/caf%C3` → `/caf`).
 */
function wholeCharacters(path: string): string {
  const end = path.at(-1) === '%' ? -1 : path.at(-2) === '%' ? -2 : 0
  let cut = path.length + end
  // The escapes before the cut, last first: continuation bytes (10xxxxxx) back to a lead byte.
  let continuation = 0
  for (let i = cut - 3; i >= 0 && path[i] === '%'; i -= 3) {
    const byte = parseInt(path.slice(i + 1, i + 3), 16)
    if ((byte & 0xc0) === 0x80) {
      continuation++
      continue
    }
    const needed = byte >= 0xf0 ? 3 : byte >= 0xe0 ? 2 : byte >= 0xc0 ? 1 : 0
    if (continuation !== needed) cut = i
    return path.slice(0, cut)
  }
  return path.slice(0, cut - 3 * continuation)
}

/**
 * A node's wildcard: its prefix, or the shortest folder on the way to it from its parent that
 * purges no unchanged URL more (`/blog/*` rather than `/blog/post-*`).
 */
function wildcardPath(node: Prefix): string {
  for (let i = Math.max(node.edge, node.parted); i < node.prefix.length; i++)
    if (node.prefix[i] === '/') return `${node.prefix.slice(0, i + 1)}*`
  return `${node.prefix}*`
}

/** Every changed entry under a node. */
function collect(node: Prefix, into: string[] = []): string[] {
  into.push(...node.direct)
  for (const child of node.children.values()) collect(child, into)
  return into
}

/** How a cover lists its paths: a persistent list of pieces, shared between covers. */
type Piece = readonly string[] | Prefix | Cover
interface Part {
  piece: Piece
  next: Part | undefined
}

/** One way to cover the changed entries under a prefix. */
interface Cover {
  paths: number
  wildcards: number
  /** Unchanged URLs under the prefix that stay cached. */
  kept: number
  parts: Part | undefined
}

/**
 * What a cover is worth: the unchanged URLs it keeps cached, minus MIN_KEPT_PER_PATH for each
 * path, scaled so that between equal values the cover that keeps more (with more paths) wins.
 * SCALE > MAX_PATHS keeps the tie-break from ever outweighing one URL of value.
 */
const SCALE = 4096
const score = (c: Cover) => SCALE * c.kept - (SCALE * MIN_KEPT_PER_PATH - 1) * c.paths

interface Limits {
  maxPaths: number
  maxWildcards: number
}

/** The covers of the changed entries under a node that do not use the node's own wildcard. */
function narrowings(node: Prefix, limits: Limits): Cover[] {
  const inChildren = [...node.children.values()].reduce((n, c) => n + c.unchanged, 0)
  const own: Cover = {
    paths: node.direct.length,
    wildcards: node.direct.filter(isWildcard).length,
    kept: node.unchanged - inChildren,
    parts: { piece: node.direct, next: undefined }
  }
  if (own.paths > limits.maxPaths || own.wildcards > limits.maxWildcards) return []
  let covers = [own]
  for (const child of node.children.values()) {
    covers = combine(covers, childOptions(child, limits), child, limits)
    if (covers.length === 0) return covers
  }
  return covers
}

/**
 * Every cover of the entries so far (`covers`) joined with every way to cover one more child,
 * keeping only those that no other beats on paths, wildcards and score at once: any
 * combination built on a dropped cover does no better than the same built on its rival.
 */
function combine(covers: Cover[], options: Cover[], child: Prefix, limits: Limits): Cover[] {
  const most = (list: Cover[], key: 'paths' | 'wildcards') =>
    list.reduce((n, c) => Math.max(n, c[key]), 0)
  const maxPaths = Math.min(limits.maxPaths, most(covers, 'paths') + most(options, 'paths'))
  const maxWildcards = Math.min(
    limits.maxWildcards,
    most(covers, 'wildcards') + most(options, 'wildcards')
  )
  // The best pair for each number of paths and wildcards.
  const row = maxPaths + 1
  const best = new Float64Array((maxWildcards + 1) * row).fill(-Infinity)
  const fromCover = new Int32Array((maxWildcards + 1) * row)
  const withOption = new Int32Array((maxWildcards + 1) * row)
  covers.forEach((a, i) => {
    options.forEach((b, j) => {
      const paths = a.paths + b.paths
      const wildcards = a.wildcards + b.wildcards
      if (paths > maxPaths || wildcards > maxWildcards) return
      const cell = wildcards * row + paths
      const value = score(a) + score(b)
      if (value > (best[cell] as number)) {
        best[cell] = value
        fromCover[cell] = i
        withOption[cell] = j
      }
    })
  })
  // Keep a cell only if it beats every cell with no more paths and no more wildcards.
  const fewerWildcards = new Float64Array(row).fill(-Infinity)
  const out: Cover[] = []
  for (let wildcards = 0; wildcards <= maxWildcards; wildcards++) {
    let bar = -Infinity
    for (let paths = 0; paths <= maxPaths; paths++) {
      const cell = wildcards * row + paths
      const value = best[cell] as number
      if (value > Math.max(bar, fewerWildcards[paths] as number)) {
        const a = covers[fromCover[cell] as number] as Cover
        const b = options[withOption[cell] as number] as Cover
        const piece = b.parts === undefined ? child : b
        out.push({ paths, wildcards, kept: a.kept + b.kept, parts: { piece, next: a.parts } })
      }
      bar = Math.max(bar, value)
      fewerWildcards[paths] = Math.max(fewerWildcards[paths] as number, bar)
    }
  }
  return out
}

/**
 * How the entries under a node can be covered: its wildcard, or any narrower cover. Where
 * nothing under it stays cached anyway, the only narrower cover worth a look is its list of
 * entries (when wildcards run short); that one has no `parts` and is listed from the node.
 */
function childOptions(child: Prefix, limits: Limits): Cover[] {
  if (!wildcardAllowed(child)) return narrowings(child, limits)
  const wildcard: Cover = {
    paths: 1,
    wildcards: 1,
    kept: 0,
    parts: { piece: [wildcardPath(child)], next: undefined }
  }
  if (child.unchanged > 0) return [wildcard, ...narrowings(child, limits)]
  const exact: Cover = {
    paths: child.changed,
    wildcards: child.wildcards,
    kept: 0,
    parts: undefined
  }
  return [wildcard, exact]
}

function render(cover: Cover, into: string[] = []): string[] {
  for (let part = cover.parts; part; part = part.next) {
    const piece = part.piece
    if (Array.isArray(piece)) into.push(...(piece as readonly string[]))
    else if ('prefix' in piece) collect(piece, into)
    else render(piece as Cover, into)
  }
  return into
}

export function foldPaths(
  changed: readonly string[],
  unchanged: readonly string[],
  options: FoldOptions
): string[] {
  const maxPaths = Math.min(options.maxPaths, MAX_PATHS)
  const maxWildcards = Math.min(options.maxWildcards ?? MAX_WILDCARDS, MAX_WILDCARDS)
  // An entry under a wildcard entry (a pending `/a/*`) needs no path of its own.
  const wildcards = [...new Set(changed.filter(isWildcard))]
  const underWildcard = (url: string) => wildcards.some(w => w !== url && covers(w, url))
  const unique = [...new Set(changed)].filter(u => !underWildcard(u)).sort()
  if (unique.length <= maxPaths && unique.filter(isWildcard).length <= maxWildcards) return unique

  const root = buildTree('/', unique, 0, unique.length)
  const changedSet = new Set(unique)
  for (const url of unchanged)
    if (!changedSet.has(url) && !underWildcard(url)) countUnchanged(root, url)
  let best: Cover | undefined
  for (const cover of narrowings(root, { maxPaths, maxWildcards }))
    if (!best || score(cover) > score(best)) best = cover
  return best ? render(best).sort() : ['/*']
}

/**
 * Folding a list of changed viewer URLs into at most `maxPaths` invalidation paths, using folder
 * wildcards (`/posts/*`) only as far as needed.
 *
 * The rule: if the exact list fits, send it. Otherwise start from `/*` and narrow it step by step:
 * a wildcard `/F/*` is replaced by its changed direct URLs and one entry per changed subfolder
 * (`/F/G/*`, or the URL itself when only one changed there), for as long as the result stays
 * within `maxPaths` paths and `maxWildcards` wildcards. The narrowing that keeps the most cached,
 * unchanged URLs per path added goes first. It stops when no wildcard can be narrowed within the
 * limits, so the result never keeps a wildcard that a narrower cover could replace, and `/*` is
 * left only when nothing narrower fits. Every changed URL stays covered.
 */

/** CloudFront: at most 15 wildcard paths in progress per distribution. */
export const MAX_WILDCARDS = 15
/** CloudFront: at most 3,000 paths in progress per distribution. */
export const MAX_PATHS = 3000

export interface FoldOptions {
  maxPaths: number
  maxWildcards?: number
}

interface Folder {
  path: string
  /** Changed URLs directly in this folder (including the folder URL itself, e.g. `/a/`). */
  direct: string[]
  children: Map<string, Folder>
  changed: number
  unchanged: number
}

/** The folder a URL lives in: `/a/b.html` → `/a/`, `/a/` → `/a/`, `/` → `/`. */
export function folderOf(url: string): string {
  return url.slice(0, url.lastIndexOf('/') + 1)
}

function buildTree(changed: readonly string[], unchanged: readonly string[]): Folder {
  const root: Folder = { path: '/', direct: [], children: new Map(), changed: 0, unchanged: 0 }
  const add = (url: string, isChanged: boolean) => {
    const folder = folderOf(url)
    let node = root
    const count = () => (isChanged ? node.changed++ : node.unchanged++)
    count()
    // Walk '/a/b/' segment by segment: '/a/', '/a/b/'.
    for (let i = folder.indexOf('/', 1); i !== -1; i = folder.indexOf('/', i + 1)) {
      const path = folder.slice(0, i + 1)
      let child = node.children.get(path)
      if (!child) {
        child = { path, direct: [], children: new Map(), changed: 0, unchanged: 0 }
        node.children.set(path, child)
      }
      node = child
      count()
    }
    if (isChanged) node.direct.push(url)
  }
  for (const url of changed) add(url, true)
  for (const url of unchanged) add(url, false)
  return root
}

/** The single changed URL under a folder that has exactly one. */
function onlyChanged(folder: Folder): string {
  if (folder.direct.length === 1) return folder.direct[0] as string
  for (const child of folder.children.values()) if (child.changed === 1) return onlyChanged(child)
  throw new Error(`no single changed URL under ${folder.path}`)
}

interface Narrowing {
  exact: string[]
  wildcards: Folder[]
}

/**
 * The narrowest one-level replacement of `/F/*` that uses at most `wildcardBudget` wildcards:
 * subfolders with one change become that URL; the smallest subfolders give up their wildcard
 * for their URLs when wildcards are short. Undefined when no replacement fits the budget.
 */
function narrow(folder: Folder, wildcardBudget: number, pathBudget: number): Narrowing | undefined {
  const exact = [...folder.direct]
  const wildcards: Folder[] = []
  const children = [...folder.children.values()].filter(c => c.changed > 0)
  for (const child of children) {
    if (child.changed === 1) exact.push(onlyChanged(child))
    else wildcards.push(child)
  }
  wildcards.sort((a, b) => a.changed - b.changed || (a.path < b.path ? -1 : 1))
  let count = exact.length + wildcards.length
  while (wildcards.length > wildcardBudget) {
    const smallest = wildcards.shift() as Folder
    count += smallest.changed - 1
    if (count > pathBudget) return undefined
    exact.push(...collect(smallest))
  }
  return count > pathBudget ? undefined : { exact, wildcards }
}

function collect(folder: Folder): string[] {
  const urls = [...folder.direct]
  for (const child of folder.children.values()) urls.push(...collect(child))
  return urls
}

export function foldPaths(
  changed: readonly string[],
  unchanged: readonly string[],
  options: FoldOptions
): string[] {
  const maxPaths = Math.min(options.maxPaths, MAX_PATHS)
  const maxWildcards = Math.min(options.maxWildcards ?? MAX_WILDCARDS, MAX_WILDCARDS)
  const unique = [...new Set(changed)].sort()
  if (unique.length <= maxPaths) return unique

  const changedSet = new Set(unique)
  const root = buildTree(
    unique,
    unchanged.filter(u => !changedSet.has(u))
  )
  const exact: string[] = []
  let wildcards: Folder[] = [root]
  for (;;) {
    const count = exact.length + wildcards.length
    let best: { folder: Folder; result: Narrowing; added: number; kept: number } | undefined
    for (const folder of wildcards) {
      const result = narrow(folder, maxWildcards - (wildcards.length - 1), maxPaths - (count - 1))
      if (!result) continue
      const added = result.exact.length + result.wildcards.length - 1
      // Unchanged URLs that stay cached once `/F/*` is narrowed.
      const kept = folder.unchanged - result.wildcards.reduce((sum, w) => sum + w.unchanged, 0)
      if (
        !best ||
        better({ added, kept, path: folder.path }, { ...best, path: best.folder.path })
      ) {
        best = { folder, result, added, kept }
      }
    }
    if (!best) break
    wildcards = wildcards.filter(w => w !== best.folder).concat(best.result.wildcards)
    exact.push(...best.result.exact)
  }
  const result = [...exact, ...wildcards.map(w => `${w.path}*`)].sort()
  // A file name with '*' becomes a wildcard URL itself (see encodePath); if such names push the
  // wildcard count over CloudFront's limit, only `/*` is valid.
  return result.filter(p => p.endsWith('*')).length > maxWildcards ? ['/*'] : result
}

/** Free narrowings first, then the most unchanged URLs kept cached per path added. */
function better(
  a: { added: number; kept: number; path: string },
  b: { added: number; kept: number; path: string }
) {
  if ((a.added === 0) !== (b.added === 0)) return a.added === 0
  const ra = a.added === 0 ? a.kept : a.kept / a.added
  const rb = b.added === 0 ? b.kept : b.kept / b.added
  if (ra !== rb) return ra > rb
  if (a.kept !== b.kept) return a.kept > b.kept
  return a.path < b.path
}

/** Whether `path` (exact, or a trailing-`*` prefix) covers `url`. */
export function covers(path: string, url: string): boolean {
  return path.endsWith('*') ? url.startsWith(path.slice(0, -1)) : path === url
}

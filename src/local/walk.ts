import * as path from 'node:path'
import { readdir, realpath, stat } from 'node:fs/promises'
import { InputError } from '../config/input-error'
import { describeNameClashes, isUtf8, type NameClash, type NonUtf8Name } from '../plan/names'

/** A path relative to the source, '/'-separated whatever the OS. */
export type FoundFile = string

/** The file on disk (through any link inside the source) for a path the walk found. */
export function absolutePath(root: string, relPath: string): string {
  return path.join(root, ...relPath.split('/'))
}

export interface SkippedLink {
  relPath: string
  kind: 'outside' | 'broken' | 'loop'
  reason: string
}

export interface WalkResult {
  files: FoundFile[]
  /** Where a name was normalized (NFC), the file's path on disk: read it there. Else empty. */
  onDisk: Map<FoundFile, string>
  skippedLinks: SkippedLink[]
  /** Names that are not UTF-8 (files, folders, links): never walked into, for the caller to refuse. */
  nonUtf8Names: NonUtf8Name[]
}

/** What a name that is not UTF-8 reads as in a string. */
const REPLACEMENT = '\uFFFD'

interface Entry {
  name: string
  isFile(): boolean
  isDirectory(): boolean
  isSymbolicLink(): boolean
}

/**
 * A folder's entries, by name. Names are read as strings (fast); only a folder where one reads
 * with U+FFFD is read again as bytes, to set apart the names that are not UTF-8 (a real U+FFFD
 * in a UTF-8 name is kept).
 */
async function readFolder(abs: string, rel: string, nonUtf8: NonUtf8Name[]): Promise<Entry[]> {
  const entries = await readdir(abs, { withFileTypes: true })
  if (!entries.some(e => e.name.includes(REPLACEMENT))) return entries
  const raw = await readdir(abs, { withFileTypes: true, encoding: 'buffer' })
  const kept: Entry[] = []
  for (const entry of raw) {
    const bytes = entry.name as unknown as Buffer
    if (!isUtf8(bytes)) {
      nonUtf8.push({ folder: rel, bytes })
      continue
    }
    kept.push({
      name: bytes.toString('utf8'),
      isFile: () => entry.isFile(),
      isDirectory: () => entry.isDirectory(),
      isSymbolicLink: () => entry.isSymbolicLink()
    })
  }
  return kept
}

/** Whether a real path is the source's real path `rootReal`, or under it. */
export function insideOf(rootReal: string, paths: path.PlatformPath = path) {
  // A root (`/`, `D:\`) already ends with the separator.
  const prefix = rootReal.endsWith(paths.sep) ? rootReal : rootReal + paths.sep
  return (real: string) => real === rootReal || real.startsWith(prefix)
}

const NOT_ASCII = /[\u0080-\uffff]/
const join = (folder: string, name: string) => (folder === '' ? name : `${folder}/${name}`)

export interface WalkOptions {
  /**
   * Names composed (NFC), whatever the disk stores, as hugo deploy and s3deploy do on macOS:
   * HFS+ stores names decomposed (NFD), where Linux and Windows keep what was written (NFC,
   * from nearly every tool and keyboard), and links in pages are written NFC. Elsewhere a name
   * stays as it is, so keys do not change on Linux.
   */
  nfc?: boolean
}

/**
 * Every regular file under `root`, sorted by relPath. Symbolic links are followed while they
 * stay inside `root`; a link that leads outside is never published (reported in skippedLinks),
 * and a loop of links is not followed twice. A name that is not UTF-8 has no S3 key: it is
 * reported in nonUtf8Names, and a folder of that name is not walked into. With `nfc` (macOS),
 * names are composed, and two files whose names differ only in normalization are refused.
 *
 * A plain readdir walk rather than @actions/glob, which was measured against it: glob stats
 * every entry, one at a time, where readdir's file types suffice; it walks into links that lead
 * outside the source; it drops broken links and loops without a word; a name that is not UTF-8
 * comes back as another name, which it then drops as a broken link; and it writes ::debug::
 * lines to stdout on every CI, GitLab included.
 */
export async function walkSource(
  root: string,
  { nfc = process.platform === 'darwin' }: WalkOptions = {}
): Promise<WalkResult> {
  const { files, renamed, skippedLinks, nonUtf8Names } = await traverse(root, nfc)
  files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const onDisk = new Map(renamed)
  if (renamed.length > 0) refuseNameClashes(root, files, renamed)
  nonUtf8Names.sort((a, b) =>
    a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : Buffer.compare(a.bytes, b.bytes)
  )
  if (files.length === 0 && nonUtf8Names.length === 0) {
    throw new InputError(
      `Input 'source' is an empty folder ('${root}'): build the site first, or point 'source' at the build output.`
    )
  }
  return { files, onDisk, skippedLinks, nonUtf8Names }
}

/**
 * Whether the source has a file in scope, walking only until it finds one (one folder, for a
 * site with a file at its top and no include): a check cheap enough to run before any request.
 * When there is none, the whole walk, unsorted, so the caller can say why.
 */
export async function findFileInScope(
  root: string,
  inScope: (relPath: FoundFile) => boolean,
  { nfc = process.platform === 'darwin' }: WalkOptions = {}
): Promise<{ found: true } | { found: false; files: FoundFile[]; nonUtf8Names: NonUtf8Name[] }> {
  const walk = await traverse(root, nfc, inScope)
  return walk.stopped
    ? { found: true }
    : { found: false, files: walk.files, nonUtf8Names: walk.nonUtf8Names }
}

/**
 * The walk itself (see walkSource), unsorted; it stops at the first file `stopAt` accepts.
 * `renamed`: [relPath, path on disk] of the files whose name was normalized.
 */
async function traverse(
  root: string,
  nfc: boolean,
  stopAt?: (relPath: FoundFile) => boolean
): Promise<Omit<WalkResult, 'onDisk'> & { renamed: [FoundFile, string][]; stopped: boolean }> {
  const rootReal = await checkSourceFolder(root)
  const files: FoundFile[] = []
  const skippedLinks: SkippedLink[] = []
  const nonUtf8Names: NonUtf8Name[] = []
  const inside = insideOf(rootReal)
  const renamed: [FoundFile, string][] = []
  const done = (stopped: boolean) => ({ files, renamed, skippedLinks, nonUtf8Names, stopped })

  // Depth-first with an explicit stack; `ancestors` are the real paths above, to stop link loops.
  // `disk` is `rel` as on disk: the same string unless a name above was normalized.
  type Folder = { abs: string; rel: string; disk: string; real: string }
  const stack: (Folder & { ancestors: ReadonlySet<string> })[] = [
    { abs: root, rel: '', disk: '', real: rootReal, ancestors: new Set([rootReal]) }
  ]
  while (stack.length > 0) {
    const dir = stack.pop()!
    const entries = await readFolder(dir.abs, dir.rel, nonUtf8Names)
    for (const entry of entries) {
      const abs = path.join(dir.abs, entry.name)
      const name = nfc && NOT_ASCII.test(entry.name) ? entry.name.normalize('NFC') : entry.name
      const rel = join(dir.rel, name)
      const disk = name === entry.name && dir.disk === dir.rel ? rel : join(dir.disk, entry.name)
      if (entry.isFile()) {
        files.push(rel)
        if (disk !== rel) renamed.push([rel, disk])
        if (stopAt?.(rel)) return done(true)
      } else if (entry.isDirectory()) {
        const real = path.join(dir.real, entry.name)
        stack.push({ abs, rel, disk, real, ancestors: new Set([...dir.ancestors, real]) })
      } else if (entry.isSymbolicLink()) {
        let real: string
        try {
          real = await realpath(abs)
        } catch {
          skippedLinks.push({ relPath: rel, kind: 'broken', reason: 'broken link' })
          continue
        }
        if (!inside(real)) {
          skippedLinks.push({
            relPath: rel,
            kind: 'outside',
            reason: `leads outside the source, to ${real}`
          })
          continue
        }
        // Through the link, not `real`: a real path with a name that is not UTF-8 reads lossily.
        const target = await stat(abs)
        if (target.isFile()) {
          files.push(rel)
          if (disk !== rel) renamed.push([rel, disk])
          if (stopAt?.(rel)) return done(true)
        } else if (target.isDirectory()) {
          if (dir.ancestors.has(real)) {
            skippedLinks.push({ relPath: rel, kind: 'loop', reason: 'link loop' })
          } else {
            stack.push({ abs, rel, disk, real, ancestors: new Set([...dir.ancestors, real]) })
          }
        }
      }
    }
  }
  return done(false)
}

/** The source's files in scope, as walked: what a scan hashes. */
export interface SourceListing {
  /** The files in scope (include/exclude), sorted by relPath. */
  files: FoundFile[]
  /** Where a name was normalized (NFC), the file's path on disk. */
  onDisk: Map<FoundFile, string>
  skippedLinks: SkippedLink[]
  /** Names that are not UTF-8, left out: the caller refuses them. */
  nonUtf8Names: NonUtf8Name[]
  /** Files left out by include/exclude. */
  excluded: number
}

/** The files of a walk that are in scope. */
export function listInScope(
  walk: WalkResult,
  inScope: (relPath: string) => boolean
): SourceListing {
  const files = walk.files.filter(relPath => inScope(relPath))
  return {
    files,
    onDisk: walk.onDisk,
    skippedLinks: walk.skippedLinks,
    nonUtf8Names: walk.nonUtf8Names,
    excluded: walk.files.length - files.length
  }
}

/**
 * Two files whose names differ only in normalization (`é` stored composed in one, decomposed in
 * the other) would be published at one key: neither is picked over the other, both are named.
 */
function refuseNameClashes(
  root: string,
  sorted: readonly FoundFile[],
  renamed: readonly [FoundFile, string][]
): void {
  const clashes: NameClash[] = []
  for (let i = 0; i < sorted.length;) {
    const relPath = sorted[i] as string
    let end = i + 1
    while (sorted[end] === relPath) end++
    if (end - i > 1) {
      const normalized = renamed.filter(([r]) => r === relPath).map(([, disk]) => disk)
      // The one not in `renamed` is stored as it is published.
      const onDisk = end - i > normalized.length ? [relPath, ...normalized] : normalized
      clashes.push({ relPath, onDisk })
    }
    i = end
  }
  if (clashes.length > 0) throw new InputError(describeNameClashes(root, clashes))
}

/** The source's real path, or an InputError when it is missing or not a folder. */
export async function checkSourceFolder(root: string): Promise<string> {
  let info
  try {
    info = await stat(root)
  } catch {
    throw new InputError(
      `Input 'source' must be an existing folder, got '${root}', which does not exist. Build the site first, or set 'source' to the build output (e.g. public, dist, _site).`
    )
  }
  if (!info.isDirectory()) {
    throw new InputError(`Input 'source' must be a folder, got '${root}', which is a file.`)
  }
  return realpath(root)
}

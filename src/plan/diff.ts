import { contentId } from './compress'
import type { KnownState, PlannedUpload, RemoteObject, SourceFile, SyncPlan } from './types'

export interface DiffOptions {
  delete: boolean
  /** The key prefix, to apply `inScope` to remote keys. */
  prefix?: string
  /** Whether a path (relative to the source) is covered by the sync; out of scope is never deleted. */
  inScope?: (relPath: string) => boolean
  /** Keys the sync never touches (the manifest). */
  reserved?: ReadonlySet<string>
}

const PLAIN_MD5 = /^[0-9a-f]{32}$/

/** HTML pages go last: they link to assets, not the other way round. */
export function isPage(key: string): boolean {
  return /\.html?$/i.test(key)
}

/**
 * What the listing alone tells: the content is the file's when the ETag is its MD5 (single-part
 * upload) or its multipart ETag, with the same size. Headers are unknown.
 */
export function knownFromListing(file: SourceFile, object: RemoteObject): KnownState {
  const same =
    object.size === file.size && (object.etag === file.md5 || object.etag === file.multipartEtag)
  return same ? { md5: file.md5 } : PLAIN_MD5.test(object.etag) ? { md5: object.etag } : {}
}

/**
 * Compares the source with the bucket by content, never by time: the MD5 an object's content is
 * known by against the file's contentId (compress.ts), which for a file compressed on upload
 * also tells its encoding. With `delete`, every object not in the build (and in scope) is to be
 * deleted; `keepRemoved` (retention.ts) then holds back removed assets for their grace period.
 * `known` holds what the manifest or a HEAD request told about existing objects; without it
 * only the listing counts, and headers are taken as up to date.
 */
export function planSync(
  files: readonly SourceFile[],
  remote: ReadonlyMap<string, RemoteObject>,
  options: DiffOptions,
  known: ReadonlyMap<string, KnownState> = new Map()
): SyncPlan {
  const uploads: PlannedUpload[] = []
  const updates: SourceFile[] = []
  const unchanged: SourceFile[] = []
  const local = new Set<string>()
  for (const file of files) {
    local.add(file.key)
    const object = remote.get(file.key)
    if (!object) {
      uploads.push({ file, reason: 'new' })
      continue
    }
    const state = known.get(file.key) ?? knownFromListing(file, object)
    // A file compressed on upload is stored at another size, and its content is told by its
    // contentId: the state object or the object's metadata records it.
    const sameSize = file.compress !== undefined || object.size === file.size
    if (state.md5 !== contentId(file) || !sameSize) uploads.push({ file, reason: 'changed' })
    else if (state.headers !== undefined && state.headers !== file.headersDigest) updates.push(file)
    else unchanged.push(file)
  }
  const prefix = options.prefix ?? ''
  const inScope = options.inScope ?? (() => true)
  const deletes = options.delete
    ? [...remote.keys()]
        .filter(
          key => !local.has(key) && !options.reserved?.has(key) && inScope(key.slice(prefix.length))
        )
        .sort()
    : []
  const byPagesLast = <T>(items: T[], key: (item: T) => string) => [
    ...items.filter(i => !isPage(key(i))),
    ...items.filter(i => isPage(key(i)))
  ]
  return {
    uploads: byPagesLast(uploads, u => u.file.key),
    updates: byPagesLast(updates, f => f.key),
    deletes,
    kept: [],
    expired: [],
    unchanged
  }
}

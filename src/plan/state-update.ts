import type { KnownState, RemoteObject, RemovedAsset, SourceFile } from './types'
import { keyDigest, type Manifest, type ManifestEntry } from './manifest'
import { contentId } from './compress'

/**
 * How the state object changes with a deploy, and what it vouches for: pure functions of the
 * state read, the listing and what was written. Its format is manifest.ts.
 */

/**
 * A removed asset the state object had no entry for (its first deploy over an existing bucket)
 * gets one to carry its clock: ETag and size from the listing, content and headers unknown.
 */
const UNKNOWN_MD5 = '0'.repeat(32)
const UNKNOWN_HEADERS = ''

/** Whether the listing still shows the ETag and size an entry recorded. */
function matchesListing(
  entry: ManifestEntry | undefined,
  object: RemoteObject
): entry is ManifestEntry {
  return !!entry && entry.etag === object.etag && entry.size === object.size
}

/**
 * What the state object says of an object, if the listing still matches its entry (and the
 * entry knows its content: a removed asset's clock alone vouches for nothing).
 */
export function knownFromManifest(
  entry: ManifestEntry | undefined,
  object: RemoteObject
): KnownState | undefined {
  if (!matchesListing(entry, object) || entry.headers === UNKNOWN_HEADERS) return undefined
  return { md5: entry.md5, headers: entry.headers }
}

/** The entry of a key (full key, prefix included), if any. */
export function entryFor(
  manifest: Manifest,
  prefix: string,
  key: string
): ManifestEntry | undefined {
  return manifest.entries.get(keyDigest(key.slice(prefix.length)))
}

/** An object this deploy wrote, with the ETag S3 gave it. */
export interface WrittenObject {
  file: SourceFile
  etag: string
  /** The bytes stored, when they were sent (compressed: not the file's size); none for a header update. */
  size?: number
  /** Release mode: an unchanged file copied into the new release, not a change to the site. */
  copied?: boolean
}

/**
 * The state after a deploy (or after the part of it that was done): an entry for every file now
 * in the bucket (with the ETag the write returned, or the listing's for unchanged files), an
 * entry with `removedAt` for every removed asset kept for a while, still-valid entries of objects
 * outside the sync's scope (with their clocks, if any), and the pending invalidations that
 * remain. A file in the build gets a fresh entry: a file that came back loses its clock. The lock
 * is not carried over: whoever writes it decides; the live release is.
 */
export function nextManifest(args: {
  previous: Manifest
  prefix: string
  remote: ReadonlyMap<string, RemoteObject>
  unchanged: readonly SourceFile[]
  written: readonly WrittenObject[]
  deleted: readonly string[]
  /** Removed assets kept, with when they left the build: their clocks are recorded. */
  kept: readonly RemovedAsset[]
  pending: Record<string, string[]>
}): Manifest {
  const digestOf = (key: string) => keyDigest(key.slice(args.prefix.length))
  const entries = new Map<string, ManifestEntry>()
  const deleted = new Set(args.deleted)
  for (const [key, object] of args.remote) {
    if (deleted.has(key)) continue
    const digest = digestOf(key)
    const entry = args.previous.entries.get(digest)
    if (matchesListing(entry, object)) entries.set(digest, entry)
  }
  for (const { key, removedAt } of args.kept) {
    const object = args.remote.get(key)
    if (!object || deleted.has(key)) continue
    const digest = digestOf(key)
    const entry = entries.get(digest) ?? {
      etag: object.etag,
      size: object.size,
      md5: UNKNOWN_MD5,
      headers: UNKNOWN_HEADERS
    }
    entries.set(digest, { ...entry, removedAt })
  }
  const record = (file: SourceFile, etag: string, size: number) =>
    entries.set(digestOf(file.key), {
      etag,
      size,
      md5: contentId(file),
      headers: file.headersDigest
    })
  for (const file of args.unchanged) {
    const object = args.remote.get(file.key) as RemoteObject
    record(file, object.etag, object.size)
  }
  // A header update keeps the object's bytes, and so the size listed.
  for (const { file, etag, size } of args.written)
    record(file, etag, size ?? args.remote.get(file.key)?.size ?? file.size)
  return {
    entries,
    pending: args.pending,
    ...(args.previous.release ? { release: args.previous.release } : {})
  }
}

/** The same state without the entries of `keys` (full keys): it vouches for none of them. */
export function withoutEntries(
  manifest: Manifest,
  prefix: string,
  keys: readonly string[]
): Manifest {
  if (keys.length === 0) return manifest
  const entries = new Map(manifest.entries)
  for (const key of keys) entries.delete(keyDigest(key.slice(prefix.length)))
  return { ...manifest, entries }
}

/** Earlier pending paths plus those of the invalidations now planned, recorded before the first write. */
export function pendingWith(
  pending: Readonly<Record<string, string[]>>,
  targets: readonly { distributionId: string; paths: string[] }[]
): Record<string, string[]> {
  const next = { ...pending }
  for (const t of targets) if (t.paths.length > 0) next[t.distributionId] = t.paths
  return next
}

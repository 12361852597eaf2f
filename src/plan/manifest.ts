import type { KnownState, RemoteObject, SourceFile } from './types'

/**
 * The state object the action keeps under the prefix: per key, the ETag and size it last saw,
 * the content MD5 and the header digest. An entry is trusted only while the listing still shows
 * that ETag and size. It also carries invalidation paths not yet sent, so a deploy that failed
 * after uploading still gets its URLs invalidated on the next run.
 */
export interface ManifestEntry {
  etag: string
  size: number
  md5: string
  headers: string
}

export interface Manifest {
  /** Keyed by path relative to the prefix. */
  entries: Map<string, ManifestEntry>
  /** Distribution ID → paths still to invalidate. */
  pending: Record<string, string[]>
}

export const MANIFEST_VERSION = 1

export function emptyManifest(): Manifest {
  return { entries: new Map(), pending: {} }
}

/**
 * Compact JSON: header digests are listed once and referenced by index; the MD5 is left out when
 * it equals the ETag. About 60 bytes per file before gzip.
 */
export function serializeManifest(manifest: Manifest): string {
  const digests: string[] = []
  const index = new Map<string, number>()
  const objects: Record<string, (string | number)[]> = {}
  for (const key of [...manifest.entries.keys()].sort()) {
    const e = manifest.entries.get(key) as ManifestEntry
    let i = index.get(e.headers)
    if (i === undefined) {
      i = digests.push(e.headers) - 1
      index.set(e.headers, i)
    }
    objects[key] = e.md5 === e.etag ? [e.etag, e.size, i] : [e.etag, e.size, i, e.md5]
  }
  const pending = Object.fromEntries(
    Object.entries(manifest.pending)
      .filter(([, paths]) => paths.length > 0)
      .sort(([a], [b]) => (a < b ? -1 : 1))
  )
  return JSON.stringify({
    version: MANIFEST_VERSION,
    generator: 's3-cloudfront-deploy',
    headers: digests,
    objects,
    pending
  })
}

/** Throws on anything that is not a manifest of this version. */
export function parseManifest(text: string): Manifest {
  const data = JSON.parse(text) as {
    version?: unknown
    headers?: unknown
    objects?: Record<string, unknown>
    pending?: Record<string, unknown>
  }
  if (
    data.version !== MANIFEST_VERSION ||
    !Array.isArray(data.headers) ||
    typeof data.objects !== 'object'
  ) {
    throw new Error(`not a version ${MANIFEST_VERSION} manifest`)
  }
  const digests = data.headers as string[]
  const entries = new Map<string, ManifestEntry>()
  for (const [key, value] of Object.entries(data.objects ?? {})) {
    const [etag, size, i, md5] = value as [string, number, number, string?]
    if (typeof etag !== 'string' || typeof size !== 'number' || typeof digests[i] !== 'string') {
      throw new Error(`bad entry for ${key}`)
    }
    entries.set(key, { etag, size, md5: md5 ?? etag, headers: digests[i] })
  }
  const pending: Record<string, string[]> = {}
  for (const [id, paths] of Object.entries(data.pending ?? {})) {
    if (Array.isArray(paths) && paths.every(p => typeof p === 'string')) pending[id] = paths
  }
  return { entries, pending }
}

/** What the manifest says of an object, if the listing still matches its entry. */
export function knownFromManifest(
  entry: ManifestEntry | undefined,
  object: RemoteObject
): KnownState | undefined {
  if (!entry || entry.etag !== object.etag || entry.size !== object.size) return undefined
  return { md5: entry.md5, headers: entry.headers }
}

/**
 * The manifest after a successful deploy: an entry for every file now in the bucket (with the
 * ETag the write returned, or the listing's for unchanged files), still-valid entries of objects
 * outside the sync's scope, and the pending invalidations that remain.
 */
export function nextManifest(args: {
  previous: Manifest
  prefix: string
  remote: ReadonlyMap<string, RemoteObject>
  unchanged: readonly SourceFile[]
  written: readonly { file: SourceFile; etag: string }[]
  deleted: readonly string[]
  pending: Record<string, string[]>
}): Manifest {
  const rel = (key: string) => key.slice(args.prefix.length)
  const entries = new Map<string, ManifestEntry>()
  const deleted = new Set(args.deleted)
  for (const [key, object] of args.remote) {
    const entry = args.previous.entries.get(rel(key))
    if (!deleted.has(key) && knownFromManifest(entry, object))
      entries.set(rel(key), entry as ManifestEntry)
  }
  for (const file of args.unchanged) {
    const object = args.remote.get(file.key) as RemoteObject
    entries.set(rel(file.key), {
      etag: object.etag,
      size: file.size,
      md5: file.md5,
      headers: file.headersDigest
    })
  }
  for (const { file, etag } of args.written) {
    entries.set(rel(file.key), {
      etag,
      size: file.size,
      md5: file.md5,
      headers: file.headersDigest
    })
  }
  return { entries, pending: args.pending }
}

import { createHash } from 'node:crypto'

/**
 * The state object the action keeps under the prefix. Per object: the ETag and size it last saw,
 * the content MD5 and the header digest; an entry is trusted only while the listing still shows
 * that ETag and size. It also carries invalidation paths not yet sent (so a deploy that failed
 * after uploading still gets its URLs invalidated on the next run) and the lock, when a deploy
 * holds it.
 *
 * It names no file: entries are keyed by a digest of the key (relative to the prefix), so a
 * visitor who fetches it learns nothing they could not learn by requesting URLs. Only pending
 * invalidation paths are in clear, and only while they are pending.
 */
export interface ManifestEntry {
  etag: string
  size: number
  md5: string
  headers: string
  /** Epoch seconds when the file left the build, for removed files kept for a while. */
  removedAt?: number
}

/** Who holds the lock, as recorded in the state object when it was taken. */
export interface LockRecord {
  /** Random, one per deploy: what the lease object must carry to prove it is this holder's. */
  token: string
  /** The CI run or job URL when known, else host and process. */
  holder: string
  /** ISO time it was taken. */
  since: string
  /** The length of its holder's lease (ms), by which others judge it; absent before 1.1. */
  leaseMs?: number
}

/**
 * Release mode: the releases that went live, newest first (the first is live, the second is what
 * `rollback: previous` restores). A release folder not here never went live.
 */
export interface ReleaseRecord {
  history: string[]
}

export interface Manifest {
  /**
   * Keyed by `keyDigest(key relative to the prefix)`; in release mode, relative to the live
   * release's folder: the same digest for a file in every release.
   */
  entries: Map<string, ManifestEntry>
  /** Distribution ID → paths still to invalidate. */
  pending: Record<string, string[]>
  lock?: LockRecord
  release?: ReleaseRecord
}

export const MANIFEST_VERSION = 2
const GENERATOR = 's3-cloudfront-deploy'
/** 96 bits of SHA-256: no collision in practice even at millions of files. */
const DIGEST_BYTES = 12
const MD5_BYTES = 16

/** The digest an entry is keyed by: base64url of the first 12 bytes of SHA-256(relative key). */
export function keyDigest(relKey: string): string {
  return createHash('sha256')
    .update(relKey)
    .digest()
    .subarray(0, DIGEST_BYTES)
    .toString('base64url')
}

export function emptyManifest(): Manifest {
  return { entries: new Map(), pending: {} }
}

/** A newer action wrote it: overwriting it could drop state (or a lock) we do not understand. */
export class NewerManifestError extends Error {
  constructor(readonly version: number) {
    super(
      `the state object was written by a newer version of the action (format ${version}, this one reads up to ${MANIFEST_VERSION}): use that version or newer`
    )
    this.name = 'NewerManifestError'
  }
}

/**
 * Compact JSON (about 53 bytes a file, 32 once gzipped: a million files stay cheap to move):
 * fixed-size binary columns in base64, sorted by key digest, so the same state always serializes
 * to the same text and an unchanged state is never written back.
 *   keys     12-byte key digests          md5   16-byte content MD5s
 *   sizes    float64 LE                   headerIndex  uint32 LE, into `headers`
 *   etags    { row: ETag } where the ETag is not the MD5 (multipart, SSE-KMS)
 *   removed  { row: epoch seconds } for removed files kept for a while
 */
export function serializeManifest(manifest: Manifest): string {
  const digests = [...manifest.entries.keys()].sort()
  const n = digests.length
  const keys = Buffer.alloc(n * DIGEST_BYTES)
  const md5 = Buffer.alloc(n * MD5_BYTES)
  const sizes = Buffer.alloc(n * 8)
  const headerIndex = Buffer.alloc(n * 4)
  const headers: string[] = []
  const headerRow = new Map<string, number>()
  const etags: Record<string, string> = {}
  const removed: Record<string, number> = {}
  digests.forEach((digest, row) => {
    const e = manifest.entries.get(digest) as ManifestEntry
    keys.write(digest, row * DIGEST_BYTES, DIGEST_BYTES, 'base64url')
    writeMd5(md5, row, e.md5)
    sizes.writeDoubleLE(e.size, row * 8)
    let h = headerRow.get(e.headers)
    if (h === undefined) headerRow.set(e.headers, (h = headers.push(e.headers) - 1))
    headerIndex.writeUInt32LE(h, row * 4)
    if (e.etag !== e.md5) etags[row] = e.etag
    if (e.removedAt !== undefined) removed[row] = e.removedAt
  })
  const pending = Object.fromEntries(
    Object.entries(manifest.pending)
      .filter(([, paths]) => paths.length > 0)
      .sort(([a], [b]) => (a < b ? -1 : 1))
  )
  return JSON.stringify({
    version: MANIFEST_VERSION,
    generator: GENERATOR,
    count: n,
    headers,
    keys: keys.toString('base64'),
    md5: md5.toString('base64'),
    sizes: sizes.toString('base64'),
    headerIndex: headerIndex.toString('base64'),
    etags,
    removed,
    pending,
    ...(manifest.release ? { release: manifest.release } : {}),
    ...(manifest.lock ? { lock: manifest.lock } : {})
  })
}

/** MD5s are hex; anything else (an S3-compatible store's own ETag) is kept as an ETag only. */
function writeMd5(target: Buffer, row: number, md5: string): void {
  // Hex decoding stops at the first character that is not hex: fewer bytes means not an MD5.
  if (md5.length !== 32 || target.write(md5, row * MD5_BYTES, MD5_BYTES, 'hex') !== MD5_BYTES) {
    throw new Error(`not an MD5: ${md5}`)
  }
}

/**
 * Reads format 2, and format 1 (keys in clear; upgraded on the next write, with no HEAD per
 * object). Throws NewerManifestError for a later format, and an Error on anything malformed.
 */
export function parseManifest(text: string): Manifest {
  const data = JSON.parse(text) as Record<string, unknown>
  if (typeof data.version === 'number' && data.version > MANIFEST_VERSION) {
    throw new NewerManifestError(data.version)
  }
  if (data.version === 1) return parseVersion1(data)
  if (data.version !== MANIFEST_VERSION) throw new Error('not a state object of this action')
  const n = data.count
  const headers = data.headers
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || !isStringArray(headers)) {
    throw new Error('malformed header')
  }
  const column = (name: string, width: number) => {
    const value = data[name]
    const bytes = typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.alloc(0)
    if (bytes.length !== n * width) throw new Error(`malformed column ${name}`)
    return bytes
  }
  const keys = column('keys', DIGEST_BYTES)
  const md5 = column('md5', MD5_BYTES)
  const sizes = column('sizes', 8)
  const headerIndex = column('headerIndex', 4)
  const etags = (data.etags ?? {}) as Record<string, unknown>
  const removed = (data.removed ?? {}) as Record<string, unknown>
  const entries = new Map<string, ManifestEntry>()
  for (let row = 0; row < n; row++) {
    const digest = keys.toString('base64url', row * DIGEST_BYTES, (row + 1) * DIGEST_BYTES)
    const hash = md5.toString('hex', row * MD5_BYTES, (row + 1) * MD5_BYTES)
    const h = headers[headerIndex.readUInt32LE(row * 4)]
    const etag = etags[row]
    const removedAt = removed[row]
    if (h === undefined || (etag !== undefined && typeof etag !== 'string')) {
      throw new Error(`malformed entry ${row}`)
    }
    const entry: ManifestEntry = {
      etag: etag ?? hash,
      size: sizes.readDoubleLE(row * 8),
      md5: hash,
      headers: h
    }
    if (typeof removedAt === 'number') entry.removedAt = removedAt
    entries.set(digest, entry)
  }
  const manifest: Manifest = { entries, pending: parsePending(data.pending) }
  const release = parseRelease(data.release)
  if (release) manifest.release = release
  const lock = parseLock(data.lock)
  if (lock) manifest.lock = lock
  return manifest
}

function parseRelease(value: unknown): ReleaseRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { history } = value as Record<string, unknown>
  return isStringArray(history) ? { history } : undefined
}

function parseVersion1(data: Record<string, unknown>): Manifest {
  const digests = data.headers
  const objects = data.objects
  if (!isStringArray(digests) || typeof objects !== 'object' || objects === null) {
    throw new Error('malformed format 1 state object')
  }
  const entries = new Map<string, ManifestEntry>()
  for (const [key, value] of Object.entries(objects)) {
    const [etag, size, i, md5] = value as [string, number, number, string?]
    const headers = digests[i]
    if (typeof etag !== 'string' || typeof size !== 'number' || headers === undefined) {
      throw new Error(`bad entry for ${key}`)
    }
    const hash = md5 ?? etag
    // An entry whose content MD5 is unknown cannot be kept: the next deploy HEADs that object.
    if (!/^[0-9a-f]{32}$/.test(hash)) continue
    entries.set(keyDigest(key), { etag, size, md5: hash, headers })
  }
  return { entries, pending: parsePending(data.pending) }
}

function parsePending(value: unknown): Record<string, string[]> {
  const pending: Record<string, string[]> = {}
  for (const [id, paths] of Object.entries((value ?? {}) as Record<string, unknown>)) {
    if (isStringArray(paths)) pending[id] = paths
  }
  return pending
}

function parseLock(value: unknown): LockRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { token, holder, since, leaseMs } = value as Record<string, unknown>
  if (typeof token !== 'string' || typeof holder !== 'string' || typeof since !== 'string')
    return undefined
  return { token, holder, since, ...(typeof leaseMs === 'number' ? { leaseMs } : {}) }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(v => typeof v === 'string')
}

import { absolutePath, type SkippedLink, type SourceListing } from './walk'
import { hashFile, hashSmallFileSync, type FileDigest } from './hash'
import { FileContents } from './contents'
import { forEachLimit } from '../util/pool'
import { keyFor } from '../plan/keys'
import { headersDigest, headersFor, type HeaderRules } from '../plan/headers'
import {
  emptyNotes,
  noteStorage,
  pairSiblings,
  storageFor,
  type CompressionConfig,
  type CompressionNotes,
  type Encoding,
  type Published
} from '../plan/compress'
import type { ObjectHeaders, ObjectSettings, SourceFile } from '../plan/types'

export interface ScanOptions {
  prefix: string
  rules: HeaderRules
  settings: ObjectSettings
  /** Bytes of small files to keep for their upload (0: none, as in a dry run). */
  keepContents?: number
  /** `compress` rules and `precompressed`; none by default. */
  compression?: CompressionConfig
}

export interface ScanResult {
  files: SourceFile[]
  skippedLinks: SkippedLink[]
  /** Files left out by include/exclude. */
  excluded: number
  bytes: number
  /** What was kept of small files for their upload. */
  contents: FileContents
  compression: CompressionNotes
}

/** Large files read at once while hashing: enough to keep the disk busy. */
const HASH_CONCURRENCY = 16
/** Read size while hashing: most site files fit in one read; big ones stream through it. */
const HASH_BUFFER = 512 * 1024
/** The longest the event loop waits on synchronous reads before the listing gets its turn. */
const YIELD_EVERY_MS = 10

/** A SourceFile whose absolute path is derived when needed: 100,000 of them stay small. */
class ScannedFile implements SourceFile {
  readonly size: number
  readonly md5: string
  readonly multipartEtag?: string
  readonly partMd5s?: string[]
  readonly compress?: Encoding
  constructor(
    protected readonly root: string,
    readonly key: string,
    readonly relPath: string,
    digest: FileDigest,
    readonly headers: ObjectHeaders,
    readonly headersDigest: string,
    compress?: Encoding
  ) {
    this.size = digest.size
    this.md5 = digest.md5
    if (digest.multipartEtag) this.multipartEtag = digest.multipartEtag
    if (digest.partMd5s) this.partMd5s = digest.partMd5s
    if (compress) this.compress = compress
  }

  get absPath(): string {
    return absolutePath(this.root, this.relPath)
  }
}

/**
 * A file whose bytes are read elsewhere than at its relPath: its name on disk is not NFC
 * (macOS), or it is stored from a precompressed sibling.
 */
class RenamedFile extends ScannedFile {
  constructor(
    private readonly onDisk: string,
    ...args: ConstructorParameters<typeof ScannedFile>
  ) {
    super(...args)
  }

  override get absPath(): string {
    return absolutePath(this.root, this.onDisk)
  }
}

/**
 * Hashes every file of the listing, mapping each to its key and headers. With `precompressed`,
 * a file with a sibling (`x.gz`, `x.br`) is hashed and stored from it, and the siblings are not
 * published; the original's own bytes are never read.
 */
export async function scanSource(
  source: string,
  listing: SourceListing,
  options: ScanOptions
): Promise<ScanResult> {
  const { files: inScope, onDisk, skippedLinks } = listing
  // Empty except on macOS, where a name on disk may not be NFC.
  const diskPath = (relPath: string) =>
    onDisk.size === 0 ? relPath : (onDisk.get(relPath) ?? relPath)
  const compression = options.compression ?? { rules: [], precompressed: false }
  const { published, siblings } = compression.precompressed
    ? pairSiblings(inScope)
    : {
        published: inScope.map((relPath): Published => ({ relPath, readFrom: relPath })),
        siblings: 0
      }
  const notes = emptyNotes(siblings)
  const free = Array.from({ length: HASH_CONCURRENCY }, () => Buffer.allocUnsafe(HASH_BUFFER))
  let bytes = 0
  // Few distinct header sets exist (one per rule and type): share them, so 100,000 files do
  // not carry 100,000 copies.
  const shared = new Map<string, { headers: ObjectHeaders; digest: string }>()
  const headersOf = (relPath: string, contentEncoding: Encoding | undefined) => {
    const headers = headersFor(relPath, options.rules, options.settings, contentEncoding)
    const id = JSON.stringify(headers)
    let entry = shared.get(id)
    if (!entry) shared.set(id, (entry = { headers, digest: headersDigest(headers) }))
    return entry
  }
  const contents = new FileContents(options.keepContents ?? 0)
  const fileOf = (index: number, digest: FileDigest) => {
    const { relPath, readFrom, contentEncoding: sibling } = published[index] as Published
    bytes += digest.size
    const storage = storageFor(relPath, digest.size, compression.rules, sibling)
    const { headers, digest: headersDigest } = headersOf(relPath, storage.contentEncoding)
    noteStorage(notes, relPath, headers.contentType, storage)
    const key = keyFor(options.prefix, relPath)
    const disk = diskPath(readFrom)
    const args = [source, key, relPath, digest, headers, headersDigest, storage.compress] as const
    return disk === relPath ? new ScannedFile(...args) : new RenamedFile(disk, ...args)
  }
  // Small files (most of a site) synchronously, yielding every few milliseconds so the bucket's
  // listing, running meanwhile, is not held up; larger ones streamed, several at once.
  const files = new Array<SourceFile>(published.length)
  const large: number[] = []
  const buffer = free[0] as (typeof free)[number]
  let yielded = performance.now()
  for (let i = 0; i < published.length; i++) {
    const readFrom = (published[i] as Published).readFrom
    const digest = hashSmallFileSync(absolutePath(source, diskPath(readFrom)), buffer)
    if (!digest) {
      large.push(i)
      continue
    }
    const file = (files[i] = fileOf(i, digest))
    contents.offer(file.key, buffer.subarray(0, digest.size))
    if (performance.now() - yielded > YIELD_EVERY_MS) {
      await new Promise(resolve => setImmediate(resolve))
      yielded = performance.now()
    }
  }
  await forEachLimit(large, HASH_CONCURRENCY, async i => {
    const buffer = free.pop() as (typeof free)[number]
    try {
      const { relPath, readFrom } = published[i] as Published
      const key = keyFor(options.prefix, relPath)
      const digest = await hashFile(absolutePath(source, diskPath(readFrom)), buffer, content =>
        contents.offer(key, content)
      )
      files[i] = fileOf(i, digest)
    } finally {
      free.push(buffer)
    }
  })
  return {
    files,
    skippedLinks,
    excluded: listing.excluded,
    bytes,
    contents,
    compression: notes
  }
}

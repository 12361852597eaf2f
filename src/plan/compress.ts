import { createHash } from 'node:crypto'
import { MULTIPART_THRESHOLD } from './multipart'
import type { Rule } from './rules'

/**
 * What `compress` and `precompressed` decide for a file: whether it is stored encoded, and how.
 * Pure: the bytes are compressed in src/local/compress.ts, only for files that are uploaded.
 */

/** The Content-Encoding values a stored object can have: the ones every browser decodes. */
export const ENCODINGS = ['gzip', 'br'] as const
export type Encoding = (typeof ENCODINGS)[number]

/** The inputs `compress` (rules) and `precompressed`. */
export interface CompressionConfig {
  rules: readonly Rule[]
  precompressed: boolean
}

/** A `compress` rule's value that stores matching files as they are (RFC 9110's name for it). */
export const IDENTITY = 'identity'

/** For parseRules: `gzip`, `br`, or `identity` (a later, broader rule does not apply). */
export function checkEncoding(value: string): string | undefined {
  return [...ENCODINGS, IDENTITY].includes(value)
    ? undefined
    : `the encoding must be gzip or br (or identity, to store matching files as they are)`
}

/**
 * Files above this size are stored as they are, whatever the rules: a file is compressed in
 * memory and sent in one PutObject with the Content-MD5 of the compressed bytes, as only files
 * up to the multipart threshold are. (CloudFront itself compresses only files of 1 KB to 10 MB.)
 */
export const MAX_COMPRESSED_SIZE = MULTIPART_THRESHOLD

/** How a file is stored. */
export interface Storage {
  /** The object's Content-Encoding; undefined: stored as it is. */
  contentEncoding?: Encoding
  /** Compressed on upload with this encoding (a `compress` rule); undefined for a sibling's bytes. */
  compress?: Encoding
  /** The encoding of the sibling whose bytes are stored (`precompressed`). */
  sibling?: Encoding
  /** The `compress` rule that matched, if any (for the warnings). */
  rule?: Rule
  /** A rule asked for compression, but the file is above MAX_COMPRESSED_SIZE. */
  tooLarge?: boolean
}

/**
 * How a file of `size` bytes is stored: with the encoding of its precompressed sibling when it
 * has one (the build's own bytes, compressed once), else as the first matching `compress` rule
 * says, up to MAX_COMPRESSED_SIZE.
 */
export function storageFor(
  relPath: string,
  size: number,
  rules: readonly Rule[],
  precompressed?: Encoding
): Storage {
  if (precompressed) return { contentEncoding: precompressed, sibling: precompressed }
  const rule = rules.find(r => r.matches(relPath))
  if (!rule || rule.value === IDENTITY) return rule ? { rule } : {}
  if (size > MAX_COMPRESSED_SIZE) return { rule, tooLarge: true }
  const encoding = rule.value as Encoding
  return { contentEncoding: encoding, compress: encoding, rule }
}

/**
 * What the state object and the `x-amz-meta-md5` metadata record for an object's content: the
 * MD5 of the bytes stored, for a file stored as it is (or a precompressed sibling, whose bytes
 * are stored as they are); for a file compressed on upload, the MD5 of its encoding and its own
 * MD5. So an object is compared with its file without compressing anything, a compressor that
 * gives other bytes (another zlib, another OS) uploads nothing again, and a change of encoding
 * (a rule added, removed or changed) uploads the file again, rather than copying bytes in the
 * old encoding under a new header. An older release of the action, which knows no encodings,
 * finds that value unlike the file's MD5 and uploads the file as it is.
 */
export function contentId(file: { md5: string; compress?: Encoding }): string {
  return file.compress === undefined
    ? file.md5
    : createHash('md5').update(`${file.compress}:${file.md5}`).digest('hex')
}

/**
 * Content types whose bytes are already compressed: gzip or br finds next to nothing to save in
 * them, and costs CPU on each upload and in every viewer's browser. SVG, BMP, ICO, WAV, TTF and
 * OTF are not compressed, and are not listed.
 */
const COMPRESSED_TYPES =
  /^(image\/(png|jpeg|gif|webp|avif|heic|heif|jxl|apng)|font\/woff2?|video\/|audio\/(?!wav|wave|x-wav)|application\/(zip|gzip|x-gzip|x-bzip2|x-xz|x-7z-compressed|vnd\.rar|x-rar-compressed|zstd|java-archive|epub\+zip|x-apple-diskimage|vnd\.android\.package-archive|font-woff))\b/

export function isCompressedType(contentType: string): boolean {
  return COMPRESSED_TYPES.test(contentType.toLowerCase())
}

/**
 * `precompressed: true`: of the files in scope, `x.gz` and `x.br` beside a file `x` are its
 * siblings; they are not published, and `x` is stored with a sibling's bytes and encoding,
 * gzip's when both exist. S3 serves one object per key to every client, whatever it accepts:
 * every browser and HTTP client that decodes anything decodes gzip, while browsers accept br
 * only over HTTPS. So gzip is the one that is safe for every viewer.
 */
export interface Published {
  /** The path the object is published at (its key, rules and type follow it). */
  relPath: string
  /** The file whose bytes are stored: relPath itself, or its sibling. */
  readFrom: string
  contentEncoding?: Encoding
}

const SIBLING_EXTENSIONS: readonly [string, Encoding][] = [
  ['.gz', 'gzip'],
  ['.br', 'br']
]

/** The files to publish, and how many siblings were taken in by their originals. */
export function pairSiblings(relPaths: readonly string[]): {
  published: Published[]
  siblings: number
} {
  const all = new Set(relPaths)
  const isSibling = (p: string) =>
    SIBLING_EXTENSIONS.some(([ext]) => p.endsWith(ext) && all.has(p.slice(0, -ext.length)))
  const published: Published[] = []
  let siblings = 0
  for (const relPath of relPaths) {
    if (isSibling(relPath)) {
      siblings++
      continue
    }
    const found = SIBLING_EXTENSIONS.find(([ext]) => all.has(relPath + ext))
    published.push(
      found
        ? { relPath, readFrom: relPath + found[0], contentEncoding: found[1] }
        : { relPath, readFrom: relPath }
    )
  }
  return { published, siblings }
}

/** What the compression settings did to this source, for the log. */
export interface CompressionNotes {
  /** Files stored from a sibling, by encoding. */
  precompressed: Record<Encoding, number>
  /** Siblings taken in by their originals (not published themselves). */
  siblings: number
  /** Files a rule compresses on upload (if they are uploaded). */
  compressed: number
  /** Files a rule matched that are above the size compressed, stored as they are. */
  tooLarge: string[]
  /** Per rule that matched files of already-compressed types: the rule, how many, which types. */
  compressedTypes: Map<Rule, { files: number; types: Set<string> }>
}

export function emptyNotes(siblings = 0): CompressionNotes {
  return {
    precompressed: { gzip: 0, br: 0 },
    siblings,
    compressed: 0,
    tooLarge: [],
    compressedTypes: new Map()
  }
}

/** Counts how a file is stored, and what a warning should name. */
export function noteStorage(
  notes: CompressionNotes,
  relPath: string,
  contentType: string,
  storage: Storage
): void {
  if (storage.sibling) notes.precompressed[storage.sibling]++
  if (storage.compress) notes.compressed++
  if (storage.tooLarge) notes.tooLarge.push(relPath)
  const { rule } = storage
  if (rule && rule.value !== IDENTITY && isCompressedType(contentType)) {
    let seen = notes.compressedTypes.get(rule)
    if (!seen) notes.compressedTypes.set(rule, (seen = { files: 0, types: new Set() }))
    seen.files++
    seen.types.add(contentType)
  }
}

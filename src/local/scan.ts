import { walkSource, type SkippedLink } from './walk'
import { hashFile } from './hash'
import { mapLimit } from '../util/pool'
import { keyFor } from '../plan/keys'
import { headersDigest, headersFor, type HeaderRules } from '../plan/headers'
import type { ObjectSettings, SourceFile } from '../plan/types'

export interface ScanOptions {
  prefix: string
  /** Files out of scope (include/exclude) are not hashed or published. */
  inScope: (relPath: string) => boolean
  rules: HeaderRules
  settings: ObjectSettings
}

export interface ScanResult {
  files: SourceFile[]
  skippedLinks: SkippedLink[]
  /** Files left out by include/exclude. */
  excluded: number
  bytes: number
}

/** Files read at once while hashing: enough to keep the disk busy, 1 MiB of buffer each. */
const HASH_CONCURRENCY = 16

/** Walks the source and hashes every file in scope, mapping each to its key and headers. */
export async function scanSource(source: string, options: ScanOptions): Promise<ScanResult> {
  const { files: found, skippedLinks } = await walkSource(source)
  const inScope = found.filter(f => options.inScope(f.relPath))
  const free = Array.from({ length: HASH_CONCURRENCY }, () => Buffer.allocUnsafe(1024 * 1024))
  let bytes = 0
  const files = await mapLimit(inScope, HASH_CONCURRENCY, async f => {
    const buffer = free.pop() as (typeof free)[number]
    try {
      const digest = await hashFile(f.absPath, buffer)
      bytes += digest.size
      const headers = headersFor(f.relPath, options.rules, options.settings)
      return {
        key: keyFor(options.prefix, f.relPath),
        relPath: f.relPath,
        absPath: f.absPath,
        ...digest,
        headers,
        headersDigest: headersDigest(headers)
      }
    } finally {
      free.push(buffer)
    }
  })
  return { files, skippedLinks, excluded: found.length - inScope.length, bytes }
}

import { walkSource, type SkippedLink } from './walk'
import { hashFile } from './hash'
import { mapLimit } from '../util/pool'
import { keyFor } from '../plan/keys'
import { contentTypeFor } from '../plan/content-type'
import type { SourceFile } from '../plan/types'

export interface ScanResult {
  files: SourceFile[]
  skippedLinks: SkippedLink[]
  bytes: number
}

/** Files read at once while hashing: enough to keep the disk busy, 1 MiB of buffer each. */
const HASH_CONCURRENCY = 16

/** Walks the source and hashes every file by content, mapping each to its key and type. */
export async function scanSource(source: string, prefix: string): Promise<ScanResult> {
  const { files: found, skippedLinks } = await walkSource(source)
  const buffers = Array.from({ length: HASH_CONCURRENCY }, () => Buffer.allocUnsafe(1024 * 1024))
  const free = [...buffers]
  let bytes = 0
  const files = await mapLimit(found, HASH_CONCURRENCY, async f => {
    const buffer = free.pop()!
    try {
      const { md5, size } = await hashFile(f.absPath, buffer)
      bytes += size
      return {
        key: keyFor(prefix, f.relPath),
        relPath: f.relPath,
        absPath: f.absPath,
        size,
        md5,
        contentType: contentTypeFor(f.relPath)
      }
    } finally {
      free.push(buffer)
    }
  })
  return { files, skippedLinks, bytes }
}

import { createHash, type Hash } from 'node:crypto'
import { closeSync, openSync, readSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { MULTIPART_THRESHOLD, PART_SIZE, multipartEtag } from '../plan/multipart'

export interface FileDigest {
  /** Hex MD5 of the content: what S3 reports as the ETag of a single-part upload. */
  md5: string
  size: number
  /** For files above the multipart threshold: the ETag their multipart upload will get. */
  multipartEtag?: string
  /** And each part's MD5 (base64): the Content-MD5 of its upload, so S3 checks every part. */
  partMd5s?: string[]
}

const CHUNK = 1024 * 1024

/**
 * MD5 of a file read in chunks (at most 1 MiB), so a 2 GB video costs one buffer of memory.
 * Past the first part size, the parts' MD5s are kept too, to predict (and later verify) the ETag
 * of a multipart upload; small files pay nothing for it, not even a stat. The size is what was
 * actually read.
 */
export async function hashFile(
  absPath: string,
  buffer: Buffer<ArrayBufferLike> = Buffer.allocUnsafe(CHUNK),
  /** Given the whole content of a file that fitted in one read (a view of `buffer`). */
  onWhole?: (content: Buffer) => void
): Promise<FileDigest> {
  const hash = createHash('md5')
  const parts: Buffer[] = []
  // The current part's MD5, from the second part on; the first part's is the running hash.
  let part: Hash | undefined
  let inPart = 0
  let size = 0
  let reads = 0
  const handle = await open(absPath, 'r')
  try {
    for (;;) {
      const wanted = Math.min(buffer.length, CHUNK)
      const { bytesRead } = await handle.read(buffer, 0, wanted, null)
      if (bytesRead === 0) break
      reads++
      size += bytesRead
      let chunk = buffer.subarray(0, bytesRead)
      while (chunk.length > 0) {
        const piece = chunk.subarray(0, Math.min(chunk.length, PART_SIZE - inPart))
        hash.update(piece)
        part?.update(piece)
        inPart += piece.length
        chunk = chunk.subarray(piece.length)
        if (inPart === PART_SIZE) {
          parts.push(part ? part.digest() : hash.copy().digest())
          part = createHash('md5')
          inPart = 0
        }
      }
      // A regular file reads short only at its end: no extra read to learn that.
      if (bytesRead < wanted) break
    }
  } finally {
    await handle.close()
  }
  if (reads <= 1) onWhole?.(buffer.subarray(0, size))
  const md5 = hash.digest('hex')
  if (size <= MULTIPART_THRESHOLD) return { md5, size }
  if (inPart > 0) parts.push((part as Hash).digest())
  return {
    md5,
    size,
    multipartEtag: multipartEtag(parts),
    partMd5s: parts.map(p => p.toString('base64'))
  }
}

/**
 * The digest of a file that fits in `buffer`, read synchronously: one open, one read, one close,
 * with no trip through the thread pool. For a site's many small files this is several times
 * cheaper than the asynchronous reads (100,000 files: 0.7 s of CPU instead of 3.4 s). Undefined
 * when the file is larger: hashFile streams those. The content stays in `buffer`.
 */
export function hashSmallFileSync(
  absPath: string,
  buffer: Buffer<ArrayBufferLike>
): FileDigest | undefined {
  const fd = openSync(absPath, 'r')
  let size: number
  try {
    size = readSync(fd, buffer, 0, buffer.length, null)
  } finally {
    closeSync(fd)
  }
  // A regular file reads short only at its end; a full buffer may have more to come.
  if (size === buffer.length) return undefined
  return { md5: createHash('md5').update(buffer.subarray(0, size)).digest('hex'), size }
}

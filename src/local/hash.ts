import { createHash, type Hash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { MULTIPART_THRESHOLD, PART_SIZE, multipartEtag } from '../plan/multipart'

export interface FileDigest {
  /** Hex MD5 of the content: what S3 reports as the ETag of a single-part upload. */
  md5: string
  size: number
  /** For files above the multipart threshold: the ETag their multipart upload will get. */
  multipartEtag?: string
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
  buffer: Buffer<ArrayBufferLike> = Buffer.allocUnsafe(CHUNK)
): Promise<FileDigest> {
  const hash = createHash('md5')
  const parts: Buffer[] = []
  // The current part's MD5, from the second part on; the first part's is the running hash.
  let part: Hash | undefined
  let inPart = 0
  let size = 0
  const handle = await open(absPath, 'r')
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, CHUNK), null)
      if (bytesRead === 0) break
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
    }
  } finally {
    await handle.close()
  }
  const md5 = hash.digest('hex')
  if (size <= MULTIPART_THRESHOLD) return { md5, size }
  if (inPart > 0) parts.push((part as Hash).digest())
  return { md5, size, multipartEtag: multipartEtag(parts) }
}

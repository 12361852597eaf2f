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
 * MD5 of a file read in 1 MiB chunks, so a 2 GB video costs 1 MiB of memory. Files above the
 * multipart threshold also get their parts' MD5s, to predict (and later verify) the ETag of
 * their multipart upload. The size is what was actually read.
 */
export async function hashFile(
  absPath: string,
  buffer: Buffer<ArrayBufferLike> = Buffer.allocUnsafe(CHUNK)
): Promise<FileDigest> {
  const hash = createHash('md5')
  const handle = await open(absPath, 'r')
  let size = 0
  try {
    const parts: Buffer[] | undefined =
      (await handle.stat()).size > MULTIPART_THRESHOLD ? [] : undefined
    let part: Hash | undefined
    let inPart = 0
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, CHUNK), null)
      if (bytesRead === 0) break
      let chunk = buffer.subarray(0, bytesRead)
      hash.update(chunk)
      size += bytesRead
      // Part boundaries can fall inside a chunk when the buffer is not a divisor of PART_SIZE.
      while (parts && chunk.length > 0) {
        part ??= createHash('md5')
        const take = Math.min(chunk.length, PART_SIZE - inPart)
        part.update(chunk.subarray(0, take))
        inPart += take
        chunk = chunk.subarray(take)
        if (inPart === PART_SIZE) {
          parts.push(part.digest())
          part = undefined
          inPart = 0
        }
      }
    }
    if (parts && part) parts.push(part.digest())
    const md5 = hash.digest('hex')
    return parts && size > MULTIPART_THRESHOLD
      ? { md5, size, multipartEtag: multipartEtag(parts) }
      : { md5, size }
  } finally {
    await handle.close()
  }
}

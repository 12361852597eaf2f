import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'

export interface FileDigest {
  /** Hex MD5 of the content: what S3 reports as the ETag of a single-part upload. */
  md5: string
  size: number
}

const CHUNK = 1024 * 1024

/**
 * MD5 of a file read in 1 MiB chunks, so a 2 GB video costs 1 MiB of memory. The size is what
 * was actually read, so a file that changes while we scan is at least self-consistent.
 */
export async function hashFile(
  absPath: string,
  buffer: Buffer = Buffer.allocUnsafe(CHUNK)
): Promise<FileDigest> {
  const hash = createHash('md5')
  const handle = await open(absPath, 'r')
  let size = 0
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null)
      if (bytesRead === 0) break
      hash.update(buffer.subarray(0, bytesRead))
      size += bytesRead
    }
  } finally {
    await handle.close()
  }
  return { md5: hash.digest('hex'), size }
}

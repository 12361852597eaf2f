import { open } from 'node:fs/promises'

/**
 * The bytes of small files, kept from hashing until they are uploaded, so a first deploy reads
 * each file once, and the upload sends exactly the bytes that were hashed. Bounded: files past
 * the budget are read again when they are uploaded. A dry run uploads nothing and keeps none.
 */
export class FileContents {
  private readonly byKey = new Map<string, Buffer>()
  private bytes = 0

  constructor(private readonly budget: number) {}

  /** Keeps a copy of `content` (a view of a reused buffer) while the budget allows. */
  offer(key: string, content: Buffer): void {
    if (this.bytes + content.length > this.budget) return
    this.byKey.set(key, Buffer.from(content))
    this.bytes += content.length
  }

  /** The bytes of `key`, handed over once. */
  take(key: string): Buffer | undefined {
    const content = this.byKey.get(key)
    if (content) {
      this.byKey.delete(key)
      this.bytes -= content.length
    }
    return content
  }

  /** Drops everything but what will be uploaded. */
  keepOnly(keys: Iterable<string>): void {
    const keep = new Set(keys)
    for (const [key, content] of this.byKey) {
      if (keep.has(key)) continue
      this.byKey.delete(key)
      this.bytes -= content.length
    }
  }

  get size(): number {
    return this.bytes
  }
}

/**
 * A file whose size is known (it was hashed): one open and one read, without the stat that
 * readFile makes. A file that shrank since is an error; one that changed otherwise is caught by
 * S3, which checks the bytes against the Content-MD5 of what was hashed.
 */
export async function readHashedFile(absPath: string, size: number): Promise<Buffer> {
  const content = Buffer.allocUnsafe(size)
  const handle = await open(absPath, 'r')
  try {
    let read = 0
    while (read < size) {
      const { bytesRead } = await handle.read(content, read, size - read, read)
      if (bytesRead === 0) {
        throw new Error(`${absPath} changed while deploying: it is now ${read} bytes, not ${size}`)
      }
      read += bytesRead
    }
  } finally {
    await handle.close()
  }
  return content
}

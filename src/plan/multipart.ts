import { createHash } from 'node:crypto'

/** Files above this size are uploaded in parts, streamed from disk. */
export const MULTIPART_THRESHOLD = 16 * 1024 * 1024
/** Part size of those uploads; also what the hasher uses to predict their ETag. */
export const PART_SIZE = 8 * 1024 * 1024

/** S3's ETag for a multipart upload: MD5 of the parts' binary MD5s, then `-<parts>`. */
export function multipartEtag(partMd5s: readonly Buffer[]): string {
  return `${createHash('md5').update(Buffer.concat(partMd5s)).digest('hex')}-${partMd5s.length}`
}

import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3'

const BATCH = 1000 // DeleteObjects' limit per request

/** Deletes keys in batches of 1,000; any per-key error fails the call, naming the key. */
export async function deleteInBatches(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
  onBatch: (done: number) => void = () => undefined,
  beforeBatch: () => void = () => undefined,
  signal?: AbortSignal
): Promise<void> {
  for (let i = 0; i < keys.length; i += BATCH) {
    const batch = keys.slice(i, i + BATCH)
    beforeBatch()
    const result = await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: batch.map(Key => ({ Key })), Quiet: true }
      }),
      { abortSignal: signal }
    )
    const failed = result.Errors ?? []
    if (failed.length > 0) {
      const first = failed[0]!
      const error = new Error(
        `Failed to delete ${failed.length} object(s), e.g. '${first.Key}': ${first.Code ?? 'Error'}: ${first.Message ?? ''}`.trim()
      )
      error.name = first.Code ?? 'DeleteError'
      throw error
    }
    onBatch(i + batch.length)
  }
}

import { randomUUID } from 'node:crypto'
import {
  DeleteObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client
} from '@aws-sdk/client-s3'
import { retryFor } from '../aws/retry'

/**
 * Conditional writes of the action's own objects (the state object, the lease), sent, retried and
 * backed off here and nowhere else, the same way on AWS and on S3-compatible stores:
 *
 * - **Form.** If-Match carries the ETag as S3 gives it, quoted. Ceph RGW matches only the unquoted
 *   form and refuses the quoted one with 412: a 412 whose object still has the expected ETag
 *   means exactly that, and from then on this client sends the unquoted form (learnt once per
 *   deploy, for one HEAD and one retry).
 * - **Our own success.** Every write carries a token of its own in its metadata. When the SDK
 *   retries a write that landed but whose answer was lost (a 5xx after the commit), the retry is
 *   refused (412); a HEAD that shows our token turns that refusal back into the success it is.
 * - **Conflicts.** S3 answers 409 ConditionalRequestConflict when another conditional write to the
 *   same key overlaps, and documents retrying it: retried here with backoff and full jitter,
 *   for a few seconds.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 */

/** Write only if the object still has this ETag, or only if there is none yet. */
export type Condition = { ifMatch: string } | { ifNoneMatch: true }

/** The object's metadata key for the write token. */
export const WRITE_TOKEN_METADATA = 'write'

/** Clients (one per deploy) that learnt their store matches only an unquoted If-Match. */
const unquotedStores = new WeakSet<S3Client>()

/** A refused condition: another write got there first. */
export class ConditionFailedError extends Error {
  constructor(
    readonly key: string,
    override readonly cause?: unknown
  ) {
    super(`the object ${key} changed: another deploy wrote it`)
    this.name = 'ConditionFailed'
  }
}

const status = (err: unknown) =>
  (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode

const unquote = (etag: string | undefined) => (etag ?? '').replace(/"/g, '')

/**
 * The store refused a write conditional on the very ETag its object still has, in both forms:
 * it does not honour If-Match as S3 does, and retrying would only refuse again.
 */
export class ConditionNotHonouredError extends Error {
  constructor(key: string, etag: string) {
    super(
      `${key} still has the ETag ${etag}, but the store refused a write conditional on it (If-Match), quoted and unquoted: it does not honour If-Match as S3 does. Set the input 'lock' to false to deploy without a lock.`
    )
    this.name = 'ConditionNotHonoured'
  }
}

/** 412 PreconditionFailed, or a 404 on If-Match: the object is not the one expected. */
export function isPreconditionFailed(err: unknown): boolean {
  if (err instanceof ConditionFailedError) return true
  if (!(err instanceof Error)) return false
  return ['PreconditionFailed', 'NoSuchKey'].includes(err.name) || status(err) === 412
}

export function isConflict(err: unknown): boolean {
  return err instanceof Error && (err.name === 'ConditionalRequestConflict' || status(err) === 409)
}

/** A conditional request refused, or still conflicting: another deploy wrote the object. */
export function isConditionFailed(err: unknown): boolean {
  return isPreconditionFailed(err) || isConflict(err)
}

export interface ConditionalPutOptions {
  signal?: AbortSignal
  /** For tests: a clock that does not really wait between retries of a conflict. */
  clock?: { sleep: (ms: number) => Promise<void>; now: () => number }
}

/**
 * PutObject under `condition`. Returns the new ETag (read back with HEAD where the store's answer
 * has none); throws ConditionFailedError when the condition does not hold.
 */
export async function conditionalPut(
  s3: S3Client,
  input: PutObjectCommandInput & { Bucket: string; Key: string },
  condition: Condition | undefined,
  options: ConditionalPutOptions = {}
): Promise<string> {
  const token = randomUUID()
  const params = { ...input, Metadata: { ...input.Metadata, [WRITE_TOKEN_METADATA]: token } }
  const send = (form: Condition | undefined) =>
    s3.send(new PutObjectCommand({ ...params, ...headerOf(s3, form) }), {
      abortSignal: options.signal
    })
  const attempt = async (): Promise<string> => {
    try {
      const out = await send(condition)
      return unquote(out?.ETag) || (await headEtag(s3, input.Bucket, input.Key, options.signal))
    } catch (err) {
      if (!isPreconditionFailed(err) || !condition) throw err
      const now = await head(s3, input.Bucket, input.Key, options.signal)
      if (now?.token === token) return now.etag
      if ('ifMatch' in condition && now?.etag === unquote(condition.ifMatch)) {
        if (unquotedStores.has(s3)) throw new ConditionNotHonouredError(input.Key, now.etag)
        unquotedStores.add(s3)
        return attempt()
      }
      throw new ConditionFailedError(input.Key, err)
    }
  }
  try {
    return await retryFor(attempt, {
      maxElapsedMs: 10_000,
      baseDelayMs: 100,
      maxDelayMs: 2_000,
      isRetryable: isConflict,
      sleep: options.clock?.sleep,
      now: options.clock?.now
    })
  } catch (err) {
    // Still conflicting after seconds of retries: another deploy keeps writing it.
    if (isConflict((err as { cause?: unknown }).cause))
      throw new ConditionFailedError(input.Key, err)
    throw err
  }
}

/**
 * DeleteObject only if the object still has this ETag. Sent in S3's quoted form: Ceph RGW ignores
 * If-Match on DELETE whatever its form, which the stores page documents.
 */
export async function conditionalDelete(
  s3: S3Client,
  bucket: string,
  key: string,
  etag: string,
  signal?: AbortSignal
): Promise<void> {
  await s3.send(
    new DeleteObjectCommand({ Bucket: bucket, Key: key, IfMatch: `"${unquote(etag)}"` }),
    {
      abortSignal: signal
    }
  )
}

/** The ETag of an empty object (MD5 of nothing), which an object with content never has. */
export const EMPTY_ETAG = 'd41d8cd98f00b204e9800998ecf8427e'

/**
 * The conditions a store ignores, found with two writes that must be refused, of an object that
 * exists and already holds `input` (not empty): `If-None-Match: *`, and `If-Match` with the ETag
 * of an empty object. A store that ignores them stores the same bytes again, which changes
 * nothing.
 */
export async function ignoredConditions(
  s3: S3Client,
  input: PutObjectCommandInput,
  signal?: AbortSignal
): Promise<string[]> {
  const probes = [
    { name: 'If-None-Match: *', header: { IfNoneMatch: '*' } },
    { name: 'If-Match', header: { IfMatch: `"${EMPTY_ETAG}"` } }
  ]
  const ignored = await Promise.all(
    probes.map(async ({ name, header }) => {
      try {
        await s3.send(new PutObjectCommand({ ...input, ...header }), { abortSignal: signal })
        return name
      } catch (err) {
        if (isConditionFailed(err)) return undefined
        throw err
      }
    })
  )
  return ignored.filter((name): name is string => name !== undefined)
}

function headerOf(s3: S3Client, condition: Condition | undefined) {
  if (!condition) return {}
  if ('ifNoneMatch' in condition) return { IfNoneMatch: '*' }
  const etag = unquote(condition.ifMatch)
  return { IfMatch: unquotedStores.has(s3) ? etag : `"${etag}"` }
}

async function head(s3: S3Client, bucket: string, key: string, signal?: AbortSignal) {
  try {
    const out = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), {
      abortSignal: signal
    })
    return { etag: unquote(out?.ETag), token: out?.Metadata?.[WRITE_TOKEN_METADATA] }
  } catch (err) {
    if (err instanceof Error && (err.name === 'NotFound' || err.name === 'NoSuchKey')) {
      return undefined
    }
    throw err
  }
}

/** The ETag of an object, for a store whose answer to a write carried none (Ceph RGW's multipart). */
export async function headEtag(
  s3: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal
): Promise<string> {
  return (await head(s3, bucket, key, signal))?.etag ?? ''
}

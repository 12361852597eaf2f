import {
  GetObjectCommand,
  HeadObjectCommand,
  type GetObjectCommandOutput,
  type HeadObjectCommandOutput,
  type S3Client
} from '@aws-sdk/client-s3'
import type { LeaseObservation } from '../plan/lease'
import { lockOf, type StateObject } from './manifest'
import { sendTimed, serverTimeOf } from './server-time'
import { conditionalPut, ignoredConditions } from './conditional'

/**
 * What the lease object holds: whose it is, and how long its holder's lease lasts, by which every
 * reader judges it. Its Last-Modified is the last renewal.
 */
export interface LeaseRecord {
  token: string
  holder: string
  since: string
  leaseMs: number
}

const isMissing = (err: unknown) =>
  err instanceof Error && (err.name === 'NoSuchKey' || err.name === 'NotFound')

/** The lease object, with S3's time of reading; undefined lease when there is none. */
export async function readLease(
  s3: S3Client,
  bucket: string,
  key: string
): Promise<{ lease: LeaseObservation | undefined; serverNow: number }> {
  let response: { output: GetObjectCommandOutput; serverNow: number }
  try {
    const command = new GetObjectCommand({ Bucket: bucket, Key: key })
    response = await sendTimed(command, () => s3.send(command))
  } catch (err) {
    // S3's time of the answer that said there is none: never this machine's clock.
    if (isMissing(err)) return { lease: undefined, serverNow: serverTimeOf(err) ?? Date.now() }
    throw err
  }
  const { output, serverNow } = response
  const text = (await output.Body?.transformToString('utf8')) ?? ''
  let record: Partial<LeaseRecord> = {}
  try {
    record = JSON.parse(text) as Partial<LeaseRecord>
  } catch {
    // A lease we cannot read proves no one's life.
  }
  if (typeof record.token !== 'string') return { lease: undefined, serverNow }
  return {
    lease: {
      token: record.token,
      holder: typeof record.holder === 'string' ? record.holder : 'an unknown deploy',
      since: typeof record.since === 'string' ? record.since : 'an unknown time',
      renewedAt: output.LastModified?.getTime() ?? serverNow,
      ...(typeof record.leaseMs === 'number' && record.leaseMs > 0
        ? { durationMs: record.leaseMs }
        : {})
    },
    serverNow
  }
}

/** HEAD of the state object: its ETag, the lock token it names and when it was written. */
export async function headState(
  s3: S3Client,
  bucket: string,
  key: string
): Promise<StateObject | undefined> {
  let response: { output: HeadObjectCommandOutput; serverNow: number }
  try {
    const command = new HeadObjectCommand({ Bucket: bucket, Key: key })
    response = await sendTimed(command, () => s3.send(command))
  } catch (err) {
    if (isMissing(err)) return undefined
    throw err
  }
  const { output, serverNow } = response
  return {
    etag: output.ETag ?? '',
    ...lockOf(output.Metadata),
    writtenAt: output.LastModified?.getTime() ?? serverNow,
    serverNow
  }
}

const leaseObject = (bucket: string, key: string, record: LeaseRecord) => ({
  Bucket: bucket,
  Key: key,
  Body: JSON.stringify(record),
  ContentType: 'application/json',
  CacheControl: 'no-store'
})

/**
 * Writes the lease (a renewal when `ifMatch` is the ETag of the holder's previous write).
 * Returns the new ETag; a refused condition means another deploy has replaced it.
 */
export async function writeLease(
  s3: S3Client,
  bucket: string,
  key: string,
  record: LeaseRecord,
  ifMatch?: string,
  signal?: AbortSignal
): Promise<string> {
  return conditionalPut(s3, leaseObject(bucket, key, record), ifMatch ? { ifMatch } : undefined, {
    signal
  })
}

/** The conditions the store ignores, asked of the lease just written (see ignoredConditions). */
export function leaseIgnoresConditions(
  s3: S3Client,
  bucket: string,
  key: string,
  record: LeaseRecord
): Promise<string[]> {
  return ignoredConditions(s3, leaseObject(bucket, key, record))
}

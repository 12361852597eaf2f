import type { S3Client } from '@aws-sdk/client-s3'
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront'
import type { CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore'
import type { Logger } from '../platform'
import type { Invalidation } from '../aws/invalidate'
import type { RemoteObject, SyncPlan } from '../plan/types'
import type { WrittenObject } from '../plan/state-update'
import type { PathCost } from '../plan/cost'
import type { ServerClock } from '../remote/server-time'
import { CancelledError } from './lock/errors'

/**
 * What every step of a deploy shares: its clients and logger (DeployDeps), what it has done so
 * far (DeployResult), and the paths planned per distribution. It lives below the steps and
 * deploy.ts, which both use it, so no import runs in a circle.
 */

export interface Clock {
  sleep: (ms: number) => Promise<void>
  now: () => number
}

export const systemClock: Clock = {
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
  now: () => Date.now()
}

/** The system clock, whose every sleep ends early, with CancelledError, once `signal` aborts. */
export function cancellableClock(signal: AbortSignal): Clock {
  return {
    now: () => Date.now(),
    sleep: ms =>
      new Promise((resolve, reject) => {
        if (signal.aborted) return reject(new CancelledError())
        const timer = setTimeout(() => {
          signal.removeEventListener('abort', stop)
          resolve()
        }, ms)
        const stop = () => {
          clearTimeout(timer)
          reject(new CancelledError())
        }
        signal.addEventListener('abort', stop, { once: true })
      })
  }
}

export interface DeployDeps {
  s3: S3Client
  /**
   * For the state object and the lock: its own connections, so a lease renewal never queues
   * behind 32 uploads of large files. Defaults to `s3`.
   */
  control?: S3Client
  cloudfront: CloudFrontClient
  /** Release mode: the KeyValueStore that names the live release. */
  kvs?: CloudFrontKeyValueStoreClient
  log: Logger
  env: NodeJS.ProcessEnv
  /** Injectable so tests don't wait. */
  clock?: Clock
  /** How often long phases print their progress (default 10 s). */
  progressIntervalMs?: number
  /** Aborted when the job is cancelled (SIGINT, SIGTERM, SIGBREAK): no new write starts after it. */
  signal?: AbortSignal
  /** S3's clock, from the responses' Date headers (see the clients). */
  serverClock?: ServerClock
}

/** S3's time (ms): from the responses seen so far, else (none yet, or tests) the local clock. */
export function serverNow(deps: Pick<DeployDeps, 'serverClock' | 'clock'>): number {
  return deps.serverClock?.now() ?? (deps.clock ?? systemClock).now()
}

/** The paths planned for one distribution. */
export interface InvalidationTarget {
  distributionId: string
  paths: string[]
  /** How many changed URLs each wildcard covers, for the log and the summary. */
  cost?: PathCost
}

/** What was done (or, in a dry run, would be), reported as outputs even when a step failed. */
export interface DeployResult {
  dryRun: boolean
  plan: SyncPlan | undefined
  uploaded: number
  /** Objects whose headers were updated in place. */
  updated: number
  deleted: number
  targets: InvalidationTarget[]
  invalidations: Invalidation[]
  /** Every object written, with the ETag S3 gave it (for the state object). */
  written: WrittenObject[]
  /** The site's objects as listed for the plan (the sizes of what is deleted or kept). */
  remote: ReadonlyMap<string, RemoteObject>
  /** Set once this deploy has changed something in the bucket or the distribution. */
  changedAnything: boolean
  /** Where viewers find what was deployed (the first distribution's domain); '' when unknown. */
  url: string
  /** Release mode: the release made live; '' otherwise. */
  release: string
  /** Release mode: the old releases deleted (keep-releases). */
  retired: string[]
}

export function emptyResult(dryRun: boolean): DeployResult {
  return {
    dryRun,
    plan: undefined,
    uploaded: 0,
    updated: 0,
    deleted: 0,
    targets: [],
    invalidations: [],
    written: [],
    remote: new Map(),
    changedAnything: false,
    url: '',
    release: '',
    retired: []
  }
}

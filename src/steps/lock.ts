import { randomUUID } from 'node:crypto'
import * as os from 'node:os'
import type { S3Client } from '@aws-sdk/client-s3'
import type { DeployConfig } from '../config/config'
import { systemClock, type DeployDeps } from './context'
import { serializeManifest, type LockRecord, type Manifest } from '../plan/manifest'
import { formatDuration, leaseDeadline, lockStatus, type LockStatus } from '../plan/lease'
import { describeHolder } from '../platform/ci-run'
import { deleteObjectIfMatch, headState, readLease, writeLease } from '../remote/lock'
import { isConditionFailed, writeManifest, type StateObject } from '../remote/manifest'
import { attempt, describeCause } from '../aws/step-error'
import { bucketOperation } from '../aws/explain'

/** The lock could not be had, or was lost: a refusal, not a fault. */
export class LockError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'LockError'
  }
}

/** The job was cancelled (SIGINT/SIGTERM) while deploying. */
export class CancelledError extends Error {
  constructor() {
    super('The job was cancelled: no further change was started.')
    this.name = 'CancelledError'
  }
}

const where = (config: DeployConfig) => `s3://${config.bucket}/${config.prefix}`

function lockOperation(config: DeployConfig, what: string, permission: string, key: string) {
  return bucketOperation(config, what, permission, `arn:aws:s3:::${config.bucket}/${key}`)
}

/** A new lock record for this deploy. */
export function newLockRecord(env: NodeJS.ProcessEnv, now: number): LockRecord {
  return {
    token: randomUUID(),
    holder: describeHolder(env, os.hostname(), process.pid),
    since: new Date(now).toISOString()
  }
}

/** Whether the lock the state object names is held: a look at its lease, only when it names one. */
export async function observeLock(
  config: DeployConfig,
  deps: DeployDeps,
  state: StateObject | undefined,
  record: LockRecord | undefined
): Promise<LockStatus> {
  if (!state?.lockToken) return { state: 'free' }
  const control = deps.control ?? deps.s3
  const { lease, serverNow } = await attempt(
    lockOperation(
      config,
      `Failed to read the lease s3://${config.bucket}/${config.lockKey}`,
      's3:GetObject',
      config.lockKey
    ),
    readLease(control, config.bucket, config.lockKey)
  )
  const named = record?.token === state.lockToken ? record : undefined
  return lockStatus(
    {
      token: state.lockToken,
      holder: named?.holder,
      since: named?.since,
      stateWrittenAt: state.writtenAt,
      lease,
      serverNow: Math.max(serverNow, state.serverNow)
    },
    config.lease
  )
}

/** The lock as it is now: a HEAD of the state object, and its lease when it names one. */
export async function currentLock(config: DeployConfig, deps: DeployDeps): Promise<LockStatus> {
  const state = await attempt(
    lockOperation(
      config,
      `Failed to read the state object s3://${config.bucket}/${config.manifestKey}`,
      's3:GetObject',
      config.manifestKey
    ),
    headState(deps.control ?? deps.s3, config.bucket, config.manifestKey)
  )
  return observeLock(config, deps, state, undefined)
}

export function describeLock(status: LockStatus): string {
  if (status.state === 'free') return 'free'
  return `${status.holder}, since ${status.since} (last renewed ${formatDuration(status.silentMs)} ago)`
}

/**
 * Waits while `status` is held by the same holder, looking every few seconds (a HEAD of the
 * state object, a GET of the lease) and saying every 30 s whom it waits for. Returns when the
 * lock was released, changed hands or expired: the caller then plans again. Throws at
 * `deadline` (local clock), having changed nothing.
 */
export async function waitForLock(
  config: DeployConfig,
  deps: DeployDeps,
  first: Exclude<LockStatus, { state: 'free' }>,
  deadline: number
): Promise<void> {
  const { log } = deps
  const clock = deps.clock ?? systemClock
  const started = clock.now()
  const refuse = (status: LockStatus) =>
    new LockError(
      `Another deploy holds the lock on ${where(config)}: ${describeLock(status)}. Waited ${formatDuration(clock.now() - started)} (lock-timeout is ${config.lockTimeoutSeconds} s). Nothing was changed. Rerun this deploy once that one has finished, or raise lock-timeout. To queue deploys before they start, use 'concurrency:' (GitHub) or 'resource_group:' (GitLab).`
    )
  if (clock.now() >= deadline) throw refuse(first)
  log.info(
    `Another deploy holds the lock on ${where(config)}: ${describeLock(first)}. Waiting for it (up to lock-timeout, ${config.lockTimeoutSeconds} s).`
  )
  let reported = clock.now()
  let status: LockStatus = first
  for (;;) {
    if (deps.signal?.aborted) throw new CancelledError()
    await clock.sleep(Math.max(0, Math.min(config.lease.pollEveryMs, deadline - clock.now())))
    status = await currentLock(config, deps)
    if (status.state === 'free' || status.token !== first.token) break
    // Expired: the caller plans again, and says so when it takes the lock over (takeOrWait).
    if (status.state !== 'held') break
    if (clock.now() >= deadline) throw refuse(status)
    if (clock.now() - reported >= config.lease.reportEveryMs) {
      reported = clock.now()
      log.info(
        `Still waiting for the lock on ${where(config)}: held by ${describeLock(status)}; waited ${formatDuration(reported - started)} of ${config.lockTimeoutSeconds} s.`
      )
    }
  }
  log.info(`The lock on ${where(config)} is free after ${formatDuration(clock.now() - started)}.`)
}

/**
 * Takes the lock: writes the state object (with the lock and this deploy's pending paths) only if
 * it is still the one read while planning. Returns the new ETag, or undefined when another deploy
 * wrote it first (then plan again).
 */
export async function takeLock(
  config: DeployConfig,
  deps: DeployDeps,
  manifest: Manifest & { lock: LockRecord },
  expected: StateObject | undefined
): Promise<string | undefined> {
  const control = deps.control ?? deps.s3
  try {
    return await writeManifest(
      control,
      config.bucket,
      config.manifestKey,
      serializeManifest(manifest),
      {
        ...(expected ? { ifMatch: expected.etag } : { ifNoneMatch: true }),
        lockToken: manifest.lock.token
      }
    )
  } catch (err) {
    if (isConditionFailed(err)) return undefined
    return attempt(
      lockOperation(
        config,
        `Failed to take the lock (write the state object s3://${config.bucket}/${config.manifestKey})`,
        's3:PutObject',
        config.manifestKey
      ),
      Promise.reject(err)
    )
  }
}

/**
 * Takes the lock (see takeLock) and starts its lease; `observed` is the lock as read while
 * planning, so that taking over a dead deploy's lock is said once. When another deploy got
 * there first, waits for it (up to `deadline`, then refuses, having changed nothing) and
 * returns undefined: the caller plans again from the bucket as that deploy left it.
 */
export async function takeOrWait(
  config: DeployConfig,
  deps: DeployDeps,
  manifest: Manifest & { lock: LockRecord },
  expected: StateObject | undefined,
  observed: LockStatus,
  deadline: number
): Promise<LeaseHolder | undefined> {
  const clock = deps.clock ?? systemClock
  if (observed.state === 'expired') {
    deps.log.warning(
      `The lock on ${where(config)} is held by ${describeLock(observed)}, whose lease has expired: that deploy is presumed dead, and this one takes over.`
    )
  }
  const takenAt = clock.now()
  const etag = await takeLock(config, deps, manifest, expected)
  if (etag !== undefined) {
    const holder = await LeaseHolder.start(config, deps, manifest.lock, etag, takenAt)
    deps.log.info(`Took the lock on ${where(config)} (${manifest.lock.holder}).`)
    return holder
  }
  if (clock.now() >= deadline) {
    throw new LockError(
      `Another deploy kept writing the state object s3://${config.bucket}/${config.manifestKey} while this one tried to take the lock, for the whole lock-timeout (${config.lockTimeoutSeconds} s). Nothing was changed. Rerun this deploy, or raise lock-timeout.`
    )
  }
  deps.log.info('Another deploy took the lock first: this one waits for it, then plans again.')
  const now = await currentLock(config, deps)
  if (now.state === 'held') await waitForLock(config, deps, now, deadline)
  return undefined
}

/**
 * The holder's side: keeps the lease alive in the background and answers, before each write,
 * whether this deploy may still write. The state object's ETag is tracked so every later write of
 * it is conditional too: a deploy that lost the lock can never overwrite its successor's state.
 */
export class LeaseHolder {
  private leaseEtag: string | undefined
  private deadline: number
  private lost: string | undefined
  private timer: NodeJS.Timeout | undefined
  private renewing: Promise<void> | undefined

  private constructor(
    private readonly config: DeployConfig,
    private readonly deps: DeployDeps,
    readonly record: LockRecord,
    public stateEtag: string,
    private readonly takenAt: number
  ) {
    this.deadline = leaseDeadline(takenAt, config.lease)
  }

  /** Writes the lease object (replacing any earlier holder's) and starts renewing it. */
  static async start(
    config: DeployConfig,
    deps: DeployDeps,
    record: LockRecord,
    stateEtag: string,
    takenAt: number
  ): Promise<LeaseHolder> {
    const holder = new LeaseHolder(config, deps, record, stateEtag, takenAt)
    // Taking the lock was the holder's first sign of life: its lease is written meanwhile, while
    // the deploy goes on (every later renewal waits for this one).
    holder.renewing = holder.renew(false).finally(() => (holder.renewing = undefined))
    // Real timers: renewals must go on while the event loop is busy with uploads. unref, so a
    // forgotten stop() never keeps the process alive.
    holder.timer = setInterval(() => void holder.renewOnce(), config.lease.renewEveryMs)
    holder.timer.unref()
    return holder
  }

  private now(): number {
    return (this.deps.clock ?? systemClock).now()
  }

  private renewOnce(): Promise<void> {
    this.renewing ??= this.renew(true).finally(() => (this.renewing = undefined))
    return this.renewing
  }

  private async renew(conditional: boolean): Promise<void> {
    if (this.lost) return
    const sentAt = this.now()
    try {
      this.leaseEtag = await writeLease(
        this.deps.control ?? this.deps.s3,
        this.config.bucket,
        this.config.lockKey,
        this.record,
        conditional ? this.leaseEtag : undefined
      )
      this.deadline = leaseDeadline(sentAt, this.config.lease)
    } catch (err) {
      if (isConditionFailed(err)) {
        this.lost = 'another deploy replaced its lease'
      } else {
        // Passing trouble: the next renewal may get through before the lease runs out.
        this.deps.log.warning(
          `Could not renew the lease s3://${this.config.bucket}/${this.config.lockKey}: ${describeCause(err)}`
        )
      }
    }
  }

  /** Throws unless this deploy may still write: cancelled, lease lost, or not renewed in time. */
  check(): void {
    if (this.deps.signal?.aborted) throw new CancelledError()
    if (!this.lost && this.now() > this.deadline) {
      this.lost = `its lease could not be renewed within ${formatDuration(this.config.lease.durationMs)}`
    }
    if (this.lost) throw this.lostError()
  }

  private lostError(): LockError {
    return new LockError(
      `This deploy lost the lock on ${where(this.config)} (${this.lost}), so another deploy may now be writing there: it stopped before deleting anything.`
    )
  }

  /** A renewal that must succeed now: right before deleting anything. */
  async confirm(): Promise<void> {
    // Every renewal goes through renewOnce: two conditional writes of the lease at once would
    // refuse each other. One in flight (the lease's first write, say) is waited for first.
    await this.renewing
    await this.renewOnce()
    this.check()
  }

  /** Writes the state object (still conditional), keeping or releasing the lock. */
  async writeState(manifest: Manifest, keepLock: boolean): Promise<void> {
    const text = serializeManifest(keepLock ? { ...manifest, lock: this.record } : manifest)
    this.stateEtag = await this.onState('write', 's3:PutObject', control =>
      writeManifest(control, this.config.bucket, this.config.manifestKey, text, {
        ifMatch: this.stateEtag,
        ...(keepLock ? { lockToken: this.record.token } : {})
      })
    )
  }

  /**
   * A conditional request on the state object: refused means another deploy wrote it, so this
   * one has lost the lock; any other failure is explained.
   */
  private async onState<T>(
    verb: 'write' | 'delete',
    permission: string,
    request: (control: S3Client) => Promise<T>
  ): Promise<T> {
    try {
      return await request(this.deps.control ?? this.deps.s3)
    } catch (err) {
      if (isConditionFailed(err)) {
        this.lost = 'another deploy wrote the state object'
        throw this.lostError()
      }
      return attempt(
        lockOperation(
          this.config,
          `Failed to ${verb} the state object s3://${this.config.bucket}/${this.config.manifestKey}`,
          permission,
          this.config.manifestKey
        ),
        Promise.reject(err)
      )
    }
  }

  /**
   * The end of a deploy: records the state (without the lock) and removes the lease. While the
   * lock was taken less than half a lease ago, both go at once, saving a round trip: a deploy
   * that looks in between sees the lock held still (the state object was written recently), and
   * then free.
   */
  async finish(manifest: Manifest): Promise<void> {
    if (this.now() - this.takenAt < this.config.lease.durationMs / 2) {
      await Promise.all([this.writeState(manifest, false), this.release()])
    } else {
      await this.writeState(manifest, false)
      await this.release()
    }
  }

  /**
   * On the way out of a deploy that failed or was cancelled: records `manifest` (what the bucket
   * holds now) and releases the lock, unless it is no longer this deploy's. Never throws: the
   * failure that brought it here is the one to report.
   */
  async releaseAfterFailure(manifest: Manifest): Promise<void> {
    if (this.lost) return
    try {
      await this.writeState(manifest, false)
      await this.release()
      this.deps.log.info(`Released the lock on ${where(this.config)}.`)
    } catch (err) {
      this.deps.log.warning(`Could not release the lock: ${(err as Error).message}`)
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  /**
   * The end of a removal: deletes the state object (only if it is still the one this deploy
   * wrote), then the lease. Nothing of this action is left under the prefix.
   */
  async deleteState(): Promise<void> {
    this.check()
    await this.onState('delete', 's3:DeleteObject', control =>
      deleteObjectIfMatch(control, this.config.bucket, this.config.manifestKey, this.stateEtag)
    )
    await this.release()
  }

  /**
   * Once the state object no longer names this lock: stops renewing and removes the lease
   * object, if it is still ours. Without s3:DeleteObject it stays, harmless: a lease proves
   * nothing once the state object names no lock.
   */
  async release(): Promise<void> {
    this.stop()
    await this.renewing
    if (!this.leaseEtag) return
    try {
      await deleteObjectIfMatch(
        this.deps.control ?? this.deps.s3,
        this.config.bucket,
        this.config.lockKey,
        this.leaseEtag
      )
    } catch (err) {
      this.deps.log.debug(`Left the lease object in place: ${describeCause(err)}`)
    }
  }
}

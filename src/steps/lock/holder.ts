import type { S3Client } from '@aws-sdk/client-s3'
import type { DeployConfig } from '../../config/config'
import { systemClock, type DeployDeps } from '../context'
import type { WriteGuard } from '../write'
import { serializeManifest, type LockRecord, type Manifest } from '../../plan/manifest'
import { formatDuration, leaseDeadline } from '../../plan/lease'
import { writeLease, type LeaseRecord } from '../../remote/lock'
import { writeManifest } from '../../remote/manifest'
import { conditionalDelete, isConditionFailed } from '../../remote/conditional'
import { attempt, describeCause } from '../../aws/step-error'
import { anySignal } from '../../util/signals'
import { CancelledError, LockError } from './errors'
import { lockOperation, where } from './describe'

/** What a deploy holds while it writes: the lock's lease, or, with `lock: false`, nothing. */
export interface StateKeeper extends WriteGuard {
  /** A renewal that must succeed now: right before deleting anything. */
  confirm(): Promise<void>
  /** Records the state at the end, and releases the lock. */
  finish(manifest: Manifest): Promise<void>
  /**
   * After a failure `err`: records what was done and releases the lock, never throwing. Returns
   * the error to report: why writing stopped (the lock lost, the job cancelled), if it did,
   * rather than the request it aborted.
   */
  releaseAfterFailure(manifest: Manifest, err: unknown): Promise<unknown>
  /** The end of a removal: the state object goes. */
  deleteState(): Promise<void>
  stop(): void
  /** Why writing stopped (the lock lost, the job cancelled), if it did. */
  readonly stoppedBy: Error | undefined
}

/**
 * The holder's side of the lock: keeps the lease alive in the background, and fences every write
 * in time. Each write carries `signal`, which is aborted at the lease's deadline (a margin before
 * anyone may take over; see leaseDeadline) unless a renewal sent in time has moved it on, and at
 * once when a renewal fails or the job is cancelled: then no request of this deploy is in flight
 * once another could take over, retries included. A renewal that comes back late revives nothing.
 * The state object's ETag is tracked so every later write of it is conditional too: a deploy that
 * lost the lock can never overwrite its successor's state.
 */
export class LeaseHolder implements StateKeeper {
  private leaseEtag: string | undefined
  private deadline: number
  private lost: string | undefined
  private renewTimer: NodeJS.Timeout | undefined
  private expiryTimer: NodeJS.Timeout | undefined
  private renewing: Promise<void> | undefined
  private readonly writes = new AbortController()
  /** Aborted when this deploy may no longer write. */
  readonly signal: AbortSignal

  private constructor(
    private readonly config: DeployConfig,
    private readonly deps: DeployDeps,
    readonly record: LockRecord,
    public stateEtag: string,
    private readonly takenAt: number
  ) {
    this.deadline = leaseDeadline(takenAt, config.lease)
    this.signal = anySignal([this.writes.signal, deps.signal])
  }

  /**
   * Writes the lease object (replacing any earlier holder's) and starts renewing it; the lock was
   * taken at `takenAt` (local clock), the holder's first sign of life.
   */
  static async start(
    config: DeployConfig,
    deps: DeployDeps,
    record: LockRecord,
    stateEtag: string,
    takenAt: number
  ): Promise<LeaseHolder> {
    const holder = new LeaseHolder(config, deps, record, stateEtag, takenAt)
    holder.armExpiry()
    holder.renewing = holder.renew(false).finally(() => (holder.renewing = undefined))
    await holder.renewing
    // Real timers: renewals must go on while the event loop is busy with uploads. unref, so a
    // forgotten stop() never keeps the process alive.
    holder.renewTimer = setInterval(() => void holder.renewOnce(), config.lease.renewEveryMs)
    holder.renewTimer.unref()
    return holder
  }

  /** What the lease object holds. */
  get lease(): LeaseRecord {
    const { token, holder, since } = this.record
    return { token, holder, since, leaseMs: this.config.lease.durationMs }
  }

  get stoppedBy(): Error | undefined {
    if (this.lost) return this.lostError()
    return this.deps.signal?.aborted ? new CancelledError() : undefined
  }

  private now(): number {
    return (this.deps.clock ?? systemClock).now()
  }

  /** Aborts every write at the deadline; re-armed by each renewal. */
  private armExpiry(): void {
    clearTimeout(this.expiryTimer)
    this.expiryTimer = setTimeout(
      () => {
        if (this.now() >= this.deadline) this.lose(this.notRenewed())
        else this.armExpiry()
      },
      Math.max(0, this.deadline - this.now())
    )
    this.expiryTimer.unref()
  }

  private notRenewed(): string {
    return `its lease could not be renewed in time, within ${formatDuration(this.config.lease.durationMs - this.config.lease.marginMs)} of its last renewal`
  }

  private lose(reason: string): void {
    if (this.lost) return
    this.lost = reason
    this.writes.abort(this.lostError())
    this.stop()
  }

  private renewOnce(): Promise<void> {
    this.renewing ??= this.renew(true).finally(() => (this.renewing = undefined))
    return this.renewing
  }

  private async renew(conditional: boolean): Promise<void> {
    if (this.lost) return
    const sentAt = this.now()
    if (sentAt >= this.deadline) return this.lose(this.notRenewed())
    try {
      const etag = await writeLease(
        this.deps.control ?? this.deps.s3,
        this.config.bucket,
        this.config.lockKey,
        this.lease,
        conditional ? this.leaseEtag : undefined,
        this.writes.signal
      )
      // Past the deadline, the lease may already be another's: a late answer revives nothing.
      if (this.lost || this.now() >= this.deadline) return this.lose(this.notRenewed())
      this.leaseEtag = etag
      this.deadline = leaseDeadline(sentAt, this.config.lease)
      this.armExpiry()
    } catch (err) {
      if (this.lost) return
      // The SDK has retried already: a renewal that still fails stops the writing at once.
      this.lose(
        isConditionFailed(err)
          ? 'another deploy replaced its lease'
          : `its lease could not be renewed: ${describeCause(err)}`
      )
    }
  }

  /** Throws unless this deploy may still write: cancelled, lease lost, or not renewed in time. */
  check(): void {
    if (this.deps.signal?.aborted) throw new CancelledError()
    if (!this.lost && this.now() >= this.deadline) this.lose(this.notRenewed())
    if (this.lost) throw this.lostError()
  }

  private lostError(): LockError {
    return new LockError(
      `This deploy lost the lock on ${where(this.config)} (${this.lost}), so another deploy may now be writing there: it stopped writing, and deleted nothing.`
    )
  }

  async confirm(): Promise<void> {
    // Every renewal goes through renewOnce: two conditional writes of the lease at once would
    // refuse each other. One in flight is waited for first.
    await this.renewing
    await this.renewOnce()
    this.check()
  }

  /** Writes the state object (still conditional), keeping or releasing the lock. */
  async writeState(manifest: Manifest, keepLock: boolean): Promise<void> {
    const text = serializeManifest(keepLock ? { ...manifest, lock: this.record } : manifest)
    this.stateEtag = await this.onState('write', 's3:PutObject', control =>
      writeManifest(
        control,
        this.config.bucket,
        this.config.manifestKey,
        text,
        { ifMatch: this.stateEtag },
        keepLock ? { token: this.record.token, leaseMs: this.config.lease.durationMs } : undefined
      )
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
        this.lose('another deploy wrote the state object')
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

  async releaseAfterFailure(manifest: Manifest, err: unknown): Promise<unknown> {
    const stopped = this.stoppedBy
    if (this.lost) return stopped
    try {
      await this.writeState(manifest, false)
      await this.release()
      this.deps.log.info(`Released the lock on ${where(this.config)}.`)
    } catch (failure) {
      this.deps.log.warning(`Could not release the lock: ${(failure as Error).message}`)
    }
    return stopped ?? err
  }

  /**
   * Gives the lock up before anything of the site was written: the state object goes back to
   * what was read (or goes, when there was none), and the lease goes. Never throws.
   */
  async abandon(read: Manifest, wasAbsent: boolean): Promise<void> {
    try {
      if (wasAbsent) await this.removeState()
      else {
        await this.writeState(read, false)
        await this.release()
      }
    } catch (err) {
      this.deps.log.warning(`Could not release the lock: ${(err as Error).message}`)
    }
  }

  stop(): void {
    clearInterval(this.renewTimer)
    clearTimeout(this.expiryTimer)
    this.renewTimer = undefined
    this.expiryTimer = undefined
  }

  /**
   * The end of a removal: deletes the state object (only if it is still the one this deploy
   * wrote), then the lease. Nothing of this action is left under the prefix.
   */
  async deleteState(): Promise<void> {
    this.check()
    await this.removeState()
  }

  private async removeState(): Promise<void> {
    await this.onState('delete', 's3:DeleteObject', control =>
      conditionalDelete(control, this.config.bucket, this.config.manifestKey, this.stateEtag)
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
      await conditionalDelete(
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

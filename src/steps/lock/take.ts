import type { DeployConfig } from '../../config/config'
import { systemClock, type DeployDeps } from '../context'
import { serializeManifest, type LockRecord, type Manifest } from '../../plan/manifest'
import { retakeDelay, type LockStatus } from '../../plan/lease'
import { leaseIgnoresConditions } from '../../remote/lock'
import { writeManifest, type StateObject } from '../../remote/manifest'
import { isConditionFailed } from '../../remote/conditional'
import { attempt } from '../../aws/step-error'
import { LockError } from './errors'
import { describeLock, lockOperation, where } from './describe'
import { currentLock, waitForLock } from './observe'
import { LeaseHolder } from './holder'

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
      expected ? { ifMatch: expected.etag } : { ifNoneMatch: true },
      { token: manifest.lock.token, leaseMs: config.lease.durationMs }
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
 * Takes the lock (see takeLock), starts its lease, and makes sure the store honours conditional
 * writes, without which no lock holds: otherwise it gives the lock up and refuses, before any
 * file of the site is written. `observed` is the lock as read while planning, so that taking
 * over a dead deploy's lock is said once; `read` the state object as read, restored on refusal.
 * When another deploy got there first, waits for it (up to `deadline`, then refuses, having
 * changed nothing), or backs off when it is no longer held, and returns undefined: the caller
 * plans again (`round` counts the plans) from the bucket as that deploy left it.
 */
export async function takeOrWait(
  config: DeployConfig,
  deps: DeployDeps,
  manifest: Manifest & { lock: LockRecord },
  expected: StateObject | undefined,
  observed: LockStatus,
  deadline: number,
  read: Manifest,
  round = 1
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
    const ignored = await (async () => {
      // A lease that could not even be written holds nothing: give the lock up at once.
      holder.check()
      return attempt(
        lockOperation(
          config,
          `Failed to check that the store honours conditional writes (on s3://${config.bucket}/${config.lockKey})`,
          's3:PutObject',
          config.lockKey
        ),
        leaseIgnoresConditions(deps.control ?? deps.s3, config.bucket, config.lockKey, holder.lease)
      )
    })().catch(async err => {
      await holder.abandon(read, expected === undefined)
      throw err
    })
    if (ignored.length > 0) {
      await holder.abandon(read, expected === undefined)
      throw new LockError(
        `The store does not honour conditional writes: it accepted a write with ${ignored.join(' and ')} that S3 refuses, so no deploy can hold a lock on ${where(config)} and two deploys at once could mix their files. Nothing of the site was written. To deploy without a lock, knowingly, set the input 'lock' to false, and queue deploys with 'concurrency:' (GitHub) or 'resource_group:' (GitLab).`
      )
    }
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
  // Free or expired again: back off before planning again, so deploys that keep meeting at the
  // lock do not hammer it.
  else await clock.sleep(Math.min(retakeDelay(round), Math.max(0, deadline - clock.now())))
  return undefined
}

import type { DeployConfig } from './config/config'
import { InputError } from './config/input-error'
import type { Manifest } from './plan/manifest'
import { rollbackTarget, wentLive } from './plan/release-plan'
import type { LockStatus } from './plan/lease'
import { systemClock, type DeployDeps, type DeployResult } from './steps/context'
import { readBucketState } from './steps/compare'
import { describeLock } from './steps/lock/describe'
import { newLockRecord, observeLock, waitForLock } from './steps/lock/observe'
import { acquire } from './steps/lock/acquire'
import type { StateKeeper } from './steps/lock/holder'
import { readReleaseSite, releaseSiteKey, switchTo, type ReleaseSite } from './steps/release'

/**
 * `rollback: previous` or `rollback: <release id>`: one conditional write to the KeyValueStore
 * makes that release live again, under the lock, with no upload and no invalidation (each
 * release has cache entries of its own). Only a release that went live and is still in the
 * bucket can be gone back to; anything else is refused before anything changes.
 */
export async function rollback(
  config: DeployConfig,
  deps: DeployDeps,
  result: DeployResult
): Promise<void> {
  const { log, clock = systemClock } = deps
  const asked = config.release?.rollback as string
  const deadline = clock.now() + config.lockTimeoutSeconds * 1000
  const record = newLockRecord(deps.env, Date.now(), config.lease.durationMs)
  const key = await releaseSiteKey(config, deps, result)
  let site: ReleaseSite
  let target: string
  let read: Awaited<ReturnType<typeof readBucketState>>
  let holder: StateKeeper | undefined
  for (let round = 1; ; round++) {
    ;[site, read] = await Promise.all([
      readReleaseSite(config, deps, key),
      readBucketState(config, deps)
    ])
    if (!read.usable) {
      throw new InputError(
        `Refusing to roll back: the state object s3://${config.bucket}/${config.manifestKey} cannot be read, so which releases went live is unknown. Nothing was changed. Grant s3:GetObject on it.`
      )
    }
    const history = read.manifest.release?.history ?? []
    const chosen = rollbackTarget(asked, history, site.live, new Set(site.existing))
    if ('refused' in chosen) {
      throw new InputError(
        `Input 'rollback': ${chosen.refused}. Nothing was changed.${history.length ? ` Releases that went live, newest first: ${history.join(', ')}.` : ''}`
      )
    }
    target = chosen.target
    if (target === site.live) {
      log.info(`Release ${target} is live already at '${key}': nothing to do.`)
      result.release = target
      return
    }
    const lock: LockStatus = await observeLock(config, deps, read.object, read.manifest.lock)
    if (config.dryRun) {
      log.info(
        `Would make release ${target} live again at '${key}' (now ${site.live ?? 'none'}): one write to ${site.store}, nothing uploaded or invalidated.`
      )
      if (lock.state === 'held') {
        log.warning(`Another deploy is in progress: ${describeLock(lock)}.`)
      }
      result.release = target
      return
    }
    if (lock.state === 'held') {
      await waitForLock(config, deps, lock, deadline)
      continue
    }
    holder = await acquire(config, deps, {
      taken: read.manifest,
      record,
      read: read.manifest,
      stateObject: read.object,
      observed: lock,
      deadline,
      round
    })
    if (holder) break
  }
  let recorded: Manifest = read.manifest
  try {
    await switchTo(deps, site, target, holder)
    result.release = target
    result.changedAnything = true
    recorded = {
      ...read.manifest,
      release: { history: wentLive(read.manifest.release, target, site.live) }
    }
    await holder.finish(recorded)
    holder = undefined
  } catch (err) {
    throw holder ? await holder.releaseAfterFailure(recorded, err) : err
  } finally {
    holder?.stop()
  }
}

import type { DeployConfig } from './config/config'
import { InputError } from './config/input-error'
import { describePaths, describePlan } from './plan/describe'
import { nextManifest, pendingWith } from './plan/state-update'
import type { SyncPlan } from './plan/types'
import { prefixWildcard } from './plan/url'
import { systemClock, type DeployDeps, type DeployResult } from './steps/context'
import { readBucket, type BucketState } from './steps/compare'
import { readDistributions, urlOf } from './steps/distribution'
import { invalidate, waitForAll } from './steps/invalidation'
import { describeLock } from './steps/lock/describe'
import { newLockRecord, observeLock, waitForLock } from './steps/lock/observe'
import { acquire } from './steps/lock/acquire'
import type { StateKeeper } from './steps/lock/holder'
import { deleteObjects } from './steps/delete-objects'
import { deleteInBatches } from './aws/delete-batches'

/**
 * `remove: true`: tears down everything under the prefix (a preview), never a bucket root. Only
 * where this action has deployed (its state object is there); a prefix already empty is a
 * success with nothing to do, so a stop job may run twice. The lock is taken as for a deploy;
 * then every object goes (DeleteObjects, 1,000 a request), the prefix is invalidated with one
 * wildcard, and the state object goes last, so an interrupted removal is simply run again.
 */
export async function removePrefix(
  config: DeployConfig,
  deps: DeployDeps,
  result: DeployResult
): Promise<void> {
  const { log, clock = systemClock } = deps
  const where = `s3://${config.bucket}/${config.prefix}`
  const deadline = clock.now() + config.lockTimeoutSeconds * 1000
  const record = newLockRecord(deps.env, Date.now(), config.lease.durationMs)
  const { views, notes } = await readDistributions(config, deps)
  for (const note of notes) log.warning(note)
  result.url = urlOf(views, config.prefix)
  let bucket: BucketState
  let holder: StateKeeper | undefined
  for (let round = 1; ; round++) {
    bucket = await log.group(`List ${where}`, () => readBucket(config, deps))
    if (!bucket.manifestUsable) {
      throw new InputError(
        `Refusing to remove ${where}: the state object ${config.manifestKey} cannot be read, so nothing proves this action deployed there. Nothing was deleted. Grant s3:GetObject on it.`
      )
    }
    if (!bucket.stateObject) {
      if (bucket.remote.size > 0) {
        throw new InputError(
          `Refusing to remove ${where}: it holds ${bucket.remote.size} object(s) but no state object of this action (${config.manifestKey}), so this action never deployed there. Nothing was deleted. Check 'prefix' (and 'manifest-key', if the deploys set it).`
        )
      }
      // A lease left by a removal stopped right after deleting the state object.
      if (bucket.leaseListed && !config.dryRun) {
        await deleteInBatches(deps.control ?? deps.s3, config.bucket, [config.lockKey])
      }
      log.info(`Nothing to remove: ${where} is empty.`)
      result.plan = emptyPlan([])
      return
    }
    const plan = emptyPlan([...bucket.remote.keys()].sort())
    result.plan = plan
    result.remote = bucket.remote
    result.targets = views.map(v => ({
      distributionId: v.distributionId,
      paths: config.paths ?? [prefixWildcard(config.prefix, v.originPrefix)]
    }))
    await log.group(
      config.dryRun ? 'Removal plan (dry run: nothing will change)' : 'Removal plan',
      async () => {
        const lines = describePlan(plan, config.dryRun).slice(1)
        if (plan.deletes.length === 0) lines.push(`Only the state object is left under ${where}.`)
        for (const t of result.targets) {
          lines.push(
            ...describePaths(
              t.paths,
              config.dryRun,
              views.length > 1 ? t.distributionId : undefined
            )
          )
        }
        lines.push(
          `${config.dryRun ? 'Would delete' : 'Then'} the state object ${config.manifestKey}, last.`
        )
        for (const line of lines) log.info(line)
      }
    )
    const lock = await observeLock(config, deps, bucket.stateObject, bucket.manifest.lock)
    if (config.dryRun) {
      if (lock.state === 'held') {
        log.warning(`Another deploy is in progress on ${where}: ${describeLock(lock)}.`)
      }
      result.deleted = plan.deletes.length
      return
    }
    if (lock.state === 'held') {
      await waitForLock(config, deps, lock, deadline)
      continue
    }
    // Taking the lock records the wildcard as pending, so a removal cut short still gets it sent.
    const pending = pendingWith(bucket.manifest.pending, result.targets)
    holder = await acquire(config, deps, {
      taken: { ...bucket.manifest, pending },
      record,
      read: bucket.manifest,
      stateObject: bucket.stateObject,
      observed: lock,
      deadline,
      round
    })
    if (holder) break
  }
  const plan = result.plan as SyncPlan
  let timedOut: string[] = []
  try {
    await deleteObjects(config, deps, plan, result, holder)
    // After the objects are gone, so no edge fetches them again.
    await invalidate(config, deps, plan, result, undefined, holder)
    if (config.wait) timedOut = await waitForAll(config, deps, result)
    await holder.deleteState()
    log.info(`Removed ${where}: ${result.deleted} object(s) and the state object.`)
  } catch (err) {
    // Release the lock, recording what is left, so a rerun (or a deploy) starts from there.
    const pending = pendingWith(bucket.manifest.pending, result.targets)
    for (const i of result.invalidations) delete pending[i.distributionId]
    throw await holder.releaseAfterFailure(
      nextManifest({
        previous: bucket.manifest,
        prefix: config.prefix,
        remote: bucket.remote,
        unchanged: [],
        written: [],
        deleted: plan.deletes.slice(0, result.deleted),
        kept: [],
        pending
      }),
      err
    )
  } finally {
    holder.stop()
  }
  if (timedOut.length > 0 && config.failOnWaitTimeout) {
    throw new Error(`${timedOut.join(' ')} (fail-on-wait-timeout is set)`)
  }
}

function emptyPlan(deletes: string[]): SyncPlan {
  return { uploads: [], updates: [], deletes, unchanged: [], kept: [], expired: [] }
}

import type { DeployConfig } from './config/config'
import { InputError } from './config/input-error'
import type { ScanResult } from './local/scan'
import { checkSource } from './steps/check-source'
import { describePaths, describePlan } from './plan/describe'
import { serializeManifest } from './plan/manifest'
import { nextManifest, pendingWith, withoutEntries } from './plan/state-update'
import { startClocks } from './plan/retention'
import type { LockStatus } from './plan/lease'
import { writeManifest } from './remote/manifest'
import { isConditionFailed } from './remote/conditional'
import { serverNow, systemClock, type DeployDeps, type DeployResult } from './steps/context'
import { compare, type Comparison } from './steps/compare'
import { readDistributions, urlOf, type DistributionView } from './steps/distribution'
import { invalidate, planInvalidations, waitForAll } from './steps/invalidation'
import { CancelledError } from './steps/lock/errors'
import { describeLock } from './steps/lock/describe'
import { newLockRecord, observeLock, waitForLock } from './steps/lock/observe'
import { acquire } from './steps/lock/acquire'
import type { StateKeeper } from './steps/lock/holder'
import { deleteObjects } from './steps/delete-objects'
import { writeObjects, type WriteGuard } from './steps/write'
import { attempt } from './aws/step-error'
import { bucketOperation } from './aws/explain'

export { emptyResult, type DeployDeps, type DeployResult } from './steps/context'

/**
 * check the source → compare (walk and hash ‖ state object, then listing) → plan → take the lock →
 * write assets, then pages → invalidate → (wait) → delete → record the state object and release
 * the lock. The lock is taken by a conditional write of the state object read while planning, so
 * the plan is exactly the bucket the previous holder left; when another deploy holds it, this
 * one waits and plans again. Deletions come last, only after every write and the invalidation
 * succeeded, and only while the lease is still this deploy's. `result` is filled in as steps
 * complete.
 */
export async function deploy(
  config: DeployConfig,
  deps: DeployDeps,
  result: DeployResult,
  /** Whether checkSource has run already (main.ts runs it before loading the SDK). */
  sourceChecked = false
): Promise<void> {
  const { log } = deps
  const clock = deps.clock ?? systemClock
  // Local problems first, before any request: a source with no file in scope is an input error.
  if (!sourceChecked) await checkSource(config)
  const deadline = clock.now() + config.lockTimeoutSeconds * 1000
  const record = newLockRecord(deps.env, Date.now(), config.lease.durationMs)
  // Read while the source is hashed; its warnings wait until the comparison has been logged.
  const reading = readDistributions(config, deps)
  reading.catch(() => undefined)
  let distributions: DistributionView[] | undefined
  let scan: ScanResult | undefined
  let state: Comparison
  let holder: StateKeeper | undefined
  for (let round = 1; ; round++) {
    state = await compare(config, deps, scan)
    scan = state.scan
    if (!distributions) {
      const read = await reading
      for (const note of read.notes) log.warning(note)
      distributions = read.views
      result.url = urlOf(distributions, config.prefix)
    }
    const lock: LockStatus = state.manifestUsable
      ? await observeLock(config, deps, state.stateObject, state.manifest.lock)
      : { state: 'free' }
    await plan(config, deps, state, result, round, distributions)
    if (config.dryRun) {
      if (lock.state === 'held') {
        log.warning(
          `Another deploy is in progress on s3://${config.bucket}/${config.prefix}: ${describeLock(lock)}. This plan is against the bucket as it is now, and will change when that deploy has finished.`
        )
      }
      result.uploaded = state.plan.uploads.length
      result.updated = state.plan.updates.length
      result.deleted = state.plan.deletes.length
      return
    }
    if (lock.state === 'held') {
      await waitForLock(config, deps, lock, deadline)
      continue
    }
    if (!changesSite(result)) {
      await recordLearned(config, deps, state)
      return
    }
    if (!state.manifestUsable) {
      // Without the state object there is no lock to see or take (warned when it was read).
      if (config.delete) throw cannotDeleteUnlocked(config)
      break
    }
    // Taking the lock records the state: it vouches for no object this deploy will change, so a
    // deploy that dies halfway leaves the next one to look at those again.
    const taken = {
      ...withoutEntries(state.manifest, config.prefix, plannedKeys(state)),
      pending: pendingWith(state.manifest.pending, result.targets)
    }
    holder = await acquire(config, deps, {
      taken,
      record,
      read: state.manifest,
      stateObject: state.stateObject,
      observed: lock,
      deadline,
      round
    })
    if (holder) break
  }
  await applyPlan(config, deps, state, result, holder)
}

/** Plans the invalidations, prints the plan and applies the deletion guard. */
async function plan(
  config: DeployConfig,
  deps: DeployDeps,
  state: Comparison,
  result: DeployResult,
  round: number,
  distributions: readonly DistributionView[]
): Promise<void> {
  const { log } = deps
  const plan = state.plan
  result.plan = plan
  result.remote = state.remote
  result.targets = planInvalidations(
    config,
    deps,
    plan,
    state.remote,
    state.manifest.pending,
    distributions
  )
  const title = config.dryRun
    ? 'Plan (dry run: nothing will change)'
    : round > 1
      ? 'Plan (again, from the bucket as the other deploy left it)'
      : 'Plan'
  await log.group(title, async () => {
    const lines = describePlan(plan, config.dryRun)
    for (const t of result.targets.filter(t => t.paths.length > 0)) {
      lines.push(
        ...describePaths(
          t.paths,
          config.dryRun,
          result.targets.length > 1 ? t.distributionId : undefined,
          t.cost
        )
      )
    }
    for (const line of lines) log.info(line)
  })
  if (plan.kept.length > 0 && !state.manifestUsable) {
    log.warning(
      `Cannot record when files left the build without the state object s3://${config.bucket}/${config.manifestKey}: ${plan.kept.length} removed asset(s) are kept, and will be deleted only once it can be read (s3:GetObject) and the keep-removed-assets period has passed.`
    )
  }
  // Deletions are counted when they happen: a grace period delays them, never hides them.
  if (config.maxDeletes >= 0 && plan.deletes.length > config.maxDeletes) {
    const expired = plan.expired.length
      ? ` (${plan.expired.length} of them removed assets whose keep-removed-assets period is over)`
      : ''
    throw new InputError(
      `Refusing to deploy: it would delete ${plan.deletes.length} objects under s3://${config.bucket}/${config.prefix}${expired}, more than max-deletes (${config.maxDeletes}). Nothing was changed. If that is intended, set max-deletes to ${plan.deletes.length} or more (-1 for no limit).`
    )
  }
}

/** The keys this deploy will write: the state object never vouches for them while it runs. */
function plannedKeys(state: Comparison): string[] {
  return [...state.plan.uploads.map(u => u.file.key), ...state.plan.updates.map(f => f.key)]
}

function cannotDeleteUnlocked(config: DeployConfig): InputError {
  const key = `s3://${config.bucket}/${config.manifestKey}`
  return new InputError(
    `Refusing to deploy with 'delete': the state object ${key} cannot be read, so this deploy can neither see nor take the lock, and deleting without it could delete what another deploy is writing. Nothing was changed. Grant s3:GetObject on arn:aws:s3:::${config.bucket}/${config.manifestKey}, or deploy without 'delete'.`
  )
}

function changesSite(result: DeployResult): boolean {
  const plan = result.plan
  return (
    !!plan &&
    (plan.uploads.length > 0 ||
      plan.updates.length > 0 ||
      plan.deletes.length > 0 ||
      result.targets.some(t => t.paths.length > 0))
  )
}

/**
 * A deploy that changes nothing in the site may still have learned something (objects checked
 * with HEAD once, when removed assets left the build): recorded with one write conditional on
 * the state object read, so it never overwrites another deploy's state. If that deploy got
 * there first, it is simply skipped (and the next deploy starts those clocks).
 */
async function recordLearned(config: DeployConfig, deps: DeployDeps, state: Comparison) {
  if (!state.manifestUsable) return
  const next = nextManifest({
    previous: state.manifest,
    prefix: config.prefix,
    remote: state.remote,
    unchanged: state.plan.unchanged,
    written: [],
    deleted: [],
    kept: state.plan.kept,
    pending: state.manifest.pending
  })
  const text = serializeManifest(next)
  if (text === state.manifestText) return
  try {
    await writeManifest(
      deps.control ?? deps.s3,
      config.bucket,
      config.manifestKey,
      text,
      state.stateObject ? { ifMatch: state.stateObject.etag } : { ifNoneMatch: true }
    )
    deps.log.debug(`Recorded ${next.entries.size} entries in the state object.`)
  } catch (err) {
    if (!isConditionFailed(err)) {
      await attempt(
        bucketOperation(
          config,
          `Failed to write the state object s3://${config.bucket}/${config.manifestKey}`,
          's3:PutObject',
          `arn:aws:s3:::${config.bucket}/${config.manifestKey}`
        ),
        Promise.reject(err)
      )
    }
    deps.log.debug('Another deploy wrote the state object meanwhile; not recording.')
  }
}

async function applyPlan(
  config: DeployConfig,
  deps: DeployDeps,
  state: Comparison,
  result: DeployResult,
  holder: StateKeeper | undefined
): Promise<void> {
  const { plan } = state
  const pending = pendingWith(state.manifest.pending, result.targets)
  const guard: WriteGuard = holder ?? {
    check: () => {
      if (deps.signal?.aborted) throw new CancelledError()
    },
    signal: deps.signal
  }
  // Of what it planned to write, the state vouches only for what a write confirmed: a header
  // update keeps its object's ETag, so a listing cannot tell whether one in flight landed.
  const previous = withoutEntries(state.manifest, config.prefix, plannedKeys(state))
  // What the bucket holds after the part of the deploy that was done. Removed assets' clocks
  // start once the new build is live, its pages written (S3's time); until then the old one is.
  let liveAt: number | undefined
  const stateNow = (deleted: readonly string[]) =>
    nextManifest({
      previous,
      prefix: config.prefix,
      remote: state.remote,
      unchanged: plan.unchanged,
      written: result.written,
      deleted,
      kept: liveAt === undefined ? [] : startClocks(plan.kept, liveAt),
      pending
    })
  let timedOut: string[] = []
  try {
    await writeObjects(config, deps, plan, result, guard, state.scan.contents)
    liveAt = Math.floor(serverNow(deps) / 1000)
    await invalidate(config, deps, plan, result, id => delete pending[id], guard)
    if (config.wait) timedOut = await waitForAll(config, deps, result)
    if (plan.deletes.length > 0) await holder?.confirm()
    await deleteObjects(config, deps, plan, result, guard)
    await holder?.finish(stateNow(plan.deletes))
    holder = undefined
  } catch (err) {
    // Release the lock on the way out, recording what was done.
    throw holder
      ? await holder.releaseAfterFailure(stateNow(plan.deletes.slice(0, result.deleted)), err)
      : err
  } finally {
    holder?.stop()
  }
  if (timedOut.length > 0 && config.failOnWaitTimeout) {
    throw new Error(`${timedOut.join(' ')} (fail-on-wait-timeout is set)`)
  }
}

import type { DeployConfig } from './config/config'
import { InputError } from './config/input-error'
import { checkSource } from './steps/check-source'
import type { ScanResult } from './local/scan'
import { describePlan, listed } from './plan/describe'
import { emptyManifest, type Manifest } from './plan/manifest'
import { nextManifest } from './plan/state-update'
import type { LockStatus } from './plan/lease'
import {
  newReleaseId,
  releasesToRetire,
  releaseView,
  wentLive,
  type ReleaseView
} from './plan/release-plan'
import { ciRun } from './platform/ci-run'
import { serverNow, systemClock, type DeployDeps, type DeployResult } from './steps/context'
import { compare, type BucketView, type Comparison } from './steps/compare'
import { describeLock } from './steps/lock/describe'
import { newLockRecord, observeLock, waitForLock } from './steps/lock/observe'
import { acquire } from './steps/lock/acquire'
import type { StateKeeper } from './steps/lock/holder'
import { writeObjects } from './steps/write'
import {
  readReleaseSite,
  releaseSiteKey,
  retireReleases,
  switchTo,
  type ReleaseSite
} from './steps/release'

/**
 * `releases: true` (docs/release-mode.md): compare the source with the live release → plan →
 * take the lock → write a whole new release under `<prefix>_releases/<id>/` (changed files
 * uploaded, the rest copied server-side from the live release) → make it live with one
 * conditional write to the KeyValueStore → retire old releases → record the state and release
 * the lock. The live release is never written to: until the switch, and after any failure before
 * it, viewers get the old build whole; after it, the new one whole, with no invalidation.
 */
export async function deployRelease(
  config: DeployConfig,
  deps: DeployDeps,
  result: DeployResult,
  /** Whether checkSource has run already (main.ts runs it before loading the SDK). */
  sourceChecked = false
): Promise<void> {
  const { log, clock = systemClock } = deps
  const release = config.release as NonNullable<DeployConfig['release']>
  if (!sourceChecked) await checkSource(config)
  const deadline = clock.now() + config.lockTimeoutSeconds * 1000
  const record = newLockRecord(deps.env, Date.now(), config.lease.durationMs)
  const key = await releaseSiteKey(config, deps, result)
  const reserved = new Set([config.manifestKey, config.lockKey])
  let scan: ScanResult | undefined
  let site: ReleaseSite
  let view: ReleaseView
  let state: Comparison
  let holder: StateKeeper | undefined
  let id: string | undefined
  for (let round = 1; ; round++) {
    site = await readReleaseSite(config, deps, key)
    // Chosen once: the source is hashed once, under the keys of this release's folder.
    if (id === undefined) {
      id = newReleaseId(new Date(serverNow(deps)), ciRun(deps.env).commit, site.existing)
    } else if (site.existing.includes(id)) {
      throw new Error(
        `Another deploy wrote a release with the same id (${id}) while this one waited for the lock. Nothing was changed by this deploy: run it again.`
      )
    }
    const next = id
    view = releaseView(config.prefix, site.live, next, reserved)
    state = await compare(config, deps, scan, bucketView(view))
    scan = state.scan
    if (!state.manifestUsable) {
      throw new InputError(
        `Refusing to deploy a release: the state object s3://${config.bucket}/${config.manifestKey} cannot be read, so this deploy can neither take the lock nor know which releases went live. Nothing was changed. Grant s3:GetObject on arn:aws:s3:::${config.bucket}/${config.manifestKey}.`
      )
    }
    const lock: LockStatus = await observeLock(config, deps, state.stateObject, state.manifest.lock)
    result.plan = state.plan
    result.remote = state.remote
    const gone = removedFiles(state)
    const history = wentLive(state.manifest.release, id, site.live)
    const retire = releasesToRetire([...site.existing, id], history, release.keep)
    await log.group(
      config.dryRun ? 'Release plan (dry run: nothing will change)' : 'Release plan',
      async () => {
        for (const line of describeRelease(config, site, next, state, gone, retire)) log.info(line)
      }
    )
    if (config.dryRun) {
      if (lock.state === 'held') {
        log.warning(
          `Another deploy is in progress on s3://${config.bucket}/${config.prefix}: ${describeLock(lock)}.`
        )
      }
      result.uploaded = state.plan.uploads.length
      result.updated = state.plan.updates.length
      result.release = id
      return
    }
    if (lock.state === 'held') {
      await waitForLock(config, deps, lock, deadline)
      continue
    }
    if (site.live && sameBuild(state, gone)) {
      log.info(`Release ${site.live} is live and holds this very build: nothing to do.`)
      result.release = site.live
      return
    }
    holder = await acquire(config, deps, {
      taken: state.manifest,
      record,
      read: state.manifest,
      stateObject: state.stateObject,
      observed: lock,
      deadline,
      round
    })
    if (holder) break
  }
  // Until the switch the live release is what the state object describes; from then on, the new.
  let recorded: Manifest = state.manifest
  try {
    const { plan } = state
    await writeObjects(
      config,
      deps,
      { ...plan, unchanged: [] },
      result,
      holder,
      state.scan.contents,
      {
        from: view.toLive,
        unchanged: plan.unchanged
      }
    )
    // The lease must still be this deploy's when it switches: renewed right before.
    await holder.confirm()
    await switchTo(deps, site, id, holder)
    result.release = id
    result.changedAnything = true
    const history = wentLive(state.manifest.release, id, site.live)
    recorded = {
      ...nextManifest({
        previous: emptyManifest(),
        prefix: view.keyPrefix,
        // The live release's objects under the new keys: a copy stores the same bytes.
        remote: state.remote,
        unchanged: [],
        written: result.written,
        deleted: [],
        kept: [],
        pending: {}
      }),
      release: { history }
    }
    await retireReleases(
      config,
      deps,
      releasesToRetire([...site.existing, id], history, release.keep),
      result,
      holder
    )
    await holder.finish(recorded)
    holder = undefined
  } catch (err) {
    throw holder ? await holder.releaseAfterFailure(recorded, err) : err
  } finally {
    holder?.stop()
  }
}

/** The comparison's view of the bucket: the live site under the new release's keys. */
function bucketView(view: ReleaseView): BucketView {
  return { listPrefix: view.listPrefix, keyPrefix: view.keyPrefix, rekey: view.toNew }
}

/** Files of the live release that are not in the build: the new release simply lacks them. */
function removedFiles(state: Comparison): string[] {
  const inBuild = new Set(state.scan.files.map(f => f.key))
  return [...state.remote.keys()].filter(k => !inBuild.has(k)).sort()
}

function sameBuild(state: Comparison, gone: readonly string[]): boolean {
  return state.plan.uploads.length === 0 && state.plan.updates.length === 0 && gone.length === 0
}

function describeRelease(
  config: DeployConfig,
  site: ReleaseSite,
  id: string,
  state: Comparison,
  gone: readonly string[],
  retire: readonly string[]
): string[] {
  const { plan } = state
  const would = config.dryRun ? 'Would make' : 'Makes'
  const lines = [
    `Release ${id}: ${plan.uploads.length} to upload, ${plan.unchanged.length + plan.updates.length} to copy server-side from ${site.live ? `release ${site.live}` : `s3://${config.bucket}/${config.prefix} (the site before release mode)`}${plan.updates.length ? ` (${plan.updates.length} with new headers)` : ''}, ${gone.length} left out.`,
    ...describePlan({ ...plan, unchanged: [] }, config.dryRun).slice(1)
  ]
  if (gone.length > 0) {
    lines.push(`Not in the new release (${gone.length}):`, ...listed(gone.map(k => `- ${k}`)))
  }
  lines.push(
    `${would} it live with one write to ${site.store}, key '${site.key}': no invalidation.`
  )
  if (retire.length > 0) {
    lines.push(`Then retires (keep-releases: ${config.release?.keep}): ${retire.join(', ')}.`)
  }
  return lines
}

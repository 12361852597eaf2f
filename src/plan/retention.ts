import { isPage } from './diff'
import type { RemovedAsset, SyncPlan } from './types'

/** keep-removed-assets, applied to one deploy. */
export interface RetentionRule {
  /** The grace period in seconds; 0 deletes at once. */
  keepSeconds: number
  /** Epoch seconds, by S3's clock, when this deploy planned. */
  now: number
  /** When the state object says a key left the build, if it says so. */
  removedAt: (key: string) => number | undefined
}

/**
 * The clocks of the assets this deploy was the first to find gone start when its build went live
 * (`liveAt`, epoch seconds by S3's clock, once its pages were written), not when it planned: a
 * deploy that waited for the lock, or uploaded for a long time, does not shorten their period.
 */
export function startClocks(kept: readonly RemovedAsset[], liveAt: number): RemovedAsset[] {
  return kept.map(asset =>
    asset.firstGone
      ? { key: asset.key, removedAt: liveAt, until: liveAt + (asset.until - asset.removedAt) }
      : asset
  )
}

/**
 * Code-split apps load old chunks lazily from tabs opened before a deploy, so a removed asset
 * stays (neither deleted nor invalidated) until it has been gone from the build for
 * `keepSeconds`; the first deploy that finds it gone starts its clock, and the deploy that finds
 * the period over deletes it. A removed HTML page goes at once: it must 404. A file that comes
 * back is in the build again, so it is never a candidate, and its clock is dropped.
 */
export function keepRemoved(plan: SyncPlan, rule: RetentionRule): SyncPlan {
  if (rule.keepSeconds <= 0 || plan.deletes.length === 0) return plan
  const deletes: string[] = []
  const kept: RemovedAsset[] = []
  const expired: RemovedAsset[] = []
  for (const key of plan.deletes) {
    if (isPage(key)) {
      deletes.push(key)
      continue
    }
    const known = rule.removedAt(key)
    // A clock ahead of now (a state object from a bad clock) is read as now: never kept longer.
    const removedAt = Math.min(known ?? rule.now, rule.now)
    const asset: RemovedAsset = {
      key,
      removedAt,
      until: removedAt + rule.keepSeconds,
      ...(known === undefined ? { firstGone: true } : {})
    }
    if (rule.now < asset.until) kept.push(asset)
    else {
      deletes.push(key)
      expired.push(asset)
    }
  }
  return { ...plan, deletes, kept, expired }
}

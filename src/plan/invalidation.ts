import { pathCost, type PathCost } from './cost'
import { foldPaths } from './fold'
import { viewerUrls } from './viewer-urls'
import type { RemoteObject, SyncPlan } from './types'

export interface InvalidationRequest {
  /** Keys uploaded or deleted. */
  changedKeys: readonly string[]
  /** Every other key known in the source or the bucket: what a wildcard would needlessly purge. */
  unchangedKeys: readonly string[]
  /** The distribution's origin path as a key prefix. */
  originPrefix: string
  /** The `paths` input, sent as given. */
  explicitPaths: readonly string[] | undefined
  /** Paths a failed earlier deploy left pending: sent too. */
  pending: readonly string[]
  maxPaths: number
}

export interface PlannedPaths {
  paths: string[]
  cost: PathCost
}

/**
 * The paths for one distribution: the given or folded URLs of what changed (none when nothing
 * did), with what an earlier deploy left pending. Pending paths are folded in with this deploy's
 * URLs, so the two together stay within the budget and keep what this deploy knows unchanged
 * cached where that pays.
 */
export function invalidationPaths(request: InvalidationRequest): PlannedPaths {
  const { pending, explicitPaths } = request
  const changed = viewerUrls(request.changedKeys, request.originPrefix)
  const planned = (paths: string[]) => ({
    paths,
    cost: pathCost(paths, [...changed, ...pending.filter(p => !p.endsWith('*'))])
  })
  if (changed.length === 0) return planned([...pending])
  if (explicitPaths && pending.length === 0) return planned([...explicitPaths])
  return planned(
    foldPaths(
      [...(explicitPaths ?? changed), ...pending],
      viewerUrls(request.unchangedKeys, request.originPrefix),
      // Paths given explicitly are sent, however many: pending ones must not fold them.
      { maxPaths: Math.max(request.maxPaths, explicitPaths?.length ?? 0) }
    )
  )
}

/** Whether a Cache-Control value has the `immutable` directive (a token, in any case). */
export function isImmutable(cacheControl: string | undefined): boolean {
  return (cacheControl ?? '')
    .split(',')
    .some(directive => directive.split('=')[0]?.trim().toLowerCase() === 'immutable')
}

export interface InvalidationKeys {
  /** Keys whose URLs are invalidated. */
  changedKeys: string[]
  /** Every other key known in the source or the bucket: what a wildcard would needlessly purge. */
  unchangedKeys: string[]
}

/**
 * Which keys' URLs a deploy invalidates: what was there and changed (content or headers), new
 * files, and what it deletes at once. Not invalidated, but known (a wildcard over them is charged
 * for them):
 * - a new file whose Cache-Control, from the user's own rules, says `immutable`: content-addressed
 *   by that declaration, so nobody can have requested its URL before it existed. Other new files
 *   and pages are, since a viewer may have cached a 404 or an SPA fallback for their URLs;
 * - removed assets kept for keep-removed-assets, and those deleted once it is over: what
 *   CloudFront still caches of them are the very bytes the bucket served, which expire by their
 *   own Cache-Control, and purging them would only break the oldest open tabs sooner.
 */
export function invalidationKeys(
  plan: SyncPlan,
  remote: ReadonlyMap<string, RemoteObject>
): InvalidationKeys {
  const exempt = plan.uploads
    .filter(u => u.reason === 'new' && isImmutable(u.file.headers.cacheControl))
    .map(u => u.file.key)
  const notInvalidated = new Set([...exempt, ...plan.expired.map(a => a.key)])
  const changedKeys = [
    ...plan.uploads.map(u => u.file.key),
    ...plan.updates.map(f => f.key),
    ...plan.deletes
  ].filter(key => !notInvalidated.has(key))
  const changed = new Set(changedKeys)
  const unchangedKeys = [
    ...plan.unchanged.map(f => f.key),
    ...[...remote.keys()].filter(k => !changed.has(k)),
    ...exempt
  ]
  return { changedKeys, unchangedKeys }
}

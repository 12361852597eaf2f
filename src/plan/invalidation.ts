import { foldPaths } from './fold'
import { viewerUrls } from './paths'

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

/**
 * The paths for one distribution: the given or folded URLs of what changed (none when nothing
 * did), with what an earlier deploy left pending. Pending paths are folded in with this deploy's
 * URLs, so the two together stay within the budget and keep what this deploy knows unchanged
 * cached where that pays.
 */
export function invalidationPaths(request: InvalidationRequest): string[] {
  const { pending, explicitPaths } = request
  const changed = viewerUrls(request.changedKeys, request.originPrefix)
  if (changed.length === 0) return [...pending]
  if (explicitPaths && pending.length === 0) return [...explicitPaths]
  return foldPaths(
    [...(explicitPaths ?? changed), ...pending],
    viewerUrls(request.unchangedKeys, request.originPrefix),
    // Paths given explicitly are sent, however many: pending ones must not fold them.
    { maxPaths: Math.max(request.maxPaths, explicitPaths?.length ?? 0) }
  )
}

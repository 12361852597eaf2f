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
  maxPaths: number
}

/** The paths for one distribution: none when nothing changed, else the given or folded URLs. */
export function invalidationPaths(request: InvalidationRequest): string[] {
  if (request.changedKeys.length === 0) return []
  if (request.explicitPaths) return [...request.explicitPaths]
  return foldPaths(
    viewerUrls(request.changedKeys, request.originPrefix),
    viewerUrls(request.unchangedKeys, request.originPrefix),
    { maxPaths: request.maxPaths }
  )
}

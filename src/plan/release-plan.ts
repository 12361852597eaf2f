import type { ReleaseRecord } from './manifest'
import { RELEASES_FOLDER, releaseId, releasePrefix } from './release-route'

/**
 * Release mode's decisions, as plain functions of what was read: what a new release is compared
 * with and copied from, which releases are kept, what a rollback goes back to.
 */

/**
 * How the live site is seen from the new release: its objects under the keys their files get in
 * the new release (`toNew`), and back (`toLive`, the source of a server-side copy). The live site
 * is the live release's folder, or, before the first release, the prefix itself (a site deployed
 * without release mode: its files are copied rather than uploaded again).
 */
export interface ReleaseView {
  listPrefix: string
  keyPrefix: string
  toNew: (key: string) => string | undefined
  toLive: (key: string) => string
}

export function releaseView(
  prefix: string,
  live: string | undefined,
  next: string,
  /** The action's own keys under the prefix (state object, lease): never part of the site. */
  reserved: ReadonlySet<string>
): ReleaseView {
  const listPrefix = live === undefined ? prefix : releasePrefix(prefix, live)
  const keyPrefix = releasePrefix(prefix, next)
  const releases = `${prefix}${RELEASES_FOLDER}/`
  return {
    listPrefix,
    keyPrefix,
    // Listing the prefix itself (no release yet), its releases' folders are no part of the site.
    toNew: key =>
      reserved.has(key) || (live === undefined && key.startsWith(releases))
        ? undefined
        : keyPrefix + key.slice(listPrefix.length),
    toLive: key => listPrefix + key.slice(keyPrefix.length)
  }
}

/** A new release id, unlike any release already in the bucket (two deploys in one second). */
export function newReleaseId(now: Date, commit: string | undefined, existing: Iterable<string>) {
  const taken = new Set(existing)
  const base = releaseId(now, commit)
  let id = base
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`
  return id
}

/**
 * The releases that went live, newest first, once `live` has: `previous` (what the store named
 * before, also when a hand edit put it there) comes next.
 */
export function wentLive(record: ReleaseRecord | undefined, live: string, previous?: string) {
  const history = [live, ...(previous === undefined ? [] : [previous]), ...(record?.history ?? [])]
  return [...new Set(history)]
}

/**
 * What to delete once `history[0]` is live: every release in the bucket but the newest `keep`
 * that went live. The live one and the one before it are always among those; a release that never
 * went live (a deploy that failed before its switch) goes at the next deploy.
 */
export function releasesToRetire(
  existing: readonly string[],
  history: readonly string[],
  keep: number
): string[] {
  const kept = new Set(history.slice(0, Math.max(2, keep)))
  return existing.filter(id => !kept.has(id)).sort()
}

/** `rollback: previous` or an id, as the state object's history and the bucket allow. */
export function rollbackTarget(
  asked: string,
  history: readonly string[],
  live: string | undefined,
  existing: ReadonlySet<string>
): { target: string } | { refused: string } {
  const target = asked === 'previous' ? history.find(id => id !== live) : asked
  if (target === undefined) {
    return { refused: 'no release was live before this one: there is nothing to go back to' }
  }
  if (!existing.has(target)) {
    return {
      refused: `release ${target} is no longer in the bucket (keep-releases retired it, or it never existed)`
    }
  }
  if (!history.includes(target)) {
    return {
      refused: `release ${target} never went live (its deploy failed before the switch): it may be incomplete`
    }
  }
  return { target }
}

import { encodePath } from './viewer-urls'

/**
 * Release mode's names, shared by the deploy and edge/release-router.js (a test checks that the
 * function holds the same pattern and depth): where a release lives in the bucket, the
 * KeyValueStore key that names a site's live release, and the release id itself.
 */

/** The folder, under the site's prefix, that holds one folder per release. */
export const RELEASES_FOLDER = '_releases'

/** How many folders deep below the origin path the function looks for a site (`/a/b/`). */
export const MAX_SITE_DEPTH = 2

/** A release id: a path segment safe in an S3 key, a URL and a KVS value. */
export const RELEASE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/

/**
 * A new release id, short and sortable by time: `20261204T153012Z` then, when known, the first
 * 7 characters of the commit (`20261204T153012Z-5a6717a`). Two deploys of one site in the same
 * second are kept apart by the lock, not by the id.
 */
export function releaseId(now: Date, commit = ''): string {
  const time = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
  const short = commit.replace(/[^A-Za-z0-9]/g, '').slice(0, 7)
  return short ? `${time}-${short}` : time
}

/** Where a release's files go in the bucket: `<prefix>_releases/<id>/` (prefix '' or `a/`). */
export function releasePrefix(prefix: string, id: string): string {
  if (!RELEASE_ID.test(id)) throw new Error(`Not a release id: '${id}'`)
  return `${prefix}${RELEASES_FOLDER}/${id}/`
}

/**
 * The site's KVS key: its path as viewers request it, between slashes (`/`, `/pr-7/`), which is
 * the prefix without the distribution's origin path (`originPrefix`, '' or `site/`), encoded as
 * CloudFront sees it. Throws, naming the input, for a prefix the function cannot route.
 */
export function releaseKey(prefix: string, originPrefix: string): string {
  if (!prefix.startsWith(originPrefix)) {
    throw new Error(
      `Input 'prefix' ('${prefix}') is outside the distribution's origin path ('/${originPrefix}'): its releases could not be served.`
    )
  }
  const path = prefix.slice(originPrefix.length)
  const depth = path.split('/').filter(Boolean).length
  if (depth > MAX_SITE_DEPTH) {
    throw new Error(
      `Input 'prefix' ('${prefix}') is ${depth} folders below the distribution's origin path; release mode serves sites at most ${MAX_SITE_DEPTH} deep (edge/release-router.js).`
    )
  }
  if (path.split('/').includes(RELEASES_FOLDER)) {
    throw new Error(
      `Input 'prefix' ('${prefix}') contains '${RELEASES_FOLDER}', which release mode keeps for itself.`
    )
  }
  return `/${encodePath(path)}`
}

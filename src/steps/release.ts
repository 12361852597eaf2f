import type { DeployConfig } from '../config/config'
import { InputError } from '../config/input-error'
import type { DeployDeps, DeployResult } from './context'
import { readDistributions, urlOf } from './distribution'
import { describeStore, liveRelease, swapRelease } from '../aws/kvs'
import { deleteInBatches } from '../aws/delete-batches'
import { attempt } from '../aws/step-error'
import { bucketOperation } from '../aws/explain'
import { listFolders, listRemote } from '../remote/list'
import { RELEASES_FOLDER, releaseKey, releasePrefix } from '../plan/release-route'
import type { WriteGuard } from './write'

/** Where a site's live release is named, and what it is now: read before anything changes. */
export interface ReleaseSite {
  store: string
  /** The site's key in the store (its path as viewers request it). */
  key: string
  live: string | undefined
  /** The release folders in the bucket. */
  existing: string[]
}

function storeOf(config: DeployConfig): string {
  if (!config.release) throw new Error('not in release mode')
  return config.release.store
}

/**
 * The site's key in the store, from the prefix and the first distribution's origin path (which
 * the function never sees), and the `url` output. A prefix the function cannot route is refused,
 * naming it, before anything changes.
 */
export async function releaseSiteKey(
  config: DeployConfig,
  deps: DeployDeps,
  result: DeployResult
): Promise<string> {
  const { views, notes } = await readDistributions(config, deps)
  for (const note of notes) deps.log.warning(note)
  result.url = urlOf(views, config.prefix)
  try {
    return releaseKey(config.prefix, views[0]?.originPrefix ?? '')
  } catch (err) {
    throw new InputError(`${(err as Error).message} Nothing was changed.`)
  }
}

/** The store (it must exist), the site's live release, and the release folders in the bucket. */
export async function readReleaseSite(
  config: DeployConfig,
  deps: DeployDeps,
  key: string
): Promise<ReleaseSite> {
  const store = storeOf(config)
  const kvs = deps.kvs
  if (!kvs) throw new Error('release mode without a KeyValueStore client')
  const [, live, existing] = await Promise.all([
    describeStore(kvs, store),
    liveRelease(kvs, store, key),
    attempt(
      bucketOperation(
        config,
        `Failed to list the releases under s3://${config.bucket}/${config.prefix}${RELEASES_FOLDER}/`,
        's3:ListBucket',
        `arn:aws:s3:::${config.bucket}`
      ),
      listFolders(deps.s3, config.bucket, `${config.prefix}${RELEASES_FOLDER}/`)
    )
  ])
  return { store, key, live, existing }
}

/** One conditional write to the store, fenced by the lease: `to` is live from the next request. */
export async function switchTo(
  deps: DeployDeps,
  site: ReleaseSite,
  to: string,
  guard: WriteGuard
): Promise<void> {
  guard.check()
  await swapRelease(
    deps.kvs as NonNullable<DeployDeps['kvs']>,
    { arn: site.store, key: site.key, from: site.live, to },
    guard.signal
  )
  deps.log.info(
    `Release ${to} is live at '${site.key}'${site.live ? ` (it was ${site.live})` : ''}.`
  )
}

/** Deletes whole release folders, object by object (DeleteObjects, 1,000 a request). */
export async function retireReleases(
  config: DeployConfig,
  deps: DeployDeps,
  ids: readonly string[],
  result: DeployResult,
  guard: WriteGuard
): Promise<void> {
  if (ids.length === 0) return
  await deps.log.group(`Retire ${ids.length} old release(s) (keep-releases)`, async () => {
    for (const id of ids) {
      const folder = releasePrefix(config.prefix, id)
      const op = (what: string, permission: string) =>
        bucketOperation(
          config,
          `${what} s3://${config.bucket}/${folder}`,
          permission,
          `arn:aws:s3:::${config.bucket}/${folder}*`
        )
      const keys = [
        ...(
          await attempt(
            op('Failed to list', 's3:ListBucket'),
            listRemote(deps.s3, config.bucket, folder)
          )
        ).keys()
      ]
      const before = result.deleted
      await attempt(
        op('Failed to delete', 's3:DeleteObject'),
        deleteInBatches(
          deps.s3,
          config.bucket,
          keys,
          done => (result.deleted = before + done),
          () => {
            guard.check()
            result.changedAnything = true
          },
          guard.signal
        )
      )
      result.retired.push(id)
      deps.log.info(`Retired release ${id}: ${keys.length} object(s).`)
    }
  })
}

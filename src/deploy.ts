import { createHash } from 'node:crypto'
import type { S3Client } from '@aws-sdk/client-s3'
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront'
import type { DeployConfig } from './config/config'
import type { Logger } from './platform'
import { scanSource } from './local/scan'
import { listRemote } from './remote/list'
import { isPage, planSync } from './plan/diff'
import { changedPaths } from './plan/paths'
import { describePlan, formatBytes } from './plan/describe'
import { callerReference } from './plan/caller-reference'
import type { SyncPlan } from './plan/types'
import { uploadFile } from './aws/upload'
import { deleteKeys } from './aws/delete'
import { createInvalidation, waitForInvalidation, type Invalidation } from './aws/invalidate'
import { forEachLimit } from './util/pool'
import { withContext } from './errors'

export interface DeployDeps {
  s3: S3Client
  cloudfront: CloudFrontClient
  log: Logger
  env: NodeJS.ProcessEnv
  /** Injectable so tests don't wait. */
  clock?: { sleep: (ms: number) => Promise<void>; now: () => number }
}

/** What was done (or, in a dry run, would be), reported as outputs even when a step failed. */
export interface DeployResult {
  dryRun: boolean
  plan: SyncPlan | undefined
  uploaded: number
  deleted: number
  invalidationPaths: string[]
  invalidations: Invalidation[]
}

export function emptyResult(dryRun: boolean): DeployResult {
  return {
    dryRun,
    plan: undefined,
    uploaded: 0,
    deleted: 0,
    invalidationPaths: [],
    invalidations: []
  }
}

/**
 * Scan and list (in parallel) → plan → upload assets, then pages → invalidate → delete.
 * Deletions come last and only after every upload succeeded, so the live site never links to
 * something already gone. `result` is filled in as steps complete.
 */
export async function deploy(
  config: DeployConfig,
  deps: DeployDeps,
  result: DeployResult
): Promise<void> {
  const { s3, cloudfront, log } = deps
  const target = `s3://${config.bucket}/${config.prefix}`

  const [scan, remote] = await log.group(`Compare ${config.source} with ${target}`, async () => {
    const started = Date.now()
    const both = await Promise.all([
      scanSource(config.source, config.prefix),
      withContext(`Failed to list ${target}`, listRemote(s3, config.bucket, config.prefix))
    ])
    const [scanned, listed] = both
    for (const link of scanned.skippedLinks) {
      log.warning(`Skipped symbolic link ${link.relPath}: ${link.reason}.`)
    }
    log.info(
      `${scanned.files.length} file(s), ${formatBytes(scanned.bytes)} in the source; ${listed.size} object(s) in the bucket (${Date.now() - started} ms)`
    )
    return both
  })

  const plan = planSync(scan.files, remote, { delete: config.delete })
  const changed = [...plan.uploads.map(u => u.file.key), ...plan.deletes]
  const paths =
    config.distributionIds.length === 0 || changed.length === 0
      ? []
      : (config.paths ?? changedPaths(changed))
  result.plan = plan
  result.invalidationPaths = paths
  await log.group(config.dryRun ? 'Plan (dry run: nothing will change)' : 'Plan', async () => {
    for (const line of describePlan(plan, paths, config.dryRun)) log.info(line)
  })
  if (config.dryRun) {
    result.uploaded = plan.uploads.length
    result.deleted = plan.deletes.length
    return
  }

  if (plan.uploads.length > 0) {
    await log.group(`Upload ${plan.uploads.length} file(s)`, async () => {
      const total = plan.uploads.reduce((sum, u) => sum + u.file.size, 0)
      let bytes = 0
      // Two waves: every asset is in place before the first page that may link to it.
      const waves = [
        plan.uploads.filter(u => !isPage(u.file.key)),
        plan.uploads.filter(u => isPage(u.file.key))
      ]
      for (const wave of waves) {
        await forEachLimit(wave, config.concurrency, async ({ file }) => {
          await withContext(
            `Failed to upload ${file.relPath} to s3://${config.bucket}/${file.key}`,
            uploadFile(s3, config.bucket, file)
          )
          result.uploaded++
          bytes += file.size
        })
      }
      log.info(
        `Uploaded ${result.uploaded} file(s), ${formatBytes(bytes)} of ${formatBytes(total)}`
      )
    })
  }

  if (paths.length > 0) {
    await log.group(`Invalidate ${paths.length} path(s)`, async () => {
      const digest = contentDigest(plan)
      for (const distributionId of config.distributionIds) {
        const reference = callerReference(deps.env, distributionId, paths, digest)
        const invalidation = await withContext(
          `Failed to create invalidation for distribution ${distributionId}`,
          createInvalidation(cloudfront, distributionId, paths, reference)
        )
        result.invalidations.push(invalidation)
        log.info(
          `Created invalidation ${invalidation.id} on ${distributionId}: ${invalidation.status}`
        )
      }
    })
  }

  if (plan.deletes.length > 0) {
    await log.group(`Delete ${plan.deletes.length} object(s)`, async () => {
      await withContext(
        `Failed to delete from ${target}`,
        deleteKeys(s3, config.bucket, plan.deletes, done => {
          result.deleted = done
        })
      )
      log.info(`Deleted ${result.deleted} object(s)`)
    })
  }

  if (config.wait && result.invalidations.length > 0) {
    await log.group('Wait for the invalidation', async () => {
      for (const invalidation of result.invalidations) {
        const outcome = await withContext(
          `Failed to read invalidation ${invalidation.id} on ${invalidation.distributionId}`,
          waitForInvalidation(cloudfront, invalidation, {
            timeoutSeconds: config.waitTimeoutSeconds,
            ...deps.clock,
            onPoll: (status, seconds) =>
              log.info(`${invalidation.id}: ${status} after ${seconds} s`)
          })
        )
        invalidation.status = outcome.status
        if (outcome.timedOut) {
          throw new Error(
            `Invalidation ${invalidation.id} on ${invalidation.distributionId} was still ${outcome.status} after the wait-timeout of ${config.waitTimeoutSeconds} s. The files are deployed; the CDN may serve old copies until it completes.`
          )
        }
        log.info(`${invalidation.id}: ${outcome.status}`)
      }
    })
  }
}

/** A digest of what this deploy changes, part of the CallerReference. */
function contentDigest(plan: SyncPlan): string {
  const hash = createHash('sha256')
  for (const u of plan.uploads) hash.update(`${u.file.key}\0${u.file.md5}\n`)
  for (const key of plan.deletes) hash.update(`${key}\0-\n`)
  return hash.digest('hex')
}

import { createHash } from 'node:crypto'
import type { S3Client } from '@aws-sdk/client-s3'
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront'
import type { DeployConfig } from './config/config'
import type { Logger } from './platform'
import { scanSource } from './local/scan'
import { listRemote } from './remote/list'
import { isPage, planSync } from './plan/diff'
import { describePaths, describePlan, formatBytes } from './plan/describe'
import { callerReference } from './plan/caller-reference'
import { invalidationPaths } from './plan/invalidation'
import { originPrefixFor } from './plan/origin'
import type { RemoteObject, SyncPlan } from './plan/types'
import { uploadFile } from './aws/upload'
import { deleteKeys } from './aws/delete'
import { createInvalidation, waitForInvalidation, type Invalidation } from './aws/invalidate'
import { readOrigins } from './aws/distribution'
import { isTransientAwsError, retryFor } from './aws/retry'
import { forEachLimit } from './util/pool'
import { attempt, describeCause, StepError } from './errors'
import { InputError } from './config/errors'
import { checkSourceFolder } from './local/walk'

export interface Clock {
  sleep: (ms: number) => Promise<void>
  now: () => number
}

export interface DeployDeps {
  s3: S3Client
  cloudfront: CloudFrontClient
  log: Logger
  env: NodeJS.ProcessEnv
  /** Injectable so tests don't wait. */
  clock?: Clock
}

/** The paths planned for one distribution. */
export interface InvalidationTarget {
  distributionId: string
  paths: string[]
}

/** What was done (or, in a dry run, would be), reported as outputs even when a step failed. */
export interface DeployResult {
  dryRun: boolean
  plan: SyncPlan | undefined
  uploaded: number
  deleted: number
  targets: InvalidationTarget[]
  invalidations: Invalidation[]
}

export function emptyResult(dryRun: boolean): DeployResult {
  return { dryRun, plan: undefined, uploaded: 0, deleted: 0, targets: [], invalidations: [] }
}

/** How long to keep retrying CreateInvalidation through TooManyInvalidationsInProgress & co. */
export const INVALIDATION_RETRY_MS = 5 * 60_000

/**
 * Scan and list (in parallel) → plan → upload assets, then pages → invalidate → (wait) → delete.
 * Deletions come last and only after every upload and the invalidation succeeded, so the live
 * site never links to something already gone. `result` is filled in as steps complete.
 */
export async function deploy(
  config: DeployConfig,
  deps: DeployDeps,
  result: DeployResult
): Promise<void> {
  const { log } = deps
  // Local problems first, before any request: a missing or empty source is an input error.
  await checkSourceFolder(config.source)
  const { plan, remote } = await compare(config, deps)
  result.plan = plan
  result.targets = await planInvalidations(config, deps, plan, remote)

  await log.group(config.dryRun ? 'Plan (dry run: nothing will change)' : 'Plan', async () => {
    const lines = describePlan(plan, config.dryRun)
    for (const t of result.targets) {
      if (t.paths.length > 0) {
        lines.push(
          ...describePaths(
            t.paths,
            config.dryRun,
            result.targets.length > 1 ? t.distributionId : undefined
          )
        )
      }
    }
    for (const line of lines) log.info(line)
  })
  if (config.maxDeletes >= 0 && plan.deletes.length > config.maxDeletes) {
    throw new InputError(
      `Refusing to deploy: it would delete ${plan.deletes.length} objects under s3://${config.bucket}/${config.prefix}, more than max-deletes (${config.maxDeletes}). Nothing was changed. If that is intended, set max-deletes to ${plan.deletes.length} or more (-1 for no limit).`
    )
  }
  if (config.dryRun) {
    result.uploaded = plan.uploads.length
    result.deleted = plan.deletes.length
    return
  }

  await upload(config, deps, plan, result)
  await invalidate(config, deps, plan, result)
  const timedOut = config.wait ? await waitForAll(config, deps, result) : []
  await remove(config, deps, plan, result)
  if (timedOut.length > 0 && config.failOnWaitTimeout) {
    throw new Error(`${timedOut.join(' ')} (fail-on-wait-timeout is set)`)
  }
}

async function compare(config: DeployConfig, { s3, log }: DeployDeps) {
  const target = `s3://${config.bucket}/${config.prefix}`
  return log.group(`Compare ${config.source} with ${target}`, async () => {
    const started = Date.now()
    const [scan, remote] = await Promise.all([
      scanSource(config.source, config.prefix),
      attempt(
        {
          what: `Failed to list ${target}`,
          permission: 's3:ListBucket',
          resource: `arn:aws:s3:::${config.bucket}`,
          bucket: config.bucket,
          region: config.region
        },
        listRemote(s3, config.bucket, config.prefix)
      )
    ])
    const outside = scan.skippedLinks.filter(l => l.kind === 'outside')
    if (outside.length > 0 && config.outsideSymlinks === 'fail') {
      throw new InputError(
        `Symbolic link ${outside.map(l => `'${l.relPath}' ${l.reason}`).join(', ')}; outside-symlinks is 'fail'. Links out of the source are never published: remove them, or set outside-symlinks: skip to skip them with a warning.`
      )
    }
    for (const link of scan.skippedLinks) {
      log.warning(`Skipped symbolic link ${link.relPath}: ${link.reason}; it is not published.`)
    }
    log.info(
      `${scan.files.length} file(s), ${formatBytes(scan.bytes)} in the source; ${remote.size} object(s) in the bucket (${Date.now() - started} ms)`
    )
    return { plan: planSync(scan.files, remote, { delete: config.delete }), remote }
  })
}

/**
 * The paths per distribution, before anything changes. Reading the distribution (GetDistribution)
 * gives its origin path, and proves it exists before the first upload.
 */
async function planInvalidations(
  config: DeployConfig,
  { cloudfront, log }: DeployDeps,
  plan: SyncPlan,
  remote: ReadonlyMap<string, RemoteObject>
): Promise<InvalidationTarget[]> {
  const changedKeys = [...plan.uploads.map(u => u.file.key), ...plan.deletes]
  if (changedKeys.length === 0 || config.distributionIds.length === 0) return []
  const changed = new Set(changedKeys)
  const unchangedKeys = [
    ...plan.unchanged.map(f => f.key),
    ...[...remote.keys()].filter(k => !changed.has(k))
  ]
  return Promise.all(
    config.distributionIds.map(async distributionId => {
      let originPrefix = ''
      try {
        const { origins, defaultOriginId } = await readOrigins(cloudfront, distributionId)
        const origin = originPrefixFor(
          distributionId,
          origins,
          defaultOriginId,
          config.bucket,
          config.prefix
        )
        if (origin.warning && !config.paths) log.warning(origin.warning)
        originPrefix = origin.prefix
      } catch (err) {
        if (err instanceof Error && err.name === 'NoSuchDistribution') {
          throw new StepError(
            `Input 'distribution-id': distribution ${distributionId} does not exist in this account (NoSuchDistribution). Nothing was changed.`,
            err
          )
        }
        const note = `Could not read distribution ${distributionId} to find its origin path (${describeCause(err)})`
        if (config.paths) log.debug(note)
        else
          log.warning(
            `${note}. Invalidating /<key> URLs as if it had none; grant cloudfront:GetDistribution to take it into account.`
          )
      }
      const paths = invalidationPaths({
        changedKeys,
        unchangedKeys,
        originPrefix,
        explicitPaths: config.paths,
        maxPaths: config.invalidationMaxPaths
      })
      return { distributionId, paths }
    })
  )
}

async function upload(
  config: DeployConfig,
  { s3, log }: DeployDeps,
  plan: SyncPlan,
  result: DeployResult
) {
  if (plan.uploads.length === 0) return
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
        await attempt(
          {
            what: `Failed to upload ${file.relPath} to s3://${config.bucket}/${file.key}`,
            permission: 's3:PutObject',
            resource: `arn:aws:s3:::${config.bucket}/${config.prefix}*`,
            bucket: config.bucket,
            region: config.region
          },
          uploadFile(s3, config.bucket, file)
        )
        result.uploaded++
        bytes += file.size
      })
    }
    log.info(`Uploaded ${result.uploaded} file(s), ${formatBytes(bytes)} of ${formatBytes(total)}`)
  })
}

async function invalidate(
  config: DeployConfig,
  deps: DeployDeps,
  plan: SyncPlan,
  result: DeployResult
) {
  const targets = result.targets.filter(t => t.paths.length > 0)
  if (targets.length === 0) return
  const { cloudfront, log } = deps
  await log.group(
    `Invalidate ${targets.map(t => t.paths.length).join(' + ')} path(s)`,
    async () => {
      const digest = contentDigest(plan)
      for (const { distributionId, paths } of targets) {
        const reference = callerReference(deps.env, distributionId, paths, digest)
        const invalidation = await attempt(
          {
            what: `Failed to create invalidation for distribution ${distributionId}`,
            permission: 'cloudfront:CreateInvalidation',
            resource: `distribution ${distributionId}`
          },
          // The same CallerReference on every attempt: a retry never creates a second invalidation.
          retryFor(() => createInvalidation(cloudfront, distributionId, paths, reference), {
            maxElapsedMs: INVALIDATION_RETRY_MS,
            isRetryable: isTransientAwsError,
            onRetry: (err, n, delay) =>
              log.warning(
                `CreateInvalidation on ${distributionId}: ${describeCause(err)}; retry ${n} in ${(delay / 1000).toFixed(1)} s`
              ),
            ...deps.clock
          })
        )
        result.invalidations.push(invalidation)
        log.info(
          `Created invalidation ${invalidation.id} on ${distributionId}: ${invalidation.status}`
        )
      }
    }
  )
}

/** Waits for each invalidation; returns a message per one still in progress at the timeout. */
async function waitForAll(
  config: DeployConfig,
  { cloudfront, log, clock }: DeployDeps,
  result: DeployResult
) {
  const timedOut: string[] = []
  if (result.invalidations.length === 0) return timedOut
  await log.group('Wait for the invalidation', async () => {
    for (const invalidation of result.invalidations) {
      const outcome = await attempt(
        {
          what: `Failed to read invalidation ${invalidation.id} on ${invalidation.distributionId}`,
          permission: 'cloudfront:GetInvalidation',
          resource: `distribution ${invalidation.distributionId}`
        },
        waitForInvalidation(cloudfront, invalidation, {
          timeoutSeconds: config.waitTimeoutSeconds,
          ...clock,
          onPoll: (status, seconds) => log.info(`${invalidation.id}: ${status} after ${seconds} s`)
        })
      )
      invalidation.status = outcome.status
      if (outcome.timedOut) {
        const message = `Invalidation ${invalidation.id} on ${invalidation.distributionId} is still ${outcome.status} after the wait-timeout of ${config.waitTimeoutSeconds} s. The deploy itself has succeeded: the files are in the bucket, and CloudFront may serve old copies until the invalidation completes.`
        log.warning(message)
        timedOut.push(message)
      } else {
        log.info(`${invalidation.id}: ${outcome.status}`)
      }
    }
  })
  return timedOut
}

async function remove(
  config: DeployConfig,
  { s3, log }: DeployDeps,
  plan: SyncPlan,
  result: DeployResult
) {
  if (plan.deletes.length === 0) return
  await log.group(`Delete ${plan.deletes.length} object(s)`, async () => {
    await attempt(
      {
        what: `Failed to delete from s3://${config.bucket}/${config.prefix}`,
        permission: 's3:DeleteObject',
        resource: `arn:aws:s3:::${config.bucket}/${config.prefix}*`,
        bucket: config.bucket,
        region: config.region
      },
      deleteKeys(s3, config.bucket, plan.deletes, done => {
        result.deleted = done
      })
    )
    log.info(`Deleted ${result.deleted} object(s)`)
  })
}

/** A digest of what this deploy changes, part of the CallerReference. */
function contentDigest(plan: SyncPlan): string {
  const hash = createHash('sha256')
  for (const u of plan.uploads) hash.update(`${u.file.key}\0${u.file.md5}\n`)
  for (const key of plan.deletes) hash.update(`${key}\0-\n`)
  return hash.digest('hex')
}

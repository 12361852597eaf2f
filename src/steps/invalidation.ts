import { createHash } from 'node:crypto'
import type { DeployConfig } from '../config/config'
import type { DeployDeps, DeployResult, InvalidationTarget } from './context'
import { createInvalidation, waitForInvalidation } from '../aws/invalidate'
import { isTransientAwsError, retryFor } from '../aws/retry'
import { callerReference } from '../plan/caller-reference'
import { contentId } from '../plan/compress'
import { ciRun } from '../platform/ci-run'
import { describeCost } from '../plan/cost'
import { invalidationKeys, invalidationPaths } from '../plan/invalidation'
import type { RemoteObject, SyncPlan } from '../plan/types'
import { attempt, describeCause } from '../aws/step-error'
import type { DistributionView } from './distribution'
import type { WriteGuard } from './write'

/** How long to keep retrying CreateInvalidation through TooManyInvalidationsInProgress & co. */
export const INVALIDATION_RETRY_MS = 5 * 60_000

/**
 * The paths per distribution, before anything changes: the URLs of what changed (as viewers
 * request them, through each distribution's origin path), plus any paths a failed earlier
 * deploy left pending.
 */
export function planInvalidations(
  config: DeployConfig,
  { log }: DeployDeps,
  plan: SyncPlan,
  remote: ReadonlyMap<string, RemoteObject>,
  pending: Readonly<Record<string, string[]>>,
  distributions: readonly DistributionView[]
): InvalidationTarget[] {
  const { changedKeys, unchangedKeys } = invalidationKeys(plan, remote)
  return distributions.map(({ distributionId, originPrefix }) => {
    const earlier = pending[distributionId] ?? []
    if (earlier.length > 0) {
      log.info(
        `Distribution ${distributionId}: ${earlier.length} path(s) left pending by an earlier deploy are invalidated too.`
      )
    }
    return {
      distributionId,
      ...invalidationPaths({
        changedKeys,
        unchangedKeys,
        explicitPaths: config.paths,
        pending: earlier,
        maxPaths: config.invalidationMaxPaths,
        originPrefix
      })
    }
  })
}

export async function invalidate(
  config: DeployConfig,
  deps: DeployDeps,
  plan: SyncPlan,
  result: DeployResult,
  onCreated: (distributionId: string) => void = () => undefined,
  guard: WriteGuard = { check: () => undefined }
): Promise<void> {
  const targets = result.targets.filter(t => t.paths.length > 0)
  if (targets.length === 0) return
  const { cloudfront, log } = deps
  await log.group(
    `Invalidate ${targets.map(t => t.paths.length).join(' + ')} path(s)`,
    async () => {
      const digest = contentDigest(plan)
      for (const { distributionId, paths, cost } of targets) {
        guard.check()
        result.changedAnything = true
        const reference = callerReference(ciRun(deps.env), distributionId, paths, digest)
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
        onCreated(distributionId)
        log.info(
          `Created invalidation ${invalidation.id} on ${distributionId} for ${describeCost(paths, cost)}: ${invalidation.status}`
        )
      }
    }
  )
}

/** Waits for each invalidation; returns a message per one still in progress at the timeout. */
export async function waitForAll(
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

/** A digest of what this deploy changes, part of the CallerReference. */
function contentDigest(plan: SyncPlan): string {
  const hash = createHash('sha256')
  for (const u of plan.uploads) hash.update(`${u.file.key}\0${contentId(u.file)}\n`)
  for (const f of plan.updates) hash.update(`${f.key}\0${f.headersDigest}\n`)
  for (const key of plan.deletes) hash.update(`${key}\0-\n`)
  return hash.digest('hex')
}

import type { S3Client } from '@aws-sdk/client-s3'
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront'
import type { DeployConfig } from './config/config'
import { InputError } from './config/errors'
import type { Logger } from './platform'
import type { Invalidation } from './aws/invalidate'
import type { PathCost } from './plan/cost'
import { checkSourceFolder } from './local/walk'
import { describePaths, describePlan } from './plan/describe'
import { nextManifest, serializeManifest, type Manifest } from './plan/manifest'
import type { SourceFile, SyncPlan } from './plan/types'
import { writeManifest } from './remote/manifest'
import { compare, type Comparison } from './steps/compare'
import { invalidate, planInvalidations, waitForAll } from './steps/invalidation'
import { removeObjects } from './steps/remove'
import { writeObjects } from './steps/write'
import { attempt } from './errors'
import { bucketOperation } from './aws/explain'

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
  /** How often long phases print their progress (default 10 s). */
  progressIntervalMs?: number
}

/** The paths planned for one distribution. */
export interface InvalidationTarget {
  distributionId: string
  paths: string[]
  /** How many changed URLs each wildcard covers, for the log and the summary. */
  cost?: PathCost
}

/** What was done (or, in a dry run, would be), reported as outputs even when a step failed. */
export interface DeployResult {
  dryRun: boolean
  plan: SyncPlan | undefined
  uploaded: number
  /** Objects whose headers were updated in place. */
  updated: number
  deleted: number
  targets: InvalidationTarget[]
  invalidations: Invalidation[]
  /** Every object written, with the ETag S3 gave it (for the manifest). */
  written: { file: SourceFile; etag: string }[]
}

export function emptyResult(dryRun: boolean): DeployResult {
  return {
    dryRun,
    plan: undefined,
    uploaded: 0,
    updated: 0,
    deleted: 0,
    targets: [],
    invalidations: [],
    written: []
  }
}

/**
 * compare (scan ‖ list ‖ manifest) → plan → write assets, then pages → invalidate → (wait) →
 * delete → record the manifest. Deletions come last and only after every write and the
 * invalidation succeeded, so the live site never links to something already gone. `result` is
 * filled in as steps complete.
 */
export async function deploy(
  config: DeployConfig,
  deps: DeployDeps,
  result: DeployResult
): Promise<void> {
  const { log } = deps
  // Local problems first, before any request: a missing or empty source is an input error.
  await checkSourceFolder(config.source)
  const state = await compare(config, deps)
  const { plan } = state
  result.plan = plan
  result.targets = await planInvalidations(config, deps, plan, state.remote, state.manifest.pending)

  await log.group(config.dryRun ? 'Plan (dry run: nothing will change)' : 'Plan', async () => {
    const lines = describePlan(plan, config.dryRun)
    for (const t of result.targets.filter(t => t.paths.length > 0)) {
      lines.push(
        ...describePaths(
          t.paths,
          config.dryRun,
          result.targets.length > 1 ? t.distributionId : undefined,
          t.cost
        )
      )
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
    result.updated = plan.updates.length
    result.deleted = plan.deletes.length
    return
  }

  // Record the paths as pending before the first write: if this deploy stops halfway, the next
  // one still invalidates what this one changed.
  const pending = { ...state.manifest.pending }
  for (const t of result.targets) if (t.paths.length > 0) pending[t.distributionId] = t.paths
  if (state.manifestUsable && result.targets.some(t => t.paths.length > 0)) {
    await saveManifest(config, deps, state, { ...state.manifest, pending })
  }

  await writeObjects(config, deps, plan, result)
  await invalidate(config, deps, plan, result, distributionId => delete pending[distributionId])
  const timedOut = config.wait ? await waitForAll(config, deps, result) : []
  await removeObjects(config, deps, plan, result)
  if (state.manifestUsable) {
    const manifest = nextManifest({
      previous: state.manifest,
      prefix: config.prefix,
      remote: state.remote,
      unchanged: plan.unchanged,
      written: result.written,
      deleted: plan.deletes,
      pending
    })
    await saveManifest(config, deps, state, manifest)
  }
  if (timedOut.length > 0 && config.failOnWaitTimeout) {
    throw new Error(`${timedOut.join(' ')} (fail-on-wait-timeout is set)`)
  }
}

/** Writes the manifest unless it would not change (a no-change deploy writes nothing). */
async function saveManifest(
  config: DeployConfig,
  { s3, log }: DeployDeps,
  state: Comparison,
  manifest: Manifest
) {
  const text = serializeManifest(manifest)
  if (text === state.manifestText) return
  await attempt(
    bucketOperation(
      config,
      `Failed to write the manifest s3://${config.bucket}/${config.manifestKey}`,
      's3:PutObject',
      `arn:aws:s3:::${config.bucket}/${config.manifestKey}`
    ),
    writeManifest(s3, config.bucket, config.manifestKey, text)
  )
  state.manifestText = text
  log.debug(
    `Wrote the manifest (${manifest.entries.size} entries, ${text.length} bytes before gzip)`
  )
}

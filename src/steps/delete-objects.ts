import type { DeployConfig } from '../config/config'
import type { DeployDeps, DeployResult } from './context'
import { deleteInBatches } from '../aws/delete-batches'
import type { SyncPlan } from '../plan/types'
import { attempt } from '../aws/step-error'
import { bucketOperation } from '../aws/explain'
import type { WriteGuard } from './write'

/**
 * The deletion step: the plan's deletes, in DeleteObjects batches, each batch only while `guard`
 * allows writing (the lease is held, the job not cancelled). `result.deleted` counts what went.
 */
export async function deleteObjects(
  config: DeployConfig,
  { s3, log }: DeployDeps,
  plan: SyncPlan,
  result: DeployResult,
  guard: WriteGuard = { check: () => undefined }
) {
  if (plan.deletes.length === 0) return
  await log.group(`Delete ${plan.deletes.length} object(s)`, async () => {
    await attempt(
      bucketOperation(
        config,
        `Failed to delete from s3://${config.bucket}/${config.prefix}`,
        's3:DeleteObject',
        `arn:aws:s3:::${config.bucket}/${config.prefix}*`
      ),
      deleteInBatches(
        s3,
        config.bucket,
        plan.deletes,
        done => {
          result.deleted = done
        },
        () => {
          guard.check()
          result.changedAnything = true
        },
        guard.signal
      )
    )
    log.info(`Deleted ${result.deleted} object(s)`)
  })
}

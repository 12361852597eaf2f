import type { DeployConfig } from '../config/config'
import type { DeployDeps, DeployResult } from './context'
import { deleteKeys } from '../aws/delete'
import type { SyncPlan } from '../plan/types'
import { attempt } from '../errors'
import { bucketOperation } from '../aws/explain'
import type { WriteGuard } from './write'

export async function removeObjects(
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
      deleteKeys(
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

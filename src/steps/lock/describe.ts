import type { DeployConfig } from '../../config/config'
import { bucketOperation } from '../../aws/explain'
import { formatDuration, type LockStatus } from '../../plan/lease'

/** `s3://bucket/prefix/`: where the lock is. */
export const where = (config: DeployConfig) => `s3://${config.bucket}/${config.prefix}`

/** A request on one of the lock's objects, for errors that name the permission it needs. */
export function lockOperation(config: DeployConfig, what: string, permission: string, key: string) {
  return bucketOperation(config, what, permission, `arn:aws:s3:::${config.bucket}/${key}`)
}

export function describeLock(status: LockStatus): string {
  if (status.state === 'free') return 'free'
  return `${status.holder}, since ${status.since} (last renewed ${formatDuration(status.silentMs)} ago)`
}

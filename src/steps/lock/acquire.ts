import type { DeployConfig } from '../../config/config'
import type { DeployDeps } from '../context'
import type { LockRecord, Manifest } from '../../plan/manifest'
import type { LockStatus } from '../../plan/lease'
import type { StateObject } from '../../remote/manifest'
import type { StateKeeper } from './holder'
import { takeOrWait } from './take'
import { Unlocked } from './unlocked'

/** What taking the lock needs: the state as read while planning, and what to record on taking it. */
export interface LockRequest {
  /** The state object to write when taking the lock (its pending paths, its entries). */
  taken: Manifest
  record: LockRecord
  /** The state object as read, and the lock as observed, while planning. */
  read: Manifest
  stateObject: StateObject | undefined
  observed: LockStatus
  deadline: number
  /** How many times this deploy has planned: retakes back off by it. */
  round: number
}

/**
 * The lock as `lock` asks for it: taken (see takeOrWait; undefined when another deploy got there
 * first, so plan again), or, with `lock: false`, none: the state object written as it is.
 */
export async function acquire(
  config: DeployConfig,
  deps: DeployDeps,
  request: LockRequest
): Promise<StateKeeper | undefined> {
  if (!config.lock) return Unlocked.start(config, deps, request.taken)
  return takeOrWait(
    config,
    deps,
    { ...request.taken, lock: request.record },
    request.stateObject,
    request.observed,
    request.deadline,
    request.read,
    request.round
  )
}

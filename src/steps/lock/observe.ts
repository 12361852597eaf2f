import { randomUUID } from 'node:crypto'
import * as os from 'node:os'
import type { DeployConfig } from '../../config/config'
import { systemClock, type DeployDeps } from '../context'
import type { LockRecord } from '../../plan/manifest'
import { formatDuration, lockStatus, type LockStatus } from '../../plan/lease'
import { describeHolder } from '../../platform/ci-run'
import { headState, readLease } from '../../remote/lock'
import type { StateObject } from '../../remote/manifest'
import { attempt } from '../../aws/step-error'
import { CancelledError, LockError } from './errors'
import { describeLock, lockOperation, where } from './describe'

/** A new lock record for this deploy, with the length of its lease (by which others judge it). */
export function newLockRecord(env: NodeJS.ProcessEnv, now: number, leaseMs: number): LockRecord {
  return {
    token: randomUUID(),
    holder: describeHolder(env, os.hostname(), process.pid),
    since: new Date(now).toISOString(),
    leaseMs
  }
}

/** Whether the lock the state object names is held: a look at its lease, only when it names one. */
export async function observeLock(
  config: DeployConfig,
  deps: DeployDeps,
  state: StateObject | undefined,
  record: LockRecord | undefined
): Promise<LockStatus> {
  if (!state?.lockToken) return { state: 'free' }
  const control = deps.control ?? deps.s3
  const { lease, serverNow } = await attempt(
    lockOperation(
      config,
      `Failed to read the lease s3://${config.bucket}/${config.lockKey}`,
      's3:GetObject',
      config.lockKey
    ),
    readLease(control, config.bucket, config.lockKey)
  )
  const named = record?.token === state.lockToken ? record : undefined
  const durationMs = state.leaseMs ?? named?.leaseMs
  return lockStatus({
    token: state.lockToken,
    holder: named?.holder,
    since: named?.since,
    ...(durationMs === undefined ? {} : { durationMs }),
    stateWrittenAt: state.writtenAt,
    lease,
    serverNow: Math.max(serverNow, state.serverNow)
  })
}

/** The lock as it is now: a HEAD of the state object, and its lease when it names one. */
export async function currentLock(config: DeployConfig, deps: DeployDeps): Promise<LockStatus> {
  const state = await attempt(
    lockOperation(
      config,
      `Failed to read the state object s3://${config.bucket}/${config.manifestKey}`,
      's3:GetObject',
      config.manifestKey
    ),
    headState(deps.control ?? deps.s3, config.bucket, config.manifestKey)
  )
  return observeLock(config, deps, state, undefined)
}

/**
 * Waits while `status` is held by the same holder, looking every second or two (a HEAD of the
 * state object, a GET of the lease) and saying every 30 s whom it waits for. Returns when the
 * lock was released, changed hands or expired: the caller then plans again. Throws at
 * `deadline` (local clock), having changed nothing.
 */
export async function waitForLock(
  config: DeployConfig,
  deps: DeployDeps,
  first: Exclude<LockStatus, { state: 'free' }>,
  deadline: number
): Promise<void> {
  const { log } = deps
  const clock = deps.clock ?? systemClock
  const started = clock.now()
  const refuse = (status: LockStatus) =>
    new LockError(
      `Another deploy holds the lock on ${where(config)}: ${describeLock(status)}. Waited ${formatDuration(clock.now() - started)} (lock-timeout is ${config.lockTimeoutSeconds} s). Nothing was changed. Rerun this deploy once that one has finished, or raise lock-timeout. To queue deploys before they start, use 'concurrency:' (GitHub) or 'resource_group:' (GitLab).`
    )
  if (clock.now() >= deadline) throw refuse(first)
  log.info(
    `Another deploy holds the lock on ${where(config)}: ${describeLock(first)}. Waiting for it (up to lock-timeout, ${config.lockTimeoutSeconds} s).`
  )
  let reported = clock.now()
  let status: LockStatus = first
  for (;;) {
    if (deps.signal?.aborted) throw new CancelledError()
    await clock.sleep(Math.max(0, Math.min(config.lease.pollEveryMs, deadline - clock.now())))
    status = await currentLock(config, deps)
    if (status.state === 'free' || status.token !== first.token) break
    // Expired: the caller plans again, and says so when it takes the lock over (takeOrWait).
    if (status.state !== 'held') break
    if (clock.now() >= deadline) throw refuse(status)
    if (clock.now() - reported >= config.lease.reportEveryMs) {
      reported = clock.now()
      log.info(
        `Still waiting for the lock on ${where(config)}: held by ${describeLock(status)}; waited ${formatDuration(reported - started)} of ${config.lockTimeoutSeconds} s.`
      )
    }
  }
  log.info(`The lock on ${where(config)} is free after ${formatDuration(clock.now() - started)}.`)
}

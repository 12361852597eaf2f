/**
 * The lock's rules, as plain functions of what was observed. The lock is taken by a conditional
 * write of the state object (If-Match on the ETag read while planning), so at most one deploy
 * holds it and the plan was made from the bucket exactly as the previous holder left it. The
 * holder then keeps a lease alive in a small object of its own beside it (renewing the state
 * object itself every few seconds would move megabytes at 100,000 files).
 *
 * Times of the lease are the S3 server's (Last-Modified against the response's Date), so clocks
 * of different CI machines never have to agree. The holder judges its own lease by its local
 * clock from when it sent the last renewal that succeeded, which is never later than S3's view.
 */

export interface LeaseSettings {
  /** A lease not renewed for this long has expired: its holder is presumed dead. */
  durationMs: number
  /** How often the holder renews it. */
  renewEveryMs: number
  /** How often a waiting deploy looks again. */
  pollEveryMs: number
  /** How often a waiting deploy says who it is waiting for. */
  reportEveryMs: number
}

/** A dead deploy blocks others for at most 90 s plus one look (2 s). */
export const DEFAULT_LEASE: LeaseSettings = {
  durationMs: 90_000,
  renewEveryMs: 20_000,
  pollEveryMs: 2_000,
  reportEveryMs: 30_000
}

/** What the lease object says, with its server times. */
export interface LeaseObservation {
  token: string
  holder: string
  since: string
  /** Server time of its last write (ms). */
  renewedAt: number
}

/** What a reader saw of the lock, all times from S3. */
export interface LockObservation {
  /** The lock token the state object names; undefined when it is free. */
  token: string | undefined
  holder?: string
  since?: string
  /** Server time the state object was last written (the lock was taken then). */
  stateWrittenAt: number
  lease: LeaseObservation | undefined
  /** Server time of the observation. */
  serverNow: number
}

export type LockStatus =
  | { state: 'free' }
  | {
      state: 'held' | 'expired'
      token: string
      holder: string
      since: string
      /** Since the holder last showed a sign of life. */
      silentMs: number
    }

/**
 * Held while the holder showed a sign of life (taking the lock, or a renewal of a lease that
 * carries its token) within the lease duration.
 */
export function lockStatus(observation: LockObservation, settings: LeaseSettings): LockStatus {
  const { token } = observation
  if (token === undefined) return { state: 'free' }
  const lease = observation.lease?.token === token ? observation.lease : undefined
  const lastSign = Math.max(observation.stateWrittenAt, lease?.renewedAt ?? -Infinity)
  const silentMs = Math.max(0, observation.serverNow - lastSign)
  return {
    state: silentMs < settings.durationMs ? 'held' : 'expired',
    token,
    holder: lease?.holder ?? observation.holder ?? 'an unknown deploy',
    since: lease?.since ?? observation.since ?? 'an unknown time',
    silentMs
  }
}

/**
 * Until when (local clock) the holder may still write: a lease renewed by a request sent at
 * `renewSentAt` lasts `durationMs` on S3's side from a moment no earlier than that; a margin of
 * a sixth covers a slow answer and clock drift, so the holder stops before anyone may take over.
 */
export function leaseDeadline(renewSentAt: number, settings: LeaseSettings): number {
  return renewSentAt + settings.durationMs - Math.ceil(settings.durationMs / 6)
}

/** Short durations for tests, e.g. `S3_CLOUDFRONT_DEPLOY_LEASE_MS=3000`: the rest scales along. */
export function leaseSettingsFor(durationMs: number | undefined): LeaseSettings {
  if (durationMs === undefined) return DEFAULT_LEASE
  const ratio = durationMs / DEFAULT_LEASE.durationMs
  return {
    durationMs,
    renewEveryMs: Math.max(50, Math.round(DEFAULT_LEASE.renewEveryMs * ratio)),
    pollEveryMs: Math.max(50, Math.round(DEFAULT_LEASE.pollEveryMs * ratio)),
    reportEveryMs: Math.max(100, Math.round(DEFAULT_LEASE.reportEveryMs * ratio))
  }
}

/** `2 min 5 s`, `40 s`: for people reading the log. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`
}

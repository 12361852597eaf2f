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
  /** How long before its lease could expire the holder stops writing (see leaseDeadline). */
  marginMs: number
  /** How often a waiting deploy looks again. */
  pollEveryMs: number
  /** How often a waiting deploy says who it is waiting for. */
  reportEveryMs: number
}

/** The default lease, in seconds, and the shortest `lock-lease` may set. */
export const DEFAULT_LEASE_SECONDS = 90
export const MIN_LEASE_SECONDS = 10

/**
 * Everything follows from the lease's length D: renewed every 2D/9 (20 s of 90), the holder
 * stops writing D/6 (15 s) before its lease could expire, so three renewals in a row may fail
 * before it must stop; a waiting deploy looks every D/45 (2 s), between 1 and 2 s, so it sends a
 * request or two a second at most, and a dead holder blocks the next deploy for at most D plus
 * one look (92 s).
 */
export function leaseSettings(durationMs: number): LeaseSettings {
  return {
    durationMs,
    renewEveryMs: Math.round((durationMs * 2) / 9),
    marginMs: Math.ceil(durationMs / 6),
    pollEveryMs: Math.min(2000, Math.max(1000, Math.round(durationMs / 45))),
    reportEveryMs: 30_000
  }
}

export const DEFAULT_LEASE: LeaseSettings = leaseSettings(DEFAULT_LEASE_SECONDS * 1000)

/** What the lease object says, with its server times. */
export interface LeaseObservation {
  token: string
  holder: string
  since: string
  /** Server time of its last write (ms). */
  renewedAt: number
  /** The length its holder gave it; undefined for a lease written before leases said so. */
  durationMs?: number
}

/** What a reader saw of the lock, all times from S3. */
export interface LockObservation {
  /** The lock token the state object names; undefined when it is free. */
  token: string | undefined
  holder?: string
  since?: string
  /** The lease length the state object's lock record gives, if any. */
  durationMs?: number
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
      /** The lease length it is judged by. */
      durationMs: number
    }

/**
 * Held while the holder showed a sign of life (taking the lock, or a renewal of a lease that
 * carries its token) within its lease, judged by the length the holder recorded: never by the
 * reader's own setting, so a deploy with a short lease cannot find a healthy holder dead.
 */
export function lockStatus(observation: LockObservation): LockStatus {
  const { token } = observation
  if (token === undefined) return { state: 'free' }
  const lease = observation.lease?.token === token ? observation.lease : undefined
  const durationMs = lease?.durationMs ?? observation.durationMs ?? DEFAULT_LEASE.durationMs
  const lastSign = Math.max(observation.stateWrittenAt, lease?.renewedAt ?? -Infinity)
  const silentMs = Math.max(0, observation.serverNow - lastSign)
  return {
    state: silentMs < durationMs ? 'held' : 'expired',
    token,
    holder: lease?.holder ?? observation.holder ?? 'an unknown deploy',
    since: lease?.since ?? observation.since ?? 'an unknown time',
    silentMs,
    durationMs
  }
}

/**
 * Until when (local clock) the holder may still write, after a renewal sent at `renewSentAt`
 * succeeded. S3 gives that lease a Last-Modified no earlier than the request's arrival, and others
 * judge it expired only `durationMs` after that, on S3's clock: measured from the send on the
 * holder's own clock, the holder's deadline comes first whatever the clocks' offsets. Every write
 * is aborted at the deadline; the margin is the time S3 may still take to apply a request whose
 * bytes had all arrived, and covers clocks that run at slightly different rates.
 */
export function leaseDeadline(renewSentAt: number, settings: LeaseSettings): number {
  return renewSentAt + settings.durationMs - settings.marginMs
}

/**
 * Before planning again after another deploy took the lock first: exponential backoff with full
 * jitter, from 1 s to 16 s, so deploys that keep meeting never send more than a few requests a
 * second between them.
 */
export function retakeDelay(round: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(16_000, 1000 * 2 ** Math.max(0, round - 1)))
}

/** `2 min 5 s`, `40 s`: for people reading the log. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`
}

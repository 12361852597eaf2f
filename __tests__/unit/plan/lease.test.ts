import {
  DEFAULT_LEASE,
  leaseDeadline,
  leaseSettings,
  lockStatus,
  retakeDelay,
  type LockObservation
} from '../../../src/plan/lease'

const lease = DEFAULT_LEASE
const observe = (o: Partial<LockObservation>): LockObservation => ({
  token: 'T',
  holder: 'job 1',
  since: '2026-11-26T00:00:00.000Z',
  stateWrittenAt: 0,
  lease: undefined,
  serverNow: 0,
  ...o
})

describe('lockStatus: held while its holder shows a sign of life within the lease', () => {
  test('free when the state object names no lock', () => {
    expect(lockStatus(observe({ token: undefined }))).toEqual({ state: 'free' })
  })

  test('acquired: taking the lock (the state write) is the first sign of life', () => {
    expect(lockStatus(observe({ stateWrittenAt: 1000, serverNow: 60_000 }))).toMatchObject({
      state: 'held',
      silentMs: 59_000
    })
  })

  test('renewed: the lease object carrying the token keeps it held', () => {
    const renewed = observe({
      stateWrittenAt: 0,
      serverNow: 200_000,
      lease: { token: 'T', holder: 'job 1 (lease)', since: 'x', renewedAt: 150_000 }
    })
    expect(lockStatus(renewed)).toMatchObject({
      state: 'held',
      silentMs: 50_000,
      holder: 'job 1 (lease)'
    })
  })

  test('expired: no sign of life for the lease duration', () => {
    const dead = observe({
      serverNow: 1000 + lease.durationMs,
      lease: { token: 'T', holder: 'job 1', since: 'x', renewedAt: 1000 }
    })
    expect(lockStatus(dead)).toMatchObject({ state: 'expired', silentMs: lease.durationMs })
  })

  test("another holder's lease proves nothing about this lock", () => {
    const stale = observe({
      serverNow: 100_000,
      lease: { token: 'OTHER', holder: 'job 0', since: 'x', renewedAt: 99_000 }
    })
    expect(lockStatus(stale)).toMatchObject({ state: 'expired', holder: 'job 1' })
  })
})

test('the holder stops writing a sixth of the lease before anyone may take over', () => {
  expect(leaseDeadline(10_000, lease)).toBe(10_000 + 90_000 - 15_000)
  // Renewed before the deadline: the deadline moves on.
  expect(leaseDeadline(30_000, lease)).toBeGreaterThan(leaseDeadline(10_000, lease))
})

test('every deploy judges a lease by the length its holder recorded, never by its own', () => {
  // A holder with a 10 s lease, silent for 12 s: dead, whatever the reader's own lease.
  const short = observe({
    serverNow: 13_000,
    lease: { token: 'T', holder: 'job 1', since: 'x', renewedAt: 1000, durationMs: 10_000 }
  })
  expect(lockStatus(short)).toMatchObject({ state: 'expired', durationMs: 10_000 })
  // A healthy holder with the default lease, silent for 30 s: held, even for a reader whose own
  // lease is 10 s.
  const healthy = observe({
    serverNow: 31_000,
    lease: { token: 'T', holder: 'job 1', since: 'x', renewedAt: 1000, durationMs: 90_000 }
  })
  expect(lockStatus(healthy)).toMatchObject({ state: 'held', durationMs: 90_000 })
  // Only the state object's record (the lease object is missing): its recorded length.
  expect(lockStatus(observe({ serverNow: 20_000, durationMs: 15_000 }))).toMatchObject({
    state: 'expired'
  })
  // A lease from before leases recorded their length: the default, 90 s.
  const old = observe({
    serverNow: 80_000,
    lease: { token: 'T', holder: 'job 1', since: 'x', renewedAt: 1000 }
  })
  expect(lockStatus(old)).toMatchObject({ state: 'held', durationMs: 90_000 })
})

test('the settings follow from the length: renewals, the margin, the pace of a waiting deploy', () => {
  expect(DEFAULT_LEASE).toEqual({
    durationMs: 90_000,
    renewEveryMs: 20_000,
    marginMs: 15_000,
    pollEveryMs: 2000,
    reportEveryMs: 30_000
  })
  // A dead holder blocks others for at most the lease and one look: 92 s.
  expect(DEFAULT_LEASE.durationMs + DEFAULT_LEASE.pollEveryMs).toBe(92_000)
  for (const seconds of [10, 30, 90, 900]) {
    const settings = leaseSettings(seconds * 1000)
    // Three renewals in a row may fail before the holder must stop writing.
    expect(settings.renewEveryMs * 3).toBeLessThan(leaseDeadline(0, settings))
    expect(settings.renewEveryMs * 4).toBeGreaterThan(leaseDeadline(0, settings))
    // A waiting deploy looks once a second at most (two requests).
    expect(settings.pollEveryMs).toBeGreaterThanOrEqual(1000)
  }
})

test('retakeDelay: backoff with full jitter, 1 s doubling to 16 s', () => {
  expect([1, 2, 3, 5, 6, 20].map(round => retakeDelay(round, () => 1))).toEqual([
    1000, 2000, 4000, 16_000, 16_000, 16_000
  ])
  expect(retakeDelay(4, () => 0.5)).toBe(4000)
  expect(retakeDelay(4, () => 0)).toBe(0)
})

import {
  DEFAULT_LEASE,
  leaseDeadline,
  leaseSettingsFor,
  lockStatus,
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
    expect(lockStatus(observe({ token: undefined }), lease)).toEqual({ state: 'free' })
  })

  test('acquired: taking the lock (the state write) is the first sign of life', () => {
    expect(lockStatus(observe({ stateWrittenAt: 1000, serverNow: 60_000 }), lease)).toMatchObject({
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
    expect(lockStatus(renewed, lease)).toMatchObject({
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
    expect(lockStatus(dead, lease)).toMatchObject({ state: 'expired', silentMs: lease.durationMs })
  })

  test("another holder's lease proves nothing about this lock", () => {
    const stale = observe({
      serverNow: 100_000,
      lease: { token: 'OTHER', holder: 'job 0', since: 'x', renewedAt: 99_000 }
    })
    expect(lockStatus(stale, lease)).toMatchObject({ state: 'expired', holder: 'job 1' })
  })
})

test('the holder stops writing a sixth of the lease before anyone may take over', () => {
  expect(leaseDeadline(10_000, lease)).toBe(10_000 + 90_000 - 15_000)
  // Renewed before the deadline: the deadline moves on.
  expect(leaseDeadline(30_000, lease)).toBeGreaterThan(leaseDeadline(10_000, lease))
})

test('a dead holder blocks others for at most about 2 minutes by default; tests may shorten it', () => {
  expect(DEFAULT_LEASE.durationMs + DEFAULT_LEASE.pollEveryMs).toBeLessThanOrEqual(120_000)
  expect(DEFAULT_LEASE.renewEveryMs * 3).toBeLessThan(leaseDeadline(0, DEFAULT_LEASE))
  const short = leaseSettingsFor(3000)
  expect(short.durationMs).toBe(3000)
  expect(short.renewEveryMs * 3).toBeLessThan(leaseDeadline(0, short))
  expect(leaseSettingsFor(undefined)).toBe(DEFAULT_LEASE)
})

import type { Logger } from '../../src/platform'

/** A Logger that keeps its lines (warnings and errors marked), for tests to read. */
export function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    info: m => void lines.push(m),
    warning: m => void lines.push(`warning: ${m}`),
    error: m => void lines.push(`error: ${m}`),
    debug: () => undefined,
    isDebug: () => false,
    group: (_t, fn) => fn()
  }
}

/** A clock that advances only when the code sleeps, so tests never wait; it keeps each sleep. */
export function fakeClock(start = 0) {
  const clock = {
    t: start,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms)
      clock.t += ms
    }
  }
  return clock
}

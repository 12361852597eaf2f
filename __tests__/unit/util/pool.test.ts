import { forEachLimit, mapLimit } from '../../../src/util/pool'

const tick = () => new Promise(r => setImmediate(r))

describe('forEachLimit', () => {
  test('never more than the limit in flight, results in order', async () => {
    let inFlight = 0
    let peak = 0
    const results = await mapLimit([5, 1, 4, 2, 3, 6, 7], 3, async n => {
      inFlight++
      peak = Math.max(peak, inFlight)
      for (let i = 0; i < n; i++) await tick()
      inFlight--
      return n * 10
    })
    expect(results).toEqual([50, 10, 40, 20, 30, 60, 70])
    expect(peak).toBe(3)
  })

  test('after a failure no new call starts, and the first error is thrown', async () => {
    const started: number[] = []
    const run = forEachLimit([0, 1, 2, 3, 4, 5], 2, async n => {
      started.push(n)
      await tick()
      if (n === 1) throw new Error('boom 1')
      if (n === 2) throw new Error('boom 2')
    })
    await expect(run).rejects.toThrow('boom 1')
    expect(started).toEqual([0, 1, 2])
  })

  test('empty input', async () => {
    await expect(mapLimit([], 4, async () => 1)).resolves.toEqual([])
  })
})

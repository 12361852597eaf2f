import {
  formatSpread,
  isLinear,
  marginalPerFile,
  median,
  pairedRatios,
  summarize
} from '../../scripts/bench/stats.cjs'

test('the median is the middle run, or the mean of the two middle runs', () => {
  expect(median([5, 1, 3])).toBe(3)
  expect(median([4, 1, 3, 2])).toBe(2.5)
  expect(median([7])).toBe(7)
  expect(median([])).toBeNaN()
})

test('a summary gives the median and the spread over the runs', () => {
  expect(summarize([3.2, 1.1, 2.5, 9])).toEqual({ median: 2.85, min: 1.1, max: 9, runs: 4 })
})

test('a figure prints as its median, then its spread when the runs differ', () => {
  expect(formatSpread([1200, 1310, 1234], { scale: 1 / 1000 })).toBe('1.23 (1.20–1.31)')
  expect(formatSpread([0.9, 1.26, 1.1], { suffix: '×' })).toBe('1.10× (0.90×–1.26×)')
  expect(formatSpread([5012, 4988], { digits: 0 })).toBe('5000 (4988–5012)')
  // One run, or runs that print alike, have no spread to show.
  expect(formatSpread([42], { digits: 0 })).toBe('42')
  expect(formatSpread([1.001, 1.002])).toBe('1.00')
  expect(formatSpread([])).toBe('-')
})

test('ratios are taken run by run, between runs made side by side', () => {
  expect(pairedRatios([2, 6, 3], [1, 3, 4])).toEqual([2, 2, 0.75])
  expect(() => pairedRatios([1, 2], [1])).toThrow('paired runs differ in number: 2, 1')
})

test('the cost per file between two sizes leaves the fixed cost out', () => {
  // 300 ms fixed, then 0.1 ms a file.
  const cost = (n: number) => 300 + 0.1 * n
  expect(marginalPerFile(10_000, cost(10_000), 100_000, cost(100_000))).toBeCloseTo(0.1)
  expect(marginalPerFile(100_000, cost(100_000), 1_000_000, cost(1_000_000))).toBeCloseTo(0.1)
})

test('a cost is linear while no later step costs more per file than the tolerance allows', () => {
  expect(isLinear([0.1, 0.11, 0.124], 1.25)).toBe(true)
  expect(isLinear([0.1, 0.09], 1.25)).toBe(true)
  expect(isLinear([0.1, 0.11, 0.13], 1.25)).toBe(false)
  // One step says nothing about how the cost grows.
  expect(isLinear([0.1], 1.25)).toBeUndefined()
})

// The bench's arithmetic: medians and spreads of repeated runs, paired ratios, per-file costs.
// Pure, so a unit test can check it (__tests__/unit/bench-stats.test.ts).

/** The middle value (the mean of the two middle ones for an even count). */
function median(xs) {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** Median and spread (min–max) of a figure's runs. */
function summarize(xs) {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs.length }
}

/**
 * `1.23 (1.20–1.31)`: the median, then the spread when there is one. `scale` converts the unit
 * (e.g. 1/1000 for ms shown as s), `digits` is the number of decimals, `suffix` follows each number.
 */
function formatSpread(xs, { digits = 2, scale = 1, suffix = '' } = {}) {
  if (xs.length === 0) return '-'
  const { median: m, min, max } = summarize(xs)
  const f = x => `${(x * scale).toFixed(digits)}${suffix}`
  return min === max || f(min) === f(max) ? f(m) : `${f(m)} (${f(min)}–${f(max)})`
}

/** Ratio of each run of `a` to the same run of `b`: runs made side by side are compared. */
function pairedRatios(a, b) {
  if (a.length !== b.length)
    throw new Error(`paired runs differ in number: ${a.length}, ${b.length}`)
  return a.map((x, i) => x / b[i])
}

/**
 * Cost per file between two sizes: (cost at n2 − cost at n1) / (n2 − n1). The fixed cost (start-up,
 * the first listing) cancels, so a linear cost gives the same figure at every step.
 */
function marginalPerFile(n1, cost1, n2, cost2) {
  return (cost2 - cost1) / (n2 - n1)
}

/**
 * Linear enough: every later step's marginal cost per file is at most `tolerance` times the
 * first step's. `steps` are marginal costs, in order of size.
 */
function isLinear(steps, tolerance) {
  if (steps.length < 2) return undefined
  return steps.slice(1).every(s => s <= steps[0] * tolerance)
}

module.exports = { formatSpread, isLinear, marginalPerFile, median, pairedRatios, summarize }

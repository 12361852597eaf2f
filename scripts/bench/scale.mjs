// Scale: a dry-run plan of N small files (200 B-4 KiB) against an empty bucket, straight to moto
// (no added latency: what is measured is the walk, the hashing and the plan). Time, CPU and the
// child's peak memory (RSS) per size, so the cost per file shows whether it grows linearly.
import { rm } from 'node:fs/promises'
import * as path from 'node:path'
import { runMeasured } from './rusage.mjs'
import { siteLayout, writeSite } from './site.mjs'
import { formatSpread, isLinear, marginalPerFile, median } from './stats.cjs'

/**
 * Writes every size's files first, then plans each size once per run, in turn, so a busy
 * moment on a shared machine falls on all sizes alike rather than on the last one.
 * @returns {Promise<Array<{ files: number, bytes: number, error?: string,
 *   runs: Array<{ wallMs: number, cpuMs: number, maxRss: number, hashRate: number }> }>>}
 */
export async function measureScale({ dist, env, sizes, runs, work, bucket, log }) {
  const results = []
  try {
    for (const n of sizes) {
      const dir = path.join(work, `scale-${n}`)
      const layout = siteLayout({ files: n, seed: 3, minSize: 200, maxSize: 4096 })
      log(`  writing ${n.toLocaleString('en')} files ...`)
      await writeSite(dir, layout)
      results.push({ files: n, dir, bytes: layout.reduce((s, f) => s + f.size, 0), runs: [] })
    }
    for (let r = 0; r < runs; r++) {
      for (const row of results.filter(row => !row.error)) {
        const out = await runMeasured(
          process.execPath,
          [dist, '--source', row.dir, '--bucket', bucket, '--dry-run'],
          env
        )
        if (out.code !== 0) {
          // A plan that fails at this size (out of memory) is a result, not the bench's failure.
          row.error = `exit ${out.code}: ${out.stderr.trim().split('\n').at(-1)?.slice(0, 200)}`
          continue
        }
        const planned = Number(/^uploaded=(\d+)$/m.exec(out.stdout)?.[1])
        if (planned !== row.files)
          throw new Error(`dry-run of ${row.files} files planned ${planned} uploads`)
        const rate = /Hashed \d+ file\(s\), .*\(([\d,]+) files\/s\)/.exec(out.stdout)?.[1]
        row.runs.push({
          wallMs: out.wallMs,
          cpuMs: out.cpuMs,
          maxRss: out.maxRss,
          hashRate: Number(rate?.replace(/,/g, '') ?? NaN)
        })
      }
    }
  } finally {
    for (const row of results) await rm(row.dir, { recursive: true, force: true })
  }
  return results
}

/** Tolerance of the linearity check: each step's cost per file against the first step's. */
export const TOLERANCE = 1.25

/**
 * The table, and the rows of issue 14's targets: the 200,000-file plan (≤ 300 MB) and the
 * 1,000,000-file plan (runs, ≤ 1 GB); both linear.
 */
export function reportScale(results) {
  const m = (row, field) => median(row.runs.map(r => r[field]))
  const steps = { time: [], memory: [] }
  const rows = [
    [
      'files',
      'wall (s)',
      'µs per file',
      'Δ µs per file',
      'client CPU (s)',
      'peak RSS (MB)',
      'KB per file',
      'Δ KB per file',
      'hashing (files/s)'
    ]
  ]
  results.forEach((row, i) => {
    const prev = results[i - 1]
    if (prev) {
      steps.time.push(marginalPerFile(prev.files, m(prev, 'wallMs'), row.files, m(row, 'wallMs')))
      steps.memory.push(marginalPerFile(prev.files, m(prev, 'maxRss'), row.files, m(row, 'maxRss')))
    }
    row.steps = { time: [...steps.time], memory: [...steps.memory] }
    const files = row.files.toLocaleString('en')
    if (row.error) {
      rows.push([files, `failed (${row.error})`, ...Array(7).fill('-')])
      return
    }
    const col = field => row.runs.map(r => r[field])
    rows.push([
      files,
      formatSpread(col('wallMs'), { scale: 1 / 1000 }),
      formatSpread(col('wallMs'), { scale: 1000 / row.files, digits: 1 }),
      prev ? (steps.time.at(-1) * 1000).toFixed(1) : '-',
      formatSpread(col('cpuMs'), { scale: 1 / 1000 }),
      formatSpread(col('maxRss'), { scale: 1 / 1e6, digits: 0 }),
      formatSpread(col('maxRss'), { scale: 1 / 1000 / row.files, digits: 2 }),
      prev ? (steps.memory.at(-1) / 1000).toFixed(2) : '-',
      formatSpread(col('hashRate'), { digits: 0 })
    ])
  })

  const targets = []
  for (const [files, limitMB, limit] of [
    [200_000, 300, '300 MB'],
    [1_000_000, 1000, '1 GB']
  ]) {
    const row = results.find(r => r.files === files)
    const name = `${files.toLocaleString('en')}-file dry-run plan`
    if (!row) {
      const flag = files === 1_000_000 ? '--million' : '--scale'
      targets.push([name, `not run (${flag})`, `runs, ≤ ${limit}, linear`, '-'])
      continue
    }
    if (row.error) {
      targets.push([name, `failed (${row.error})`, `runs, ≤ ${limit}, linear`, 'no'])
      continue
    }
    const rss = row.runs.map(r => r.maxRss)
    targets.push([
      `${name}: time, peak memory`,
      `${formatSpread(
        row.runs.map(r => r.wallMs),
        { scale: 1 / 1000, digits: 1 }
      )} s, ${formatSpread(rss, { scale: 1 / 1e6, digits: 0 })} MB`,
      `≤ ${limit}`,
      median(rss) <= limitMB * 1e6 ? 'yes' : 'no'
    ])
    const linear = [isLinear(row.steps.time, TOLERANCE), isLinear(row.steps.memory, TOLERANCE)]
    const show = (xs, k) => xs.map(x => (x * k).toFixed(2)).join(' → ')
    targets.push([
      `${name}: linear (Δ per file, from ${results[0].files.toLocaleString('en')} files up)`,
      `${show(row.steps.time, 1000)} µs; ${show(row.steps.memory, 1 / 1000)} KB`,
      `each Δ ≤ ${TOLERANCE}× the first`,
      linear.includes(undefined) ? '-' : linear.every(Boolean) ? 'yes' : 'no'
    ])
  }
  return { rows, targets }
}

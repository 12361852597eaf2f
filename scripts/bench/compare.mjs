// The clients side by side on the same site, through the same latency proxy: each run gives
// every client an empty moto (reset) and a fresh copy of the site, in a turn that rotates from
// run to run, so no client always goes first.
import { cp, rm } from 'node:fs/promises'
import * as path from 'node:path'
import { runMeasured } from './rusage.mjs'
import { editSameSize, touchAll } from './site.mjs'
import { formatSpread, median, pairedRatios } from './stats.cjs'

export const SCENARIOS = {
  first: 'first deploy',
  unchanged: 'rebuild, nothing changed',
  edited: 'rebuild, 1% edited (same size)'
}

/**
 * @returns {Promise<Record<string, Record<string, Array<{ wallMs: number, cpuMs: number,
 *   maxRss: number, uploads: number, requests: number, motoCpuMs: number, stdout: string }>>>>}
 *   client → scenario → one measurement per run.
 */
export async function compareClients({
  clients,
  scenarios,
  runs,
  pristine,
  layout,
  work,
  moto,
  proxy,
  bucket,
  makeBucket,
  countObjects,
  onRun = () => undefined
}) {
  const results = {}
  const names = Object.keys(clients)
  for (let r = 1; r <= runs; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(r - 1 + i) % names.length]
      const client = clients[name]
      await moto.reset()
      await makeBucket(bucket)
      const dir = path.join(work, `site-${name}`)
      await cp(pristine, dir, { recursive: true })
      for (const scenario of client.firstOnly ? ['first'] : scenarios) {
        if (scenario !== 'first') {
          await new Promise(res => setTimeout(res, 1100)) // moto's LastModified: 1 s resolution
          if (scenario === 'edited') await editSameSize(dir, layout, 0.01, r)
          await touchAll(dir, layout, new Date(Date.now() + 5000))
        }
        const measured = await measure(client, dir, bucket, { moto, proxy }, SCENARIOS[scenario])
        ;((results[name] ??= {})[scenario] ??= []).push(measured)
        if (scenario === 'first') {
          const stored = await countObjects(bucket)
          if (stored < layout.length)
            throw new Error(`${client.label}: ${stored} of ${layout.length} files in the bucket`)
        }
      }
      await rm(dir, { recursive: true, force: true })
    }
    onRun(r)
  }
  return results
}

/** First deploys of the same site by the action at each concurrency. */
export async function sweepConcurrency({
  action,
  levels,
  runs,
  pristine,
  moto,
  proxy,
  bucket,
  makeBucket
}) {
  const results = {}
  for (let r = 1; r <= runs; r++) {
    for (const c of levels) {
      await moto.reset()
      await makeBucket(bucket)
      const client = {
        ...action,
        cmd: (dir, b) => action.cmd(dir, b, ['--concurrency', String(c)])
      }
      ;(results[c] ??= []).push(
        await measure(client, pristine, bucket, { moto, proxy }, `concurrency ${c}`)
      )
    }
  }
  return results
}

async function measure(client, dir, bucket, { moto, proxy }, what) {
  const [cmd, args, env] = client.cmd(dir, bucket)
  const before = proxy.connections()
  const motoBefore = moto.cpuMs()
  const out = await runMeasured(cmd, args, env)
  const motoCpuMs = moto.cpuMs() - motoBefore
  if (out.code !== 0)
    throw new Error(`${client.label} failed (${what}): ${out.stderr.slice(-2000)}`)
  return {
    wallMs: out.wallMs,
    cpuMs: out.cpuMs,
    maxRss: out.maxRss,
    uploads: client.uploads(out),
    // moto closes each connection: one connection is one request.
    requests: proxy.connections() - before,
    motoCpuMs,
    stdout: out.stdout
  }
}

/**
 * The tables (each client's figures, then the action's ratios, run by run), a line on the
 * no-change deploy, and the rows of the targets: the first deploy ≤ 1.3× the floor client's wall
 * time, and ≤ 1.2× rclone's client CPU (a guard: the SDK stays, and costs some CPU).
 */
export function reportComparison(results, clients, { scenarios, files, what }) {
  const of = (name, scenario, field) => results[name]?.[scenario]?.map(m => m[field]) ?? []
  const wall = (name, scenario) => of(name, scenario, 'wallMs')
  const cpu = (name, scenario) => of(name, scenario, 'cpuMs')
  const ratio = xs => formatSpread(xs, { suffix: '×' })
  const names = Object.keys(clients)
  const rclone = names.includes('rclone')

  const rows = [
    [
      'scenario',
      'client',
      'wall (s)',
      'client CPU (s)',
      'CPU per file (ms)',
      'peak RSS (MB)',
      'requests',
      'uploads',
      'moto CPU (s)'
    ]
  ]
  for (const scenario of scenarios) {
    for (const name of names.filter(n => results[n][scenario])) {
      rows.push([
        SCENARIOS[scenario],
        clients[name].label,
        formatSpread(wall(name, scenario), { scale: 1 / 1000 }),
        formatSpread(cpu(name, scenario), { scale: 1 / 1000 }),
        formatSpread(cpu(name, scenario), { scale: 1 / files }),
        formatSpread(of(name, scenario, 'maxRss'), { scale: 1 / 1e6, digits: 0 }),
        formatSpread(of(name, scenario, 'requests'), { digits: 0 }),
        formatSpread(of(name, scenario, 'uploads'), { digits: 0 }),
        formatSpread(of(name, scenario, 'motoCpuMs'), { scale: 1 / 1000 })
      ])
    }
  }

  const others = names.filter(n => n !== 'action')
  const ratioRows = [
    [
      'scenario',
      ...others.map(n => `wall: action ÷ ${clients[n].label}`),
      ...(rclone ? ['client CPU: action ÷ rclone'] : [])
    ]
  ]
  for (const scenario of scenarios) {
    ratioRows.push([
      SCENARIOS[scenario],
      ...others.map(n =>
        results[n][scenario]
          ? ratio(pairedRatios(wall('action', scenario), wall(n, scenario)))
          : '-'
      ),
      ...(rclone ? [ratio(pairedRatios(cpu('action', scenario), cpu('rclone', scenario)))] : [])
    ])
  }

  const notes = []
  if (scenarios.includes('unchanged')) {
    const logged = re => results.action.unchanged.map(m => Number(re.exec(m.stdout)?.[1] ?? NaN))
    const hashing = logged(/Hashed \d+ file\(s\), .* in (\d+) ms/)
    const listing = logged(/Listed \d+ object\(s\) in the bucket in (\d+) ms/)
    notes.push(
      `Nothing changed: the action took ${formatSpread(wall('action', 'unchanged'), { digits: 0 })} ms; within it, hashing (${formatSpread(hashing, { digits: 0 })} ms) and listing (${formatSpread(listing, { digits: 0 })} ms) ran in parallel.`
    )
  }

  const first = pairedRatios(wall('action', 'first'), wall('floor', 'first'))
  const targets = [
    [`first deploy (${what}) ÷ floor client`, ratio(first), '≤ 1.3×', met(median(first) <= 1.3)]
  ]
  if (rclone) {
    const xs = pairedRatios(cpu('action', 'first'), cpu('rclone', 'first'))
    const perFile = name => formatSpread(cpu(name, 'first'), { scale: 1 / files })
    targets.push([
      'client CPU of that first deploy ÷ rclone',
      `${ratio(xs)}: ${perFile('action')} against ${perFile('rclone')} ms a file`,
      '≤ 1.2×',
      met(median(xs) <= 1.2)
    ])
  }
  return { rows, ratioRows, notes, targets }
}

/** The sweep's table. */
export function reportSweep(results) {
  return [
    ['in flight', 'wall (s)', 'client CPU (s)', 'requests'],
    ...Object.entries(results).map(([c, ms]) => [
      c,
      formatSpread(
        ms.map(m => m.wallMs),
        { scale: 1 / 1000 }
      ),
      formatSpread(
        ms.map(m => m.cpuMs),
        { scale: 1 / 1000 }
      ),
      formatSpread(
        ms.map(m => m.requests),
        { digits: 0 }
      )
    ])
  ]
}

const met = ok => (ok ? 'yes' : 'no')

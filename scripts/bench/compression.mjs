// The action with and without `compress`, side by side on the same site: a first deploy and a
// rebuild with nothing changed, each run giving both variants an empty moto and a fresh copy of
// the site, in a turn that rotates from run to run. Bytes stored are read from the bucket.
import { cp, rm } from 'node:fs/promises'
import * as path from 'node:path'
import { runMeasured } from './rusage.mjs'
import { touchAll } from './site.mjs'
import { formatSpread, median, pairedRatios } from './stats.cjs'

/** A typical site's rules: its text types, in one encoding. */
export const compressRules = encoding =>
  ['html', 'css', 'js', 'svg', 'json'].map(e => `*.${e}: ${encoding}`).join('\n')

const VARIANTS = {
  plain: { label: 'without compress', extra: [] },
  gzip: { label: 'compress: gzip', extra: ['--compress', compressRules('gzip')] },
  br: { label: 'compress: br', extra: ['--compress', compressRules('br')] }
}
const COMPRESSED = ['gzip', 'br']
export const COMPRESSION_SCENARIOS = {
  first: 'first deploy',
  unchanged: 'rebuild, nothing changed'
}

/** No-change deploys of each variant per run: each is short, and its wall time moves with the load. */
export const UNCHANGED_REPEATS = 3

/**
 * Per run: an empty moto, a bucket and a fresh copy of the site per variant; first deploys in a
 * turn that rotates from run to run, then, after a rebuild (new times, same content), rounds of
 * no-change deploys, one per variant each, so the deploys compared ran moments apart.
 *
 * @returns {Promise<Record<string, Record<string, Array<{ wallMs: number, cpuMs: number,
 *   uploads: number, stored: number }>>>>} variant → scenario → measurements.
 */
export async function measureCompression({
  action,
  runs,
  pristine,
  layout,
  work,
  moto,
  makeBucket,
  storedBytes,
  onRun = () => undefined
}) {
  const results = {}
  const names = Object.keys(VARIANTS)
  const deploy = async (name, scenario) => {
    const bucket = `bench-compress-${name}`
    const [cmd, args, env] = action.cmd(
      path.join(work, `compress-${name}`),
      bucket,
      VARIANTS[name].extra
    )
    const out = await runMeasured(cmd, args, env)
    if (out.code !== 0) {
      throw new Error(`${VARIANTS[name].label} failed (${scenario}): ${out.stderr.slice(-2000)}`)
    }
    ;((results[name] ??= {})[scenario] ??= []).push({
      wallMs: out.wallMs,
      cpuMs: out.cpuMs,
      uploads: action.uploads(out),
      stored: await storedBytes(bucket)
    })
  }
  for (let r = 1; r <= runs; r++) {
    const turn = names.map((_, i) => names[(r - 1 + i) % names.length])
    await moto.reset()
    for (const name of names) {
      await makeBucket(`bench-compress-${name}`)
      await cp(pristine, path.join(work, `compress-${name}`), { recursive: true })
    }
    for (const name of turn) await deploy(name, 'first')
    await new Promise(res => setTimeout(res, 1100)) // moto's LastModified: 1 s resolution
    for (const name of names) {
      await touchAll(path.join(work, `compress-${name}`), layout, new Date(Date.now() + 5000))
    }
    for (let k = 0; k < UNCHANGED_REPEATS; k++) {
      for (const name of turn) await deploy(name, 'unchanged')
    }
    for (const name of names) {
      await rm(path.join(work, `compress-${name}`), { recursive: true, force: true })
    }
    onRun(r)
  }
  return results
}

/** The table of the variants, their ratios to the plain one run by run, and issue 24's target. */
export function reportCompression(results, { raw, text }) {
  const of = (name, scenario, field) => results[name][scenario].map(m => m[field])
  const rows = [
    ['scenario', 'variant', 'wall (s)', 'client CPU (s)', 'uploads', 'bytes stored (MB)']
  ]
  for (const scenario of Object.keys(COMPRESSION_SCENARIOS)) {
    for (const name of Object.keys(VARIANTS)) {
      rows.push([
        COMPRESSION_SCENARIOS[scenario],
        VARIANTS[name].label,
        formatSpread(of(name, scenario, 'wallMs'), { scale: 1 / 1000 }),
        formatSpread(of(name, scenario, 'cpuMs'), { scale: 1 / 1000 }),
        formatSpread(of(name, scenario, 'uploads'), { digits: 0 }),
        formatSpread(of(name, scenario, 'stored'), { scale: 1 / 1e6 })
      ])
    }
  }
  const ratio = (name, scenario, field) =>
    pairedRatios(of(name, scenario, field), of('plain', scenario, field))
  const show = xs => formatSpread(xs, { suffix: '×' })
  const ratioRows = [
    ['scenario', 'variant', 'wall ÷ without', 'client CPU ÷ without', 'bytes stored ÷ without']
  ]
  for (const scenario of Object.keys(COMPRESSION_SCENARIOS)) {
    for (const name of COMPRESSED) {
      ratioRows.push([
        COMPRESSION_SCENARIOS[scenario],
        VARIANTS[name].label,
        show(ratio(name, scenario, 'wallMs')),
        show(ratio(name, scenario, 'cpuMs')),
        show(ratio(name, scenario, 'stored'))
      ])
    }
  }
  const targets = COMPRESSED.map(name => {
    const unchanged = ratio(name, 'unchanged', 'wallMs')
    return [
      `no-change deploy, ${VARIANTS[name].label} ÷ without (wall)`,
      show(unchanged),
      '≤ 1.05×',
      median(unchanged) <= 1.05 ? 'yes' : 'no'
    ]
  })
  const note = `Bytes stored: the site's objects in the bucket (the state object aside). The site is ${(raw / 1e6).toFixed(1)} MB, ${(text / 1e6).toFixed(1)} MB of it in the HTML, CSS, JS, JSON and SVG files the rules compress.`
  return { rows, ratioRows, targets, note }
}

// Release mode against a plain re-deploy of the same change: the same site, 1% of its files
// edited at the same size, deployed by the action both ways through the same latency proxy, in a
// turn that alternates from run to run. A release writes a whole new folder (the changed files
// uploaded, the rest copied server-side) and switches it live with one write to a local
// KeyValueStore (__tests__/helpers/local-kvs.ts, built with ncc here); a plain re-deploy uploads
// the changed files and invalidates nothing (the bench sets no distribution).
import { spawnSync } from 'node:child_process'
import { cp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import * as path from 'node:path'
import { runMeasured } from './rusage.mjs'
import { editSameSize, touchAll } from './site.mjs'
import { formatSpread, median, pairedRatios } from './stats.cjs'

/** The local KeyValueStore endpoint of the tests, as a module the bench can load. */
function loadLocalKvs(root, outDir) {
  const ncc = path.join(root, 'node_modules', '.bin', 'ncc')
  const src = path.join(root, '__tests__', 'helpers', 'local-kvs.ts')
  const r = spawnSync(ncc, ['build', src, '-o', outDir, '-q'], { cwd: root, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`ncc build ${src}: ${r.stderr}`)
  return createRequire(import.meta.url)(path.join(outDir, 'index.js'))
}

/**
 * @returns {Promise<{ plain: object[], release: object[] }>} one measurement per run each:
 *   wall and CPU of the measured deploy, its requests through the proxy, and its uploads.
 */
export async function measureRelease({
  root,
  dist,
  env,
  runs,
  pristine,
  layout,
  work,
  moto,
  proxy,
  makeBucket
}) {
  const { startLocalKvs } = loadLocalKvs(root, path.join(work, 'local-kvs'))
  const results = { plain: [], release: [] }
  for (let r = 1; r <= runs; r++) {
    const order = r % 2 ? ['plain', 'release'] : ['release', 'plain']
    for (const mode of order) {
      await moto.reset()
      const bucket = `bench-${mode}`
      await makeBucket(bucket)
      const kvs = mode === 'release' ? await startLocalKvs() : undefined
      const dir = path.join(work, `release-${mode}`)
      await cp(pristine, dir, { recursive: true })
      try {
        const args = ['--source', dir, '--bucket', bucket]
        if (kvs) args.push('--releases', '--key-value-store', kvs.arn)
        const runEnv = kvs ? { ...env, AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE: kvs.url } : env
        const first = await runMeasured(process.execPath, [dist, ...args], runEnv)
        if (first.code !== 0) throw new Error(`${mode}, first deploy: ${first.stderr.slice(-2000)}`)
        await new Promise(res => setTimeout(res, 1100)) // a new second: a new release id
        await editSameSize(dir, layout, 0.01, r)
        await touchAll(dir, layout, new Date(Date.now() + 5000))
        const before = proxy.connections()
        const out = await runMeasured(process.execPath, [dist, ...args], runEnv)
        if (out.code !== 0) throw new Error(`${mode}, re-deploy: ${out.stderr.slice(-2000)}`)
        results[mode].push({
          wallMs: out.wallMs,
          cpuMs: out.cpuMs,
          requests: proxy.connections() - before,
          uploads: Number(/^uploaded=(\d+)$/m.exec(out.stdout)?.[1] ?? NaN),
          copied: Number(/^unchanged=(\d+)$/m.exec(out.stdout)?.[1] ?? NaN)
        })
      } finally {
        await kvs?.close()
        await rm(dir, { recursive: true, force: true })
      }
    }
  }
  return results
}

/** The table, and the aim of issue 23: a release deploy at most 2× a plain re-deploy. */
export function reportRelease(results) {
  const of = (mode, field) => results[mode].map(m => m[field])
  const rows = [
    ['deploy of a 1% edit', 'wall (s)', 'client CPU (s)', 'requests', 'uploads', 'copied'],
    ...['plain', 'release'].map(mode => [
      mode === 'plain' ? 'plain re-deploy' : 'release deploy',
      formatSpread(of(mode, 'wallMs'), { scale: 1 / 1000 }),
      formatSpread(of(mode, 'cpuMs'), { scale: 1 / 1000 }),
      formatSpread(of(mode, 'requests'), { digits: 0 }),
      formatSpread(of(mode, 'uploads'), { digits: 0 }),
      mode === 'release' ? formatSpread(of(mode, 'copied'), { digits: 0 }) : '-'
    ])
  ]
  const ratios = pairedRatios(of('release', 'wallMs'), of('plain', 'wallMs'))
  const measured = formatSpread(ratios, { suffix: '×' })
  return {
    rows,
    note: `Release deploy ÷ plain re-deploy of the same change, run by run: ${measured}.`,
    targets: [
      [
        'release deploy of a 1% edit ÷ plain re-deploy',
        measured,
        '≤ 2×',
        median(ratios) <= 2 ? 'yes' : 'no'
      ]
    ]
  }
}

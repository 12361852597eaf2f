// What the state object costs at scale: its size, gzipped as the action stores it, and the time
// to write it (serialize + gzip) and read it (gunzip + parse). The code measured is the source's
// src/plan/manifest.ts, built with ncc in the bench run, never a copy.
//
// Run as a script, it is the measured child: node state-object.mjs <built module> <entries>
// prints one JSON line of figures.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'
import { runMeasured } from './rusage.mjs'
import { formatSpread } from './stats.cjs'

const self = fileURLToPath(import.meta.url)

/** Builds src/plan/manifest.ts into `outDir`; returns the module's path. */
export function buildManifestModule(root, outDir) {
  const ncc = path.join(root, 'node_modules', '.bin', 'ncc')
  const src = path.join(root, 'src', 'plan', 'manifest.ts')
  const r = spawnSync(ncc, ['build', src, '-o', outDir, '-q'], { cwd: root, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`ncc build ${src}: ${r.stderr}`)
  return path.join(outDir, 'index.js')
}

/** One measured child per run: figures, with the child's peak memory. */
export async function measureStateObject(modulePath, entries, env) {
  const out = await runMeasured(process.execPath, [self, modulePath, String(entries)], env)
  if (out.code !== 0) throw new Error(`state object at ${entries} entries: ${out.stderr}`)
  return { ...JSON.parse(out.stdout), maxRss: out.maxRss }
}

/** A deploy's state: a few header sets, 1 in 1,000 objects multipart (an ETag that is not the MD5). */
function syntheticManifest(m, n) {
  const headers = Array.from({ length: 12 }, (_, i) =>
    createHash('sha256').update(`headers ${i}`).digest('hex').slice(0, 16)
  )
  const entries = new Map()
  for (let i = 0; i < n; i++) {
    const md5 = createHash('md5').update(`file ${i}`).digest('hex')
    entries.set(m.keyDigest(`d${i % 12}/d${i % 97}/f${i}.html`), {
      etag: i % 1000 === 0 ? `${md5.slice(0, 30)}-3` : md5,
      size: 200 + ((i * 7919) % 200_000),
      md5,
      headers: headers[i % headers.length]
    })
  }
  return { entries, pending: {} }
}

function timed(fn) {
  const t0 = performance.now()
  const value = fn()
  return [value, performance.now() - t0]
}

/** The table of the state object's figures. */
export function reportStateObject(runs, entries) {
  const f = field => runs.map(x => x[field])
  const ms = field => formatSpread(f(field), { digits: 0 })
  return [
    [
      'JSON (MB)',
      'gzipped (MB)',
      'gzipped bytes per file',
      'write: serialize + gzip (ms)',
      'read: gunzip + parse (ms)',
      'peak RSS (MB)'
    ],
    [
      formatSpread(f('bytes'), { scale: 1 / 1e6, digits: 1 }),
      formatSpread(f('gzBytes'), { scale: 1 / 1e6, digits: 1 }),
      formatSpread(f('gzBytes'), { scale: 1 / entries, digits: 1 }),
      `${ms('writeMs')} = ${ms('serializeMs')} + ${ms('gzipMs')}`,
      `${ms('readMs')} = ${ms('gunzipMs')} + ${ms('parseMs')}`,
      formatSpread(f('maxRss'), { scale: 1 / 1e6, digits: 0 })
    ]
  ]
}

if (process.argv[1] === self) {
  const [modulePath, count] = process.argv.slice(2)
  const m = createRequire(import.meta.url)(path.resolve(modulePath))
  const n = Number(count)
  const manifest = syntheticManifest(m, n)
  const [text, serializeMs] = timed(() => m.serializeManifest(manifest))
  // The action stores it with zlib's default level (src/remote/manifest.ts).
  const [gz, gzipMs] = timed(() => gzipSync(text))
  const [back, gunzipMs] = timed(() => gunzipSync(gz).toString('utf8'))
  const [parsed, parseMs] = timed(() => m.parseManifest(back))
  if (parsed.entries.size !== n) throw new Error(`parsed ${parsed.entries.size} of ${n} entries`)
  console.log(
    JSON.stringify({
      entries: n,
      bytes: Buffer.byteLength(text),
      gzBytes: gz.length,
      writeMs: serializeMs + gzipMs,
      readMs: gunzipMs + parseMs,
      serializeMs,
      gzipMs,
      gunzipMs,
      parseMs
    })
  )
}

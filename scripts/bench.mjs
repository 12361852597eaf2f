#!/usr/bin/env node
// npm run bench: this action against `aws s3 sync` and `rclone sync --checksum --transfers 32`,
// measured in the same run, against moto_server behind a proxy that adds a 25 ms round trip (as a
// real AWS region does from CI). Prints wall-time ratios (medians) and upload counts, then scale
// (10k and 100k files: hashing rate, peak memory) and start-up figures.
//
//   npm run bench                       # 3 runs per scenario
//   npm run bench -- --runs 5 --files 2000 --skip-scale
import { spawn, spawnSync } from 'node:child_process'
import { cp, mkdtemp, rm, stat } from 'node:fs/promises'
import { createServer } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startLatencyProxy } from './bench/latency-proxy.mjs'
import { editSameSize, siteLayout, touchAll, writeSite } from './bench/site.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dist = path.join(root, 'dist', 'index.js')
const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    files: { type: 'string', default: '2000' },
    rtt: { type: 'string', default: '25' },
    'skip-scale': { type: 'boolean', default: false },
    'skip-sweep': { type: 'boolean', default: false }
  }
})
const RUNS = Number(opts.runs)
const FILES = Number(opts.files)
const RTT = Number(opts.rtt)

const has = cmd => !spawnSync(cmd, ['--help'], { stdio: 'ignore' }).error
for (const tool of ['moto_server', 'aws']) {
  if (!has(tool)) {
    console.error(`The bench needs ${tool}: pip install 'moto[server]' awscli`)
    process.exit(1)
  }
}
if (!has('rclone') && process.getuid?.() === 0 && has('apt-get')) {
  console.log("Installing Debian's rclone for the comparison (apt-get install rclone) ...")
  spawnSync('apt-get', ['install', '-y', '-qq', 'rclone'], { stdio: 'ignore' })
}
const RCLONE = has('rclone')
if (!RCLONE)
  console.log('rclone is not installed (apt-get install rclone): its comparisons are skipped.')

const work = await mkdtemp(path.join(os.tmpdir(), 'deploy-bench-'))
const started = []
try {
  const moto = await startMoto()
  started.push(() => moto.kill())
  const proxy = await startLatencyProxy({ targetPort: moto.port, rttMs: RTT })
  started.push(() => proxy.close())
  const endpoint = `http://127.0.0.1:${proxy.port}`
  const direct = `http://127.0.0.1:${moto.port}`
  const creds = {
    AWS_ACCESS_KEY_ID: 'bench-access-key',
    AWS_SECRET_ACCESS_KEY: 'bench-secret-key',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
  }
  const baseEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(AWS_|GITHUB_|GITLAB_|INPUT_|RCLONE_)/.test(k))
  )
  const env = { ...baseEnv, ...creds, AWS_ENDPOINT_URL: endpoint }
  const makeBucket = async name => {
    const r = await run('aws', ['s3api', 'create-bucket', '--bucket', name], {
      ...env,
      AWS_ENDPOINT_URL: direct
    })
    if (r.code !== 0) throw new Error(`create-bucket ${name}: ${r.stderr}`)
  }

  const tools = {
    action: {
      label: 'this action',
      cmd: (dir, bucket, extra = []) => [
        process.execPath,
        [dist, '--source', dir, '--bucket', bucket, ...extra],
        env
      ],
      uploads: out => Number(/^uploaded=(\d+)$/m.exec(out.stdout)?.[1] ?? NaN)
    },
    aws: {
      label: 'aws s3 sync',
      cmd: (dir, bucket) => ['aws', ['s3', 'sync', '--no-progress', dir, `s3://${bucket}`], env],
      uploads: out => (out.stdout.match(/^upload: /gm) ?? []).length
    },
    ...(RCLONE
      ? {
          rclone: {
            label: 'rclone --checksum',
            cmd: (dir, bucket) => [
              'rclone',
              [
                'sync',
                '--checksum',
                '--transfers',
                '32',
                '-v',
                '--s3-no-check-bucket',
                dir,
                `:s3:${bucket}`
              ],
              {
                // rclone refuses to start while AWS_CA_BUNDLE is set.
                ...baseEnv,
                RCLONE_S3_PROVIDER: 'Other',
                RCLONE_S3_ENDPOINT: endpoint,
                RCLONE_S3_ACCESS_KEY_ID: creds.AWS_ACCESS_KEY_ID,
                RCLONE_S3_SECRET_ACCESS_KEY: creds.AWS_SECRET_ACCESS_KEY,
                RCLONE_S3_REGION: 'us-east-1',
                RCLONE_S3_FORCE_PATH_STYLE: 'true'
              }
            ],
            uploads: out => (out.stderr.match(/: Copied \(/g) ?? []).length
          }
        }
      : {})
  }

  console.log(
    `Bench: ${FILES} files, ${RUNS} run(s) per scenario, ${RTT} ms round trip added to moto_server; Node ${process.version}, ${os.cpus().length} CPUs\n`
  )
  const layout = siteLayout({ files: FILES, seed: 1 })
  const totalBytes = layout.reduce((s, f) => s + f.size, 0)
  console.log(
    `Site: ${FILES} files, ${(totalBytes / 1024 / 1024).toFixed(1)} MiB, 1-200 KB each (seed 1)`
  )
  const pristine = path.join(work, 'pristine')
  await writeSite(pristine, layout)

  const scenarios = ['first deploy', 'rebuild, nothing changed', 'rebuild, 1% edited (same size)']
  const times = {} // tool → scenario → [ms]
  const uploads = {} // tool → scenario → [count]
  let edited = 0
  for (let r = 1; r <= RUNS; r++) {
    for (const [name, tool] of Object.entries(tools)) {
      const dir = path.join(work, `site-${name}-${r}`)
      await cp(pristine, dir, { recursive: true })
      const bucket = `bench-${name}-${r}`
      await makeBucket(bucket)
      for (const scenario of scenarios) {
        if (scenario.startsWith('rebuild')) {
          await new Promise(res => setTimeout(res, 1100)) // moto's LastModified: 1 s resolution
          if (scenario.includes('edited'))
            edited = await editSameSize(path.join(dir), layout, 0.01, r)
          await touchAll(dir, layout, new Date(Date.now() + 5000))
        }
        const [cmd, args, cmdEnv] = tool.cmd(dir, bucket)
        const t0 = performance.now()
        const out = await run(cmd, args, cmdEnv)
        const ms = performance.now() - t0
        if (out.code !== 0)
          throw new Error(`${tool.label} failed (${scenario}): ${out.stderr.slice(-2000)}`)
        ;((times[name] ??= {})[scenario] ??= []).push(ms)
        ;((uploads[name] ??= {})[scenario] ??= []).push(tool.uploads(out))
      }
      await rm(dir, { recursive: true, force: true })
      process.stdout.write('.')
    }
  }
  console.log('\n')

  const median = xs => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
  const names = Object.keys(tools)
  const rows = [
    ['scenario', ...names.map(n => `${tools[n].label} (s)`), ...names.map(n => `uploads: ${n}`)]
  ]
  for (const scenario of scenarios) {
    rows.push([
      scenario,
      ...names.map(n => (median(times[n][scenario]) / 1000).toFixed(2)),
      ...names.map(n => String(median(uploads[n][scenario])))
    ])
  }
  printTable(rows)
  console.log(`(1% edited = ${edited} files)\n`)
  const ratioRows = [
    ['scenario', ...names.filter(n => n !== 'action').map(n => `action ÷ ${tools[n].label}`)]
  ]
  for (const scenario of scenarios) {
    ratioRows.push([
      scenario,
      ...names
        .filter(n => n !== 'action')
        .map(n => `${(median(times.action[scenario]) / median(times[n][scenario])).toFixed(2)}×`)
    ])
  }
  printTable(ratioRows)

  // The floor of a no-change deploy: start-up, then listing and hashing in parallel.
  const help = []
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now()
    await run(process.execPath, [dist, '--help'], env)
    help.push(performance.now() - t0)
  }
  const noChange = median(times.action['rebuild, nothing changed'])
  console.log(
    `\nStart-up: node dist/index.js --help in ${median(help).toFixed(0)} ms (median of 7); bundle ${((await stat(dist)).size / 1024).toFixed(0)} KiB`
  )
  const floorBucket = 'bench-floor'
  await makeBucket(floorBucket)
  const floorDir = path.join(work, 'floor')
  await cp(pristine, floorDir, { recursive: true })
  await run(process.execPath, [dist, '--source', floorDir, '--bucket', floorBucket], env)
  await touchAll(floorDir, layout, new Date(Date.now() + 5000))
  const floorRun = await run(
    process.execPath,
    [dist, '--source', floorDir, '--bucket', floorBucket],
    env
  )
  const hashMs = Number(/Hashed \d+ file\(s\), .* in (\d+) ms/.exec(floorRun.stdout)?.[1])
  const listMs = Number(
    /Listed \d+ object\(s\) in the bucket in (\d+) ms/.exec(floorRun.stdout)?.[1]
  )
  console.log(
    `No-change deploy: ${(noChange / 1000).toFixed(2)} s; its floor: start-up ${median(help).toFixed(0)} ms + max(hashing ${hashMs} ms, listing ${listMs} ms) = ${(median(help) + Math.max(hashMs, listMs)).toFixed(0)} ms`
  )

  if (!opts['skip-sweep']) {
    console.log('\nConcurrency (first deploy of the same site, one run each):')
    const sweep = [['concurrency', 'seconds']]
    for (const c of [8, 16, 32, 64, 128]) {
      const bucket = `bench-sweep-${c}`
      await makeBucket(bucket)
      const [cmd, args, cmdEnv] = tools.action.cmd(pristine, bucket, ['--concurrency', String(c)])
      const t0 = performance.now()
      const out = await run(cmd, args, cmdEnv)
      if (out.code !== 0) throw new Error(out.stderr)
      sweep.push([String(c), ((performance.now() - t0) / 1000).toFixed(2)])
    }
    printTable(sweep)
  }

  if (!opts['skip-scale']) {
    console.log('\nScale (dry-run plan against an empty bucket, moto without added latency):')
    const scale = [['files', 'total (s)', 'hashing (files/s)', 'peak memory (MiB)']]
    for (const n of [10_000, 100_000]) {
      const dir = path.join(work, `scale-${n}`)
      await writeSite(dir, siteLayout({ files: n, seed: 3, minSize: 200, maxSize: 4096 }))
      const bucket = `bench-scale-${n}`
      await makeBucket(bucket)
      const t0 = performance.now()
      const out = await run(
        process.execPath,
        [
          '-r',
          path.join(root, 'scripts', 'bench', 'rss.cjs'),
          dist,
          '--source',
          dir,
          '--bucket',
          bucket,
          '--dry-run'
        ],
        { ...env, AWS_ENDPOINT_URL: direct }
      )
      const total = performance.now() - t0
      if (out.code !== 0) throw new Error(out.stderr)
      const rate = /Hashed \d+ file\(s\), .*\(([\d,]+) files\/s\)/.exec(out.stdout)?.[1] ?? '?'
      const rss = Number(/bench:maxrss_kb=(\d+)/.exec(out.stderr)?.[1]) / 1024
      scale.push([n.toLocaleString('en'), (total / 1000).toFixed(2), rate, rss.toFixed(0)])
      await rm(dir, { recursive: true, force: true })
    }
    printTable(scale)
  }
} finally {
  for (const stop of started.reverse()) await stop()
  await rm(work, { recursive: true, force: true })
}

function run(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stderr += d))
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout, stderr }))
  })
}

async function startMoto() {
  const port = await new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' })
  for (let i = 0; i < 150; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/moto-api/`)
      return { port, kill: () => child.kill() }
    } catch {
      await new Promise(r => setTimeout(r, 100))
    }
  }
  child.kill()
  throw new Error('moto_server did not start')
}

function printTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => String(r[i]).length)))
  for (const [i, row] of rows.entries()) {
    console.log(`| ${row.map((c, j) => String(c).padEnd(widths[j])).join(' | ')} |`)
    if (i === 0) console.log(`|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`)
  }
}

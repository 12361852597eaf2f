#!/usr/bin/env node
// npm run bench: this action's speed, measured in one run against what bounds it.
//
//   start-up      --help, --version and an input error against bare `node -e 0`; the time from
//                 the spawn of a deploy to its first request
//   comparison    a first deploy (and two rebuilds) of the same site by this action, a floor
//                 client that only PUTs, `aws s3 sync` and `rclone sync --checksum`, against
//                 moto_server behind a proxy that adds a round trip; wall time, client CPU
//                 (user + system), peak memory and requests of each
//   scale         dry-run plans of 10k to 1M small files: time and memory per file
//   state object  its size for 1M files, and the time to write and read it
//   compression   the action without `compress`, with gzip and with br rules, on a site of text
//                 and images: wall time and bytes stored, first deploy and no-change deploy
//
// Every figure is the median and the spread (min–max) over its runs; a ratio is taken run by
// run, between clients measured side by side. The targets of issue 14 come last.
//
//   npm run bench                       # about 10 minutes on 2 CPUs
//   npm run bench -- --only compression # one part alone
//   npm run bench -- --help             # every flag
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { clients as makeClients, IN_FLIGHT } from './bench/clients.mjs'
import {
  compareClients,
  reportComparison,
  reportSweep,
  SCENARIOS,
  sweepConcurrency
} from './bench/compare.mjs'
import { startLatencyProxy } from './bench/latency-proxy.mjs'
import {
  busyWarning,
  describeMachine,
  loadAverage,
  realCommand,
  runnerEnv,
  RUNNER_VARIABLES
} from './bench/machine.mjs'
import { startMoto } from './bench/moto.mjs'
import { ensureGnuTime, killRunning } from './bench/rusage.mjs'
import { measureRelease, reportRelease } from './bench/release.mjs'
import { measureScale, reportScale } from './bench/scale.mjs'
import { siteLayout, writeSite } from './bench/site.mjs'
import { measureStartup, reportStartup } from './bench/startup.mjs'
import {
  compressRules,
  measureCompression,
  reportCompression,
  UNCHANGED_REPEATS
} from './bench/compression.mjs'
import {
  buildManifestModule,
  measureStateObject,
  reportStateObject
} from './bench/state-object.mjs'
import { printTable } from './bench/table.mjs'

const HELP = `npm run bench -- [flags]

  --runs N            runs of each comparison, of compression and of the state object (5)
  --files N           files in the compared site, 1-200 KB each (1000)
  --rtt MS            round trip the proxy adds in front of moto_server (25)
  --scenarios LIST    of first,unchanged,edited (all three)
  --startup-runs N    rounds of the start-up figures (15)
  --scale LIST        file counts of the dry-run plans (10000,100000,200000)
  --million           adds a plan of 1,000,000 files (3-5 minutes more, 4 GB of disk)
  --scale-runs N      runs of each plan (the smaller of --runs and 3)
  --state-files N     entries of the measured state object (1000000)
  --sweep             adds first deploys at 8, 16, 32, 64 and 128 requests in flight
  --only LIST         of startup,compare,release,scale,state,compression: only these parts (all)
  --skip-startup, --skip-compare, --skip-release, --skip-scale, --skip-state, --skip-compression
                      leave a part out
`

const started = performance.now()
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dist = path.join(root, 'dist', 'index.js')
const { values: opts } = parseFlags({
  options: {
    runs: { type: 'string', default: '5' },
    files: { type: 'string', default: '1000' },
    rtt: { type: 'string', default: '25' },
    scenarios: { type: 'string', default: Object.keys(SCENARIOS).join(',') },
    'startup-runs': { type: 'string', default: '15' },
    scale: { type: 'string', default: '10000,100000,200000' },
    million: { type: 'boolean', default: false },
    'scale-runs': { type: 'string' },
    'state-files': { type: 'string', default: '1000000' },
    sweep: { type: 'boolean', default: false },
    'skip-startup': { type: 'boolean', default: false },
    'skip-compare': { type: 'boolean', default: false },
    'skip-release': { type: 'boolean', default: false },
    'skip-scale': { type: 'boolean', default: false },
    'skip-state': { type: 'boolean', default: false },
    'skip-compression': { type: 'boolean', default: false },
    only: { type: 'string' },
    help: { type: 'boolean', default: false }
  }
})
function parseFlags(config) {
  try {
    return parseArgs(config)
  } catch (err) {
    console.error(`${err.message}\n\n${HELP}`)
    process.exit(2)
  }
}
if (opts.help) {
  process.stdout.write(HELP)
  process.exit(0)
}
const count = (name, value) => {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`--${name} must be a whole number of 1 or more, got '${value}'`)
    process.exit(2)
  }
  return n
}
const RUNS = count('runs', opts.runs)
const FILES = count('files', opts.files)
const RTT = Number(opts.rtt)
if (!(RTT >= 0)) {
  console.error(`--rtt must be a number of milliseconds, got '${opts.rtt}'`)
  process.exit(2)
}
const STARTUP_RUNS = count('startup-runs', opts['startup-runs'])
const SCALE_RUNS = count('scale-runs', opts['scale-runs'] ?? Math.min(RUNS, 3))
const STATE_FILES = count('state-files', opts['state-files'])
const SCALE = [...new Set([...opts.scale.split(','), ...(opts.million ? ['1000000'] : [])])]
  .map(n => count('scale', n))
  .sort((a, b) => a - b)
const PARTS = ['startup', 'compare', 'release', 'scale', 'state', 'compression']
const only = opts.only?.split(',') ?? PARTS
if (only.some(p => !PARTS.includes(p))) {
  console.error(`--only is a list of ${PARTS.join(', ')}, got '${opts.only}'`)
  process.exit(2)
}
/** Whether a part runs: in --only (or no --only), and not skipped. */
const included = part => only.includes(part) && !opts[`skip-${part}`]
const chosen = opts.scenarios.split(',')
const scenarios = Object.keys(SCENARIOS).filter(s => chosen.includes(s))
if (!chosen.includes('first') || chosen.some(s => !(s in SCENARIOS))) {
  console.error(`--scenarios is a list of ${Object.keys(SCENARIOS).join(', ')}, with first`)
  process.exit(2)
}

const has = cmd => !spawnSync(cmd, ['--help'], { stdio: 'ignore' }).error
for (const tool of ['moto_server', 'aws']) {
  if (!has(tool)) {
    console.error(`The bench needs ${tool}: pip install 'moto[server]' awscli`)
    process.exit(1)
  }
}
if (!ensureGnuTime()) {
  console.error('The bench needs GNU time (/usr/bin/time) for CPU and memory: apt-get install time')
  process.exit(1)
}
if (!has('rclone') && process.getuid?.() === 0 && has('apt-get')) {
  console.log("Installing Debian's rclone for the comparison (apt-get install rclone) ...")
  spawnSync('apt-get', ['install', '-y', '-qq', 'rclone'], { stdio: 'ignore' })
}
const RCLONE = has('rclone')

const work = await mkdtemp(path.join(os.tmpdir(), 'deploy-bench-'))
const stops = []
let stopping
const cleanUp = () =>
  (stopping ??= (async () => {
    killRunning()
    for (const stop of stops.reverse()) await stop().catch(() => undefined)
    await rm(work, { recursive: true, force: true })
  })())
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping what the bench started ...`)
    void cleanUp().finally(() => process.exit(130))
  })
}

const targets = [] // [figure, measured, target, met], from each part

try {
  const version = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')).version
  console.log(
    `Bench of s3-cloudfront-deploy ${version}: dist/index.js, ${((await stat(dist)).size / 1024).toFixed(0)} KiB`
  )
  for (const line of describeMachine({ rclone: RCLONE })) console.log(line)
  if (!RCLONE) console.log('rclone is not installed (apt-get install rclone): it is left out.')
  if (busyWarning()) console.log(busyWarning())
  console.log(
    `Timed commands run with ${RUNNER_VARIABLES.join(', ')} of this environment and nothing else (no NODE_OPTIONS, NODE_EXTRA_CA_CERTS or AWS_*), as on a hosted runner.`
  )
  console.log('Every figure: median (min–max) over its runs. MB = 10^6 bytes.\n')

  const moto = await startMoto()
  stops.push(moto.stop)
  const proxy = await startLatencyProxy({ targetPort: moto.port, rttMs: RTT })
  stops.push(proxy.close)
  const endpoint = `http://127.0.0.1:${proxy.port}`
  const creds = {
    AWS_ACCESS_KEY_ID: 'bench-access-key',
    AWS_SECRET_ACCESS_KEY: 'bench-secret-key',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
  }
  const baseEnv = {
    ...runnerEnv(process.env),
    // Not the user's ~/.aws or rclone settings (concurrency, retries): every run measures alike.
    AWS_CONFIG_FILE: path.join(work, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'no-aws-credentials'),
    RCLONE_CONFIG: path.join(work, 'no-rclone.conf')
  }
  const env = { ...baseEnv, ...creds, AWS_ENDPOINT_URL: endpoint }
  // Straight to moto, without the added round trip: setting up, checking, and the scale plans.
  const directEnv = { ...env, AWS_ENDPOINT_URL: `http://127.0.0.1:${moto.port}` }
  const aws = realCommand('aws')
  const awsDirect = (...args) => {
    const r = spawnSync(aws, args, { env: directEnv, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`aws ${args.join(' ')}: ${r.stderr}`)
    return r.stdout.trim()
  }
  const makeBucket = async name => awsDirect('s3api', 'create-bucket', '--bucket', name)
  const countObjects = async name =>
    Number(awsDirect('s3api', 'list-objects-v2', '--bucket', name, '--query', 'length(Contents)'))

  const layout = siteLayout({ files: FILES, seed: 1 })
  const site = `${FILES.toLocaleString('en')} files, ${(layout.reduce((s, f) => s + f.size, 0) / 2 ** 20).toFixed(1)} MiB`
  const pristine = path.join(work, 'pristine')
  await writeSite(pristine, layout)

  if (included('startup')) {
    console.log(`Start-up (${STARTUP_RUNS} rounds; one of each command per round, in turn):`)
    const measured = await measureStartup({
      dist,
      env,
      site: pristine,
      rounds: STARTUP_RUNS,
      firstRequestRounds: Math.min(STARTUP_RUNS, 7)
    })
    const { rows, targets: rowsOfTargets } = reportStartup(measured)
    printTable(rows)
    console.log(
      `The deploy (of the ${site} site) is counted from its spawn to its first request's arrival at a local stand-in endpoint.\n`
    )
    targets.push(...rowsOfTargets)
  }

  if (included('compare')) {
    const clients = makeClients({ dist, endpoint, env, baseEnv, creds, rclone: RCLONE })
    console.log(
      `Comparison: ${site} (1-200 KB, seed 1), ${RTT} ms round trip added to moto_server, ${IN_FLIGHT} requests in flight (aws s3 sync: its default 10); ${RUNS} run(s):`
    )
    const results = await compareClients({
      clients,
      scenarios,
      runs: RUNS,
      pristine,
      layout,
      work,
      moto,
      proxy,
      bucket: 'bench-site',
      makeBucket,
      countObjects,
      onRun: r => console.log(`  run ${r} of ${RUNS} done`)
    })
    const report = reportComparison(results, clients, {
      scenarios,
      files: FILES,
      what: `${site}, ${RTT} ms RTT`
    })
    printTable(report.rows)
    console.log(
      'Client CPU: user + system time of the client process (getrusage, read by GNU time). Requests: connections through the proxy (moto closes each). moto CPU: what the server spent meanwhile.\n'
    )
    printTable(report.ratioRows)
    for (const note of report.notes) console.log(note)
    console.log()
    targets.push(...report.targets)

    if (opts.sweep) {
      console.log(`Concurrency: first deploys by the action; ${RUNS} run(s) each:`)
      const sweep = await sweepConcurrency({
        action: clients.action,
        levels: [8, 16, 32, 64, 128],
        runs: RUNS,
        pristine,
        moto,
        proxy,
        bucket: 'bench-sweep',
        makeBucket
      })
      printTable(reportSweep(sweep))
      console.log()
    }
  }

  if (included('release')) {
    console.log(
      `Release mode: ${site}, 1% edited at the same size, deployed as a release and as a plain re-deploy, ${RTT} ms round trip added to moto_server; ${RUNS} run(s), in turns:`
    )
    const results = await measureRelease({
      root,
      dist,
      env,
      runs: RUNS,
      pristine,
      layout,
      work,
      moto,
      proxy,
      makeBucket
    })
    const report = reportRelease(results)
    printTable(report.rows)
    console.log(`${report.note}\n`)
    targets.push(...report.targets)
  }

  if (included('scale')) {
    console.log(
      `Scale: dry-run plans against an empty bucket, straight to moto (200 B-4 KiB files, seed 3); ${SCALE_RUNS} run(s) each:`
    )
    await moto.reset()
    await makeBucket('bench-scale')
    const results = await measureScale({
      dist,
      env: directEnv,
      sizes: SCALE,
      runs: SCALE_RUNS,
      work,
      bucket: 'bench-scale',
      log: line => console.log(line)
    })
    const { rows, targets: rowsOfTargets } = reportScale(results)
    printTable(rows)
    console.log(
      'Δ: the cost per file from the size above to this one, so fixed costs cancel: flat when it grows linearly.\n'
    )
    targets.push(...rowsOfTargets)
  }

  if (included('state')) {
    console.log(
      `State object of ${STATE_FILES.toLocaleString('en')} files (src/plan/manifest.ts built with ncc; gzip at zlib's default level, as the action stores it); ${RUNS} run(s):`
    )
    const modulePath = buildManifestModule(root, path.join(work, 'manifest'))
    const runs = []
    for (let r = 0; r < RUNS; r++)
      runs.push(await measureStateObject(modulePath, STATE_FILES, baseEnv))
    printTable(reportStateObject(runs, STATE_FILES))
    console.log()
  }

  if (included('compression')) {
    // Real text for the text types: this commit's bundle (minified JavaScript) and its docs.
    const docs = readdirSync(path.join(root, 'docs')).map(f => path.join(root, 'docs', f))
    const corpus = Buffer.concat(
      [dist, path.join(root, 'README.md'), ...docs].map(f => readFileSync(f))
    )
    const text = siteLayout({ files: FILES, seed: 1 })
    const textSite = path.join(work, 'pristine-text')
    await writeSite(textSite, text, 1, { text: corpus })
    const raw = text.reduce((s, f) => s + f.size, 0)
    console.log(
      `Compression: ${FILES.toLocaleString('en')} files, ${(raw / 2 ** 20).toFixed(1)} MiB (the same layout; its HTML, CSS, JS, JSON, SVG and TXT files are slices of this commit's dist/index.js and docs), ${RTT} ms round trip added to moto_server; the action without compress, with compress: '${compressRules('gzip').replace(/\n/g, '\\n')}', and with the same in br; ${RUNS} run(s), each with ${UNCHANGED_REPEATS} rounds of no-change deploys:`
    )
    const clients = makeClients({ dist, endpoint, env, baseEnv, creds, rclone: false })
    const results = await measureCompression({
      action: clients.action,
      runs: RUNS,
      pristine: textSite,
      layout: text,
      work,
      moto,
      makeBucket,
      storedBytes: async name =>
        Number(
          awsDirect(
            's3api',
            'list-objects-v2',
            '--bucket',
            name,
            '--query',
            "sum(Contents[?!ends_with(Key, '.s3-cloudfront-deploy.json')].Size)"
          )
        ),
      onRun: r => console.log(`  run ${r} of ${RUNS} done`)
    })
    const compressed = text.filter(f => /\.(html|css|js|json|svg)$/.test(f.rel))
    const report = reportCompression(results, {
      raw,
      text: compressed.reduce((s, f) => s + f.size, 0)
    })
    printTable(report.rows)
    console.log()
    printTable(report.ratioRows)
    console.log(report.note)
    console.log()
    targets.push(...report.targets)
  }

  if (targets.length > 0) {
    console.log('Targets (met when the median meets the target):')
    printTable([['figure', 'measured: median (min–max)', 'target', 'met'], ...targets])
  }
  console.log(
    `\nTotal: ${((performance.now() - started) / 60_000).toFixed(1)} min; load average now ${loadAverage()} (1, 5, 15 min; the bench's own work included)`
  )
} finally {
  await cleanUp()
}

// Start-up: the action's --help, --version and an input error against bare `node -e 0`, run side
// by side (one of each per round, in turn), so each round gives a ratio; and the time from the
// spawn of a deploy to its first request.
import { runMeasured } from './rusage.mjs'
import { timeToFirstRequest } from './first-request.mjs'
import { formatSpread, median, pairedRatios } from './stats.cjs'

/**
 * @returns {Promise<{ ms: Record<string, number[]>, firstRequest: number[], request: string }>}
 *   ms per command label (`node -e 0`, `--help`, `--version`, `input error`), one per round.
 */
export async function measureStartup({ dist, env, site, rounds, firstRequestRounds }) {
  const node = process.execPath
  const commands = {
    'node -e 0': [node, ['-e', '0'], 0],
    '--help': [node, [dist, '--help'], 0],
    '--version': [node, [dist, '--version'], 0],
    // Refused while reading the inputs, before any request.
    'input error': [
      node,
      [dist, '--source', site, '--bucket', 'bench-site', '--delete', 'maybe'],
      1
    ]
  }
  const ms = Object.fromEntries(Object.keys(commands).map(k => [k, []]))
  const labels = Object.keys(commands)
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < labels.length; i++) {
      const label = labels[(round + i) % labels.length]
      const [cmd, args, expected] = commands[label]
      const out = await runMeasured(cmd, args, env)
      if (out.code !== expected || (label === 'input error' && !/Input 'delete'/.test(out.stderr)))
        throw new Error(`${label}: exit ${out.code}, ${out.stderr.slice(-500)}`)
      ms[label].push(out.wallMs)
    }
  }
  const firstRequest = []
  let request = ''
  for (let round = 0; round < firstRequestRounds; round++) {
    const got = await timeToFirstRequest(
      node,
      [dist, '--source', site, '--bucket', 'bench-site'],
      env
    )
    firstRequest.push(got.ms)
    request = got.request
  }
  return { ms, firstRequest, request }
}

/** The table, and the rows of issue 14's targets (each ≤ 1.5× bare Node). */
export function reportStartup({ ms, firstRequest, request }) {
  const bare = ms['node -e 0']
  const ratio = xs => formatSpread(xs, { suffix: '×' })
  const rows = [['command', 'wall (ms)', '÷ node -e 0']]
  for (const [label, xs] of Object.entries(ms)) {
    const shown = label === 'node -e 0' ? label : `node dist/index.js ${label}`
    rows.push([shown, formatSpread(xs, { digits: 0 }), ratio(pairedRatios(xs, bare))])
  }
  rows.push([
    `deploy, to its first request (${request.split('?')[0]})`,
    formatSpread(firstRequest, { digits: 0 }),
    ratio(firstRequest.map(x => x / median(bare)))
  ])
  const targets = ['--help', '--version', 'input error'].map(label => {
    const xs = pairedRatios(ms[label], bare)
    return [`start-up: ${label} ÷ node -e 0`, ratio(xs), '≤ 1.5×', median(xs) <= 1.5 ? 'yes' : 'no']
  })
  return { rows, targets }
}

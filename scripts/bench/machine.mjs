// What the figures were measured on: CPUs, memory, load, and the versions of the tools compared.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import * as os from 'node:os'

/**
 * The program a command name runs. pyenv's shims (a shell script that runs pyenv, that runs the
 * program) cost about 0.15 s and 0.1 s of CPU per start: the aws CLI is measured, not pyenv.
 */
export function realCommand(name) {
  const pyenv = spawnSync('pyenv', ['which', name], { encoding: 'utf8' })
  if (pyenv.status === 0 && pyenv.stdout.trim()) return pyenv.stdout.trim()
  const which = spawnSync('sh', ['-c', `command -v "$0"`, name], { encoding: 'utf8' })
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : name
}

function firstLine(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  return r.status === 0 ? `${r.stdout}${r.stderr}`.trim().split('\n')[0] : 'not found'
}

/** moto_server has no --version: ask the Python its script runs with. */
function motoVersion() {
  try {
    const shebang = /^#!\s*(\S+)/.exec(readFileSync(realCommand('moto_server'), 'utf8'))?.[1]
    if (!shebang) return 'unknown'
    const code = "from importlib.metadata import version; print(version('moto'))"
    return firstLine(shebang, ['-c', code])
  } catch {
    return 'unknown'
  }
}

/** Lines describing the machine and the tools, to print before any figure. */
export function describeMachine({ rclone }) {
  const cpus = os.cpus()
  const models = [...new Set(cpus.map(c => c.model.trim()))].join(', ')
  return [
    `Machine: ${cpus.length} CPUs (${models}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}; load average ${loadAverage()} (1, 5, 15 min)`,
    `Node ${process.version}; moto ${motoVersion()}; ${firstLine(realCommand('aws'), ['--version'])}; ${rclone ? firstLine('rclone', ['--version']) : 'rclone not installed'}`
  ]
}

/** A warning when other work keeps the CPUs busy: wall times (and, less, CPU times) then move. */
export function busyWarning() {
  const [load] = os.loadavg()
  const cpus = os.cpus().length
  return load > cpus
    ? `Warning: load average ${load.toFixed(2)} on ${cpus} CPUs: other work is running, and the figures will show it.`
    : undefined
}

export function loadAverage() {
  return os
    .loadavg()
    .map(l => l.toFixed(2))
    .join(' ')
}

/**
 * What a timed command may inherit: only what a program needs to run, as on a hosted runner.
 * Anything else changes the figures: NODE_EXTRA_CA_CERTS makes every Node process load a CA
 * bundle at start (tens of ms), NODE_OPTIONS can preload code, AWS_* would point the clients
 * elsewhere.
 */
export const RUNNER_VARIABLES = ['PATH', 'HOME', 'LANG', 'TMPDIR']

export function runnerEnv(env) {
  return Object.fromEntries(
    RUNNER_VARIABLES.filter(k => env[k] !== undefined).map(k => [k, env[k]])
  )
}

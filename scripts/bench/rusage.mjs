// Runs a child and measures it: wall time here, CPU (user + system) and peak memory from the
// kernel's rusage of the child, read by GNU time (/usr/bin/time), which works alike for node, the
// aws CLI (Python) and rclone (Go). Every child started here is known by PID until it exits, so
// the bench can stop what is still running when it fails: each runs in a process group of its own,
// so stopping it stops the measured program, not only GNU time.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

export const GNU_TIME = '/usr/bin/time'
const MARK = 'bench:rusage'
const running = new Set()

/** Whether GNU time is there (Debian package `time`); installs it as root with apt-get if not. */
export function ensureGnuTime() {
  if (!existsSync(GNU_TIME) && process.getuid?.() === 0) {
    console.log("Installing Debian's GNU time for CPU figures (apt-get install time) ...")
    spawnSync('apt-get', ['install', '-y', '-qq', 'time'], { stdio: 'ignore' })
  }
  return (
    existsSync(GNU_TIME) &&
    spawnSync(GNU_TIME, ['-f', '%U', 'true'], { stdio: 'ignore' }).status === 0
  )
}

/**
 * Runs `cmd args` to its end (or kills it after `timeoutMs`). Resolves with its exit code,
 * output, wall time (ms), CPU time (ms, user + system, 10 ms resolution) and peak RSS (bytes).
 */
export function runMeasured(cmd, args, env, { timeoutMs = 15 * 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(GNU_TIME, ['-f', `${MARK} %U %S %M`, cmd, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true
    })
    running.add(child)
    const timer = setTimeout(() => killGroup(child), timeoutMs)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stderr += d))
    child.on('error', err => {
      clearTimeout(timer)
      running.delete(child)
      reject(err)
    })
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - t0
      clearTimeout(timer)
      running.delete(child)
      // GNU time writes its line last, after the child's own stderr.
      const at = stderr.lastIndexOf(MARK)
      const [user, sys, maxRssKb] = stderr
        .slice(at + MARK.length)
        .trim()
        .split(/\s+/)
        .map(Number)
      if (at < 0 || ![user, sys, maxRssKb].every(Number.isFinite)) {
        reject(new Error(`${cmd}: no rusage (${signal ?? `exit ${code}`}): ${stderr.slice(-500)}`))
        return
      }
      resolve({
        code: signal ? 128 : code,
        stdout,
        stderr: stderr.slice(0, at).replace(/Command exited with non-zero status \d+\n$/, ''),
        wallMs,
        cpuMs: (user + sys) * 1000,
        maxRss: maxRssKb * 1024
      })
    })
  })
}

/** Kills the children still running (by PID): the bench is stopping. */
export function killRunning() {
  for (const child of running) killGroup(child)
}

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}

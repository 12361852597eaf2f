// moto_server for the bench: started on a free port of 127.0.0.1, stopped by its PID.
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { realCommand } from './machine.mjs'

/**
 * @returns {Promise<{ port: number, pid: number, stop: () => Promise<void>,
 *   reset: () => Promise<void>, cpuMs: () => number }>}
 */
export async function startMoto() {
  const port = await freePort()
  // The program itself, not pyenv's shim: its PID is moto's, so its CPU can be read.
  const child = spawn(realCommand('moto_server'), ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore'
  })
  const exited = new Promise(resolve => child.once('exit', resolve))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
  }
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 150; i++) {
    try {
      await fetch(`${base}/moto-api/`)
      return {
        port,
        pid: child.pid,
        stop,
        // Drops every bucket and object: each measured run starts from the same empty server.
        reset: async () => {
          const r = await fetch(`${base}/moto-api/reset`, { method: 'POST' })
          if (!r.ok) throw new Error(`moto reset: HTTP ${r.status}`)
        },
        cpuMs: () => processCpuMs(child.pid)
      }
    } catch {
      await new Promise(r => setTimeout(r, 100))
    }
  }
  await stop()
  throw new Error('moto_server did not start within 15 s')
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100

/** CPU time (user + system) a process has used so far, from Linux's /proc; NaN elsewhere. */
function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name, which is in parentheses: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS
  } catch {
    return NaN
  }
}

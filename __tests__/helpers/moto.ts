import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createBucket } from './aws'
import * as net from 'node:net'

export interface Moto {
  endpoint: string
  port: number
  pid: number
  stop(): Promise<void>
}

const INSTALL_HINT =
  "moto_server was not found on PATH. The end-to-end tests need it: pip install 'moto[server]' (and the aws CLI: pip install awscli)."

/** A port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** Starts moto_server on 127.0.0.1 on a free port; fails loudly (never skips) when it is missing. */
export async function startMoto(
  env: NodeJS.ProcessEnv = {},
  command = 'moto_server'
): Promise<Moto> {
  if (spawnSync(command, ['--help'], { stdio: 'ignore' }).error) throw new Error(INSTALL_HINT)
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    const child = spawn(command, ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env }
    })
    let stderr = ''
    child.stderr?.on('data', d => (stderr = (stderr + d).slice(-4000)))
    const endpoint = `http://127.0.0.1:${port}`
    if (await waitUntilUp(endpoint, child)) {
      return { endpoint, port, pid: child.pid as number, stop: () => stopProcess(child) }
    }
    await stopProcess(child)
    if (attempt === 2) throw new Error(`moto_server did not start on port ${port}: ${stderr}`)
  }
  throw new Error('unreachable')
}

async function waitUntilUp(endpoint: string, child: ChildProcess): Promise<boolean> {
  // Bounded: 150 × 100 ms.
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) return false
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) })
      if (res.status < 500) return true
    } catch {
      // not up yet
    }
    await new Promise(r => setTimeout(r, 100))
  }
  return false
}

export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise(resolve => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

export interface MotoSuite {
  readonly endpoint: string
  /** A fresh bucket for one test, so tests never see each other's objects. */
  newBucket(): Promise<string>
}

/**
 * One moto_server per test file: started before its tests, stopped (by PID) after them. Call at
 * the top level of a test file.
 */
export function motoSuite(bucketPrefix: string): MotoSuite {
  let moto: Moto | undefined
  let count = 0
  beforeAll(async () => {
    moto = await startMoto()
  })
  afterAll(async () => {
    await moto?.stop()
  })
  const running = (): Moto => {
    if (!moto) throw new Error('moto_server is not running')
    return moto
  }
  return {
    get endpoint() {
      return running().endpoint
    },
    async newBucket() {
      const name = `${bucketPrefix}-${++count}-${Date.now()}`
      await createBucket(running().endpoint, name)
      return name
    }
  }
}

import { spawn } from 'node:child_process'

export interface Finished {
  /** -1 when a signal ended it (the timeout's SIGKILL, or a test's own). */
  code: number
  stdout: string
  stderr: string
}

export interface StartedProcess {
  pid: number
  kill(signal: NodeJS.Signals): void
  result: Promise<Finished>
}

/** A child process with its output collected, killed (SIGKILL) if it outlives `timeoutMs`. */
export function startProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}
): StartedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', d => (stdout += d))
  child.stderr.on('data', d => (stderr += d))
  const result = new Promise<Finished>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      resolve({ code: code ?? -1, stdout, stderr })
    })
  })
  return { pid: child.pid as number, kill: signal => void child.kill(signal), result }
}

/** startProcess, waited for. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}
): Promise<Finished> {
  return startProcess(command, args, options).result
}

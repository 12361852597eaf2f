import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { awsEnv, cleanEnv } from './aws'
import { startProcess } from './process'
import { staleDist } from '../../scripts/check-dist.cjs'
import { ROOT } from './repo'
import { parse as parseYaml } from 'yaml'

export const DIST = path.join(ROOT, 'dist', 'index.js')

// Every end-to-end test runs the bundle: one built from older sources would test old code.
const stale = staleDist(ROOT)
if (stale) throw new Error(stale)

export interface RunResult extends Printed {
  code: number
  outputs: Record<string, string>
  summary: string
}

/** What a run showed, and where: only GitHub's runner hides `::add-mask::` lines. */
export interface Printed {
  stdout: string
  stderr: string
  summary?: string
  outputs?: Record<string, string>
  platform: 'github' | 'other'
}

export interface RunOptions {
  endpoint: string
  cwd: string
  /** Inputs by their public names, e.g. { 'distribution-id': 'E123' }. */
  inputs: Record<string, string>
  env?: NodeJS.ProcessEnv
  timeoutMs?: number
}

/** action.yml's defaults, as INPUT_<NAME> variables: the runner sets one for every input. */
function actionDefaults(): NodeJS.ProcessEnv {
  const action = parseYaml(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>
  }
  const env: NodeJS.ProcessEnv = {}
  for (const [name, input] of Object.entries(action.inputs))
    env[`INPUT_${name.toUpperCase()}`] = input.default ?? ''
  return env
}

/**
 * Runs the bundled action the way the GitHub runner does: an INPUT_<NAME> variable for every
 * input of action.yml, its default where the step sets none, with the dashes kept,
 * GITHUB_ACTIONS=true, and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files.
 */
export async function runGitHub(options: RunOptions): Promise<RunResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gh-run-'))
  const outputFile = path.join(dir, 'output')
  const summaryFile = path.join(dir, 'summary')
  await writeFile(outputFile, '')
  await writeFile(summaryFile, '')
  const env: NodeJS.ProcessEnv = {
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: options.cwd,
    ...actionDefaults(),
    ...options.env
  }
  for (const [name, value] of Object.entries(options.inputs))
    env[`INPUT_${name.toUpperCase()}`] = value
  const result = await runNode([DIST], options, env)
  const run: RunResult = {
    ...result,
    outputs: parseGitHubOutput(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
    platform: 'github'
  }
  assertNoSecrets(run)
  return run
}

/** Runs it the GitLab way: `node dist/index.js --flag value`, outputs in a dotenv file. */
export async function runGitLab(options: RunOptions & { args?: string[] }): Promise<RunResult> {
  return (await startGitLab(options)).result
}

export interface StartedRun {
  /** The child's PID: tests signal it (SIGKILL, SIGTERM) and must see it end. */
  pid: number
  kill(signal: NodeJS.Signals): void
  result: Promise<RunResult>
}

/** Starts a GitLab-way run without waiting for it, so a test can signal it midway. */
export async function startGitLab(options: RunOptions & { args?: string[] }): Promise<StartedRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gl-run-'))
  const dotenv = path.join(dir, 'deploy.env')
  const args = [DIST, '--outputs-file', dotenv]
  for (const [name, value] of Object.entries(options.inputs)) args.push(`--${name}`, value)
  args.push(...(options.args ?? []))
  const started = startNode(args, options, { GITLAB_CI: 'true', CI: 'true', ...options.env })
  return {
    pid: started.pid,
    kill: started.kill,
    result: started.result.then(async result => {
      let outputs: Record<string, string> = {}
      try {
        outputs = parseDotenv(await readFile(dotenv, 'utf8'))
      } catch {
        // no dotenv written
      }
      const run: RunResult = { ...result, outputs, summary: '', platform: 'other' }
      assertNoSecrets(run)
      return run
    })
  }
}

/** Values that must never appear in what the action prints (GitHub's ::add-mask:: aside). */
export const SECRETS = [
  awsEnv('x').AWS_SECRET_ACCESS_KEY as string,
  awsEnv('x').AWS_ACCESS_KEY_ID as string
]

/**
 * Every run is checked: a secret in a log line, the summary or an output fails the test. On
 * GitHub the runner hides `::add-mask::<value>` lines; anywhere else (GitLab prints every line)
 * such a line is a leak like any other.
 */
export function assertNoSecrets(printed: Printed, extra: string[] = []): void {
  const lines = [
    printed.stdout,
    printed.stderr,
    printed.summary ?? '',
    JSON.stringify(printed.outputs ?? {})
  ]
    .join('\n')
    .split('\n')
  const visible = (
    printed.platform === 'github' ? lines.filter(line => !line.startsWith('::add-mask::')) : lines
  ).join('\n')
  for (const secret of [...SECRETS, ...extra]) {
    if (visible.includes(secret)) throw new Error(`A secret was printed: ${secret.slice(0, 4)}…`)
  }
}

export function runNode(
  args: string[],
  options: Pick<RunOptions, 'endpoint' | 'cwd' | 'timeoutMs'>,
  env: NodeJS.ProcessEnv
): Promise<Omit<RunResult, 'outputs' | 'summary' | 'platform'>> {
  return startNode(args, options, env).result
}

/** The bundle as a child process, with the test's AWS endpoint and dummy credentials. */
function startNode(
  args: string[],
  options: Pick<RunOptions, 'endpoint' | 'cwd' | 'timeoutMs'>,
  env: NodeJS.ProcessEnv
) {
  return startProcess(process.execPath, args, {
    cwd: options.cwd,
    env: { ...cleanEnv(), ...awsEnv(options.endpoint), ...env },
    timeoutMs: options.timeoutMs
  })
}

/** GITHUB_OUTPUT uses `name<<delimiter` blocks (what @actions/core writes). */
export function parseGitHubOutput(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i] as string)
    if (m) {
      const value: string[] = []
      while (++i < lines.length && lines[i] !== m[2]) value.push(lines[i] as string)
      outputs[m[1] as string] = value.join('\n')
    } else if ((lines[i] as string).includes('=')) {
      const [k, ...v] = (lines[i] as string).split('=')
      outputs[k as string] = v.join('=')
    }
  }
  return outputs
}

export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split('\n')) {
    if (line === '') continue
    const eq = line.indexOf('=')
    out[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return out
}

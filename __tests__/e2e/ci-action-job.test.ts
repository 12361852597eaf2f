/**
 * ci.yml's `action` job, run here step by step as the GitHub runner would: its `run:` steps in
 * bash -eo pipefail, its `uses: ./` steps as the runner runs the action (INPUT_* variables,
 * GITHUB_OUTPUT), its expressions resolved from the job's env and the steps' outputs. The job's
 * own moto_server step (pip install, port 5000) is the one thing replaced: by this file's
 * moto_server, through AWS_ENDPOINT_URL, and the venv's Python that step leaves in PY by a
 * stand-in that runs `-m awscli` as the aws CLI on PATH.
 */
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { parse } from 'yaml'
import { motoSuite } from '../helpers/moto'
import { cleanEnv } from '../helpers/aws'
import { parseGitHubOutput, runGitHub } from '../helpers/action'
import { runProcess } from '../helpers/process'

import { ROOT } from '../helpers/repo'
const moto = motoSuite('ci-job')

interface Step {
  name?: string
  id?: string
  uses?: string
  run?: string
  with?: Record<string, string>
  env?: Record<string, string>
}

/** A `run:` step as the runner runs it: bash -eo pipefail; its output as one log. */
async function bash(script: string, cwd: string, env: NodeJS.ProcessEnv) {
  const args = ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script]
  const { code, stdout, stderr } = await runProcess('bash', args, { cwd, env })
  return { code, log: `${stdout}${stderr}` }
}

/** A `python` that knows one module, awscli: the aws CLI on PATH. */
async function pythonForAwsCli(): Promise<string> {
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'ci-python-')), 'python')
  const script = '[ "$1 $2" = "-m awscli" ] || { echo "not a stand-in for: $*" >&2; exit 2; }'
  await writeFile(file, `#!/bin/sh\n${script}\nshift 2\nexec aws "$@"\n`)
  await chmod(file, 0o755)
  return file
}

test("ci.yml's action job passes here: deploy, check the outputs, deploy again, nothing changed", async () => {
  const workflow = parse(await readFile(path.join(ROOT, '.github/workflows/ci.yml'), 'utf8'))
  const job = workflow.jobs.action as { env: Record<string, string>; steps: Step[] }
  const jobEnv = { ...job.env, AWS_ENDPOINT_URL: moto.endpoint, PY: await pythonForAwsCli() }
  const workspace = await mkdtemp(path.join(os.tmpdir(), 'ci-workspace-'))
  const outputs: Record<string, Record<string, string>> = {}
  const resolve = (value: string) =>
    value.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expr: string) => {
      const env = /^env\.(\w+)$/.exec(expr)
      if (env) return jobEnv[env[1] as keyof typeof jobEnv] ?? ''
      const out = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr)
      if (out) return outputs[out[1]!]?.[out[2]!] ?? ''
      throw new Error(`This test does not know the expression \${{ ${expr} }}`)
    })

  const ran: string[] = []
  const checks: { step: Step; env: NodeJS.ProcessEnv }[] = []
  for (const step of job.steps) {
    const label = step.name ?? step.uses ?? '?'
    if (step.uses?.startsWith('actions/checkout@')) continue // uses: ./ runs this tree's dist/
    if (step.run?.includes('-m moto.server -H 127.0.0.1 -p 5000')) continue // this file's moto
    const stepEnv = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([k, v]) => [k, resolve(String(v))])
    )
    if (step.uses === './') {
      const inputs = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([k, v]) => [k, resolve(String(v))])
      )
      const result = await runGitHub({
        endpoint: moto.endpoint,
        cwd: workspace,
        inputs,
        env: { ...jobEnv, ...stepEnv }
      })
      expect([label, result.code, result.stdout]).toEqual([label, 0, expect.anything()])
      if (step.id) outputs[step.id] = result.outputs
    } else {
      const outputFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'ci-out-')), 'output')
      await writeFile(outputFile, '')
      const env = {
        ...cleanEnv(),
        ...jobEnv,
        ...stepEnv,
        GITHUB_OUTPUT: outputFile,
        RUNNER_TEMP: workspace
      }
      const result = await bash(resolve(step.run ?? ''), workspace, env)
      expect([label, result.code, result.log]).toEqual([label, 0, expect.any(String)])
      if (step.id) outputs[step.id] = parseGitHubOutput(await readFile(outputFile, 'utf8'))
      if (step.run?.includes('test "$UPLOADED"')) checks.push({ step, env })
    }
    ran.push(label)
  }
  expect(ran).toEqual([
    'A bucket, a distribution and a site to deploy',
    'Deploy',
    'Check the outputs and the bucket',
    'Deploy again, nothing changed',
    'Check nothing was uploaded or invalidated'
  ])
  expect(outputs.deploy).toMatchObject({ uploaded: '2', 'invalidation-status': 'COMPLETED' })
  expect(outputs.again).toMatchObject({ uploaded: '0', unchanged: '2' })

  // The checks are real: wrong outputs make them fail.
  for (const { step, env } of checks) {
    const wrong = await bash(resolve(step.run!), workspace, { ...env, UPLOADED: '7' })
    expect(wrong.code).not.toBe(0)
  }
}, 120_000)

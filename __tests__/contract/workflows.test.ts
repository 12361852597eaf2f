/**
 * The repository's own GitHub workflows: valid by the workflow schema (@action-validator/cli),
 * least privilege, third-party actions pinned to commit SHAs, and doing what the release process
 * promises. action.yml's runs.using is checked by inputs.test.ts: the validator's schema
 * does not know node24 yet.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parse } from 'yaml'

import { ROOT } from '../helpers/repo'
// Its script run by node: .bin/action-validator is a .cmd on Windows, which needs a shell.
const validator = path.join(ROOT, 'node_modules', '@action-validator', 'cli', 'cli.mjs')
const dir = path.join(ROOT, '.github', 'workflows')
const files = readdirSync(dir).filter(f => f.endsWith('.yml'))
const workflow = (name: string) => parse(readFileSync(path.join(dir, name), 'utf8'))

function validate(file: string) {
  const run = spawnSync(process.execPath, [validator, file], { encoding: 'utf8' })
  return { code: run.status, errors: `${run.stdout}${run.stderr}` }
}

function tempCopy(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'workflow-')), name)
  writeFileSync(file, text)
  return file
}

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; id?: string }
const jobsOf = (wf: any) => Object.entries(wf.jobs as Record<string, any>)
const stepsOf = (wf: any): Step[] => jobsOf(wf).flatMap(([, job]) => job.steps ?? [])

test('the workflows are ci, codeql and release', () => {
  expect(files.sort()).toEqual(['ci.yml', 'codeql.yml', 'release.yml'])
})

describe.each(files)('%s', name => {
  const text = readFileSync(path.join(dir, name), 'utf8')
  const wf = parse(text)

  test('is valid by the workflow schema', () => {
    expect(validate(path.join(dir, name))).toEqual({ code: 0, errors: '' })
  })

  test('grants nothing by default, and each job only what it needs', () => {
    expect(wf.permissions).toEqual({})
    for (const [id, job] of jobsOf(wf)) expect([id, typeof job.permissions]).toEqual([id, 'object'])
  })

  test('pins every action to a full commit SHA, with its version in a comment', () => {
    const uses = [...text.matchAll(/uses:\s*(\S+)(.*)$/gm)]
    expect(uses.length).toBeGreaterThan(0)
    for (const [, ref, comment] of uses) {
      if (ref!.startsWith('./')) continue
      expect(`${ref}${comment}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/)
    }
  })

  test('checks out without leaving the token on disk', () => {
    for (const step of stepsOf(wf).filter(s => s.uses?.startsWith('actions/checkout@')))
      expect(step.with?.['persist-credentials']).toBe(false)
  })
})

test('the validator is live: it refuses a workflow with a misspelt key', () => {
  const broken = readFileSync(path.join(dir, 'ci.yml'), 'utf8').replace('runs-on:', 'run-on:')
  const result = validate(tempCopy('ci.yml', broken))
  expect(result.code).toBe(1)
  expect(result.errors).toContain("Additional property 'run-on' is not allowed")
})

test('action.yml is valid by the action schema, but for runs.using: node24 (unknown to it)', () => {
  const text = readFileSync(path.join(ROOT, 'action.yml'), 'utf8')
  expect(text).toContain("using: 'node24'")
  const asNode20 = text.replace("using: 'node24'", "using: 'node20'")
  expect(validate(tempCopy('action.yml', asNode20))).toEqual({ code: 0, errors: '' })
})

describe('ci.yml', () => {
  const ci = workflow('ci.yml')
  const runs = (job: string) => (ci.jobs[job].steps as Step[]).map(s => s.run ?? '').join('\n')

  test('runs on push, pull requests, and for the release', () => {
    expect(Object.keys(ci.on)).toEqual(['push', 'pull_request', 'workflow_call'])
  })

  test('format, lint and check-dist', () => {
    const script = runs('check')
    expect(script).toContain('npm run format:check')
    expect(script).toContain('npm run lint')
    expect(script).toMatch(/npm run bundle[\s\S]*git status --porcelain -- dist\//)
  })

  test('unit and e2e tests with moto[server] and awscli from pip, rsync and Ceph RGW from apt', () => {
    const script = runs('test')
    expect(script).toContain(
      'pip" install --quiet --disable-pip-version-check -r .github/requirements-e2e.txt'
    )
    expect(script).toContain(
      'apt-get install -y -qq --no-install-recommends rsync ceph-mon ceph-osd radosgw'
    )
    expect(script).toMatch(/\nnpm test$/)
    const requirements = readFileSync(path.join(ROOT, '.github', 'requirements-e2e.txt'), 'utf8')
    expect(requirements).toMatch(/^moto\[server\]==\S+$/m)
    expect(requirements).toMatch(/^awscli==\S+$/m)
  })

  test('the unit tests and the action job on Linux, Windows and macOS; the e2e suite on Linux', () => {
    const oses = ['ubuntu-latest', 'windows-latest', 'macos-latest']
    for (const id of ['unit', 'action']) {
      const job = ci.jobs[id]
      expect([id, job['runs-on'], job.strategy]).toEqual([
        id,
        '${{ matrix.os }}',
        { 'fail-fast': false, matrix: { os: oses } }
      ])
    }
    expect(runs('unit').trim()).toBe('npm ci\nnpm run test:unit')
    // Every run: step of the action job is a bash script, Windows included (Git Bash).
    expect(ci.jobs.action.defaults).toEqual({ run: { shell: 'bash' } })
    expect(ci.jobs.test['runs-on']).toBe('ubuntu-latest')
    expect(runs('test')).toMatch(/\nnpm test$/)
  })

  test('npm run test:unit is plain jest, which runs the same from any shell', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
    expect(pkg.scripts['test:unit']).toBe(
      'jest __tests__/unit __tests__/contract __tests__/scripts'
    )
  })

  test('runs the action itself (uses: ./) against a moto_server started before, and checks its outputs', () => {
    const steps = ci.jobs.action.steps as Step[]
    const start = steps.findIndex(s => s.run?.includes('-m moto.server -H 127.0.0.1 -p 5000'))
    const deploys = steps.flatMap((s, i) => (s.uses === './' ? [i] : []))
    expect(deploys).toHaveLength(2)
    expect(start).toBeGreaterThanOrEqual(0)
    expect(start).toBeLessThan(deploys[0]!)
    for (const i of deploys) {
      const check = steps[i + 1] as Step & { env: Record<string, string> }
      for (const value of Object.values(check.env))
        expect(value).toMatch(new RegExp(`^\\$\\{\\{ steps\\.${steps[i]!.id}\\.outputs\\.`))
      expect(check.run).toContain('test "$UPLOADED" =')
    }
  })
})

describe('release.yml', () => {
  const release = workflow('release.yml')
  const steps = release.jobs.release.steps as Step[]
  const script = steps.map(s => s.run ?? '').join('\n')

  test('runs for a vX.Y.Z tag, after all of CI', () => {
    expect(release.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } })
    expect(release.jobs.ci.uses).toBe('./.github/workflows/ci.yml')
    expect(release.jobs.release.needs).toBe('ci')
    expect(release.jobs.release.permissions).toEqual({ contents: 'write', 'id-token': 'write' })
  })

  test('checks dist/, then publishes npm, the GitHub release with the SHA-256, then moves vX', () => {
    const order = [
      'git status --porcelain -- dist/',
      'node scripts/release-notes.mjs "$GITHUB_REF_NAME"',
      'sha256sum s3-cloudfront-deploy.js',
      'npm publish --provenance --access public',
      'gh release create "$GITHUB_REF_NAME" --verify-tag',
      'major="${GITHUB_REF_NAME%%.*}"'
    ]
    const at = order.map(s => script.indexOf(s))
    expect(at.every(i => i >= 0)).toBe(true)
    expect([...at].sort((a, b) => a - b)).toEqual(at)
  })
})

test('dependabot: npm, github-actions and the pip test tools, each grouped', () => {
  const config = parse(readFileSync(path.join(ROOT, '.github', 'dependabot.yml'), 'utf8'))
  expect(config.version).toBe(2)
  const updates = config.updates as { 'package-ecosystem': string; groups?: object }[]
  expect(updates.map(u => u['package-ecosystem'])).toEqual(['npm', 'github-actions', 'pip'])
  for (const u of updates) expect(Object.keys(u.groups ?? {}).length).toBeGreaterThan(0)
})

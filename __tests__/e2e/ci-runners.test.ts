/**
 * The real CI emulators: the vendored-file GitLab pipeline of examples/ under gitlab-ci-local (jobs run in the host
 * shell, `image:` dropped), and the action's source under @github/local-action.
 */
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { motoSuite } from '../helpers/moto'
import {
  aws,
  createBucket,
  createDistribution,
  listInvalidations,
  listObjects
} from '../helpers/aws'
import { assertNoSecrets, DIST } from '../helpers/action'
import { cleanEnv } from '../helpers/aws'
import { startFaultProxy } from '../helpers/fault-proxy'
import { gitlabCiLocal, siteProject, withoutImages } from '../helpers/gitlab'
import { runProcess } from '../helpers/process'

import { ROOT } from '../helpers/repo'
import { example } from '../helpers/examples'
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name)
const TOKEN =
  'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9qZWN0X3BhdGg6bXktZ3JvdXAvbXktc2l0ZSJ9.Z2l0bGFiLXNpZ25hdHVyZQ'

const moto = motoSuite('runner')

/** A command with the test's clean environment and `env`, bounded. */
function exec(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000
) {
  return runProcess(command, args, { cwd, env: { ...cleanEnv(), ...env }, timeoutMs })
}

test('the vendored-file pipeline (examples/gitlab/vendored.gitlab-ci.yml) runs green under gitlab-ci-local, with OIDC and dotenv outputs', async () => {
  const pipeline = example('gitlab/vendored.gitlab-ci.yml').yaml
  expect(pipeline.deploy.id_tokens.INPUT_WEB_IDENTITY_TOKEN.aud).toBe('sts.amazonaws.com')
  const project = await siteProject(withoutImages(pipeline), {
    'index.html': '<h1>From GitLab</h1>',
    'style.css': 'h1{color:#f90}'
  })
  await mkdir(path.join(project, 'ci'))
  await copyFile(DIST, path.join(project, 'ci', 's3-cloudfront-deploy.js'))

  const bucket = `gitlab-site-${Date.now()}`
  await aws(
    moto.endpoint,
    's3api',
    'create-bucket',
    '--bucket',
    bucket,
    '--create-bucket-configuration',
    'LocationConstraint=eu-west-1'
  )
  const distribution = await createDistribution(moto.endpoint, '', `${bucket}.s3.amazonaws.com`)
  const proxy = await startFaultProxy({ target: moto.endpoint })
  try {
    // CI/CD variables of the project, and the id_tokens value GitLab would mint (gitlab-ci-local
    // does not). No AWS keys at all: the deploy must use the assumed role.
    const variables = {
      SITE_BUCKET: bucket,
      DISTRIBUTION_ID: distribution,
      DEPLOY_ROLE_ARN: 'arn:aws:iam::123456789012:role/site-deployer',
      INPUT_WEB_IDENTITY_TOKEN: TOKEN,
      AWS_ENDPOINT_URL: proxy.url,
      GITLAB_CI: 'true'
    }
    const args = [
      '--no-color',
      '--json-schema-validation=false',
      '--ignore-predefined-vars',
      'GITLAB_CI'
    ]
    for (const [k, v] of Object.entries(variables)) args.push('--variable', `${k}=${v}`)
    const { code, log } = await gitlabCiLocal(args, project, cleanEnv(), 120_000)
    expect([code, log]).toEqual([0, expect.stringMatching(/PASS\s+announce/)])
    expect(log).toMatch(/PASS\s+build/)
    expect(log).toMatch(/PASS\s+deploy/)

    // The later job saw the dotenv outputs.
    const invalidations = await listInvalidations(moto.endpoint, distribution)
    expect(invalidations).toHaveLength(1)
    expect(log).toContain(
      `Invalidation ${invalidations[0]!.Id} is COMPLETED; uploaded 2, deleted 0, unchanged 0`
    )
    expect((await listObjects(moto.endpoint, bucket)).map(o => o.Key)).toEqual([
      'index.html',
      'style.css'
    ])
    // Signed with the assumed role's keys; the token never printed.
    const signed = proxy.requests.filter(r => r.service !== 'sts')
    expect(signed.length).toBeGreaterThan(0)
    for (const r of signed) expect(r.accessKeyId).toMatch(/^ASIA/)
    assertNoSecrets({ stdout: log, stderr: '', platform: 'other' }, [TOKEN])
    expect(log).not.toMatch(/^\S+\s+> ::/m) // no workflow command in a GitLab log
  } finally {
    await proxy.close()
  }
})

test('@github/local-action runs the action source; success and failure are told apart by ::error::', async () => {
  const SECRET_KEY = 'testing-secret-key-do-not-log'
  const bucket = `local-action-${Date.now()}`
  await createBucket(moto.endpoint, bucket)
  const site = await mkdtemp(path.join(os.tmpdir(), 'la-site-'))
  await writeFile(path.join(site, 'index.html'), '<h1>From local-action</h1>')
  const envFile = async (inputs: Record<string, string>) => {
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'la-env-')), '.env')
    const lines = {
      GITHUB_ACTIONS: 'true',
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'testing-access-key',
      AWS_SECRET_ACCESS_KEY: SECRET_KEY,
      AWS_REGION: 'us-east-1',
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
    }
    await writeFile(
      file,
      Object.entries(lines)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n')
    )
    return file
  }

  const ok = await exec(
    bin('local-action'),
    ['.', 'src/main.ts', await envFile({ source: site, bucket })],
    ROOT,
    {},
    120_000
  )
  expect(ok.stdout).not.toContain('::error::')
  expect(ok.stdout).toMatch(/'uploaded'\s*│\s*'1'/)
  // local-action's @actions/core keeps masks to itself: the key must not appear at all.
  assertNoSecrets({ ...ok, platform: 'other' }, [SECRET_KEY])
  expect((await listObjects(moto.endpoint, bucket)).map(o => o.Key)).toEqual(['index.html'])

  // local-action exits 0 even when the action fails: the ::error:: line is what tells.
  const bad = await exec(
    bin('local-action'),
    ['.', 'src/main.ts', await envFile({ source: site, bucket, delete: 'maybe' })],
    ROOT,
    {},
    120_000
  )
  expect(bad.stdout).toContain("::error::Input 'delete' must be true or false, got 'maybe'.")
  assertNoSecrets({ ...bad, platform: 'other' }, [SECRET_KEY])
})

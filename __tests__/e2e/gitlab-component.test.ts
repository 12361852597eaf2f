/**
 * The GitLab CI/CD component (templates/deploy.yml, as in the working tree) included by the
 * README's component pipeline (examples/gitlab/component.gitlab-ci.yml), under gitlab-ci-local, as a component of the current project at
 * $CI_COMMIT_SHA. Its job runs `npx --yes s3-cloudfront-deploy@<version>` as written; the one
 * substitution is the registry: a local one that serves `npm pack` of the working tree under that
 * version, so the job installs and runs exactly what `npm publish` of this tree would ship.
 */
import { readFile } from 'node:fs/promises'
import * as path from 'node:path'
import { motoSuite } from '../helpers/moto'
import { aws, createDistribution, listInvalidations, listObjects } from '../helpers/aws'
import { assertNoSecrets } from '../helpers/action'
import { startFaultProxy } from '../helpers/fault-proxy'
import { ROOT } from '../helpers/repo'
import { example } from '../helpers/examples'
import { npmEnv, packProject, startRegistry, type Registry } from '../helpers/npm'
import { gitlabCiLocal, siteProject } from '../helpers/gitlab'

const moto = motoSuite('component')
const TOKEN =
  'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9qZWN0X3BhdGg6bXktZ3JvdXAvbXktc2l0ZSJ9.Y29tcG9uZW50LXNpZ25hdHVyZQ'

let registry: Registry | undefined
afterAll(async () => {
  await registry?.close()
})

test('the component pipeline of the README (examples/gitlab/component.gitlab-ci.yml) includes the component at $CI_COMMIT_SHA: npx of this version deploys, outputs reach a later job', async () => {
  const packed = await packProject()
  registry = await startRegistry(packed)

  const pipeline = example('gitlab/component.gitlab-ci.yml').yaml
  // The component of the current project at this commit, which gitlab-ci-local reads from the
  // working copy: the README's OWNER/s3-cloudfront-deploy@<release> becomes this project@SHA.
  const include = pipeline.include[0]
  expect(include.component).toMatch(
    /^\$CI_SERVER_FQDN\/OWNER\/s3-cloudfront-deploy\/deploy@\d+\.\d+\.\d+$/
  )
  include.component = '$CI_SERVER_FQDN/$CI_PROJECT_PATH/deploy@$CI_COMMIT_SHA'

  const project = await siteProject(
    pipeline,
    { 'index.html': '<h1>From the component</h1>', 'css/a.css': 'h1{color:#f90}' },
    {
      branch: 'main',
      prefix: 'gitlab-component-',
      files: {
        'templates/deploy.yml': await readFile(path.join(ROOT, 'templates', 'deploy.yml'), 'utf8')
      }
    }
  )

  const bucket = `component-site-${Date.now()}`
  await aws(
    moto.endpoint,
    's3api',
    'create-bucket',
    '--bucket',
    bucket,
    '--create-bucket-configuration',
    'LocationConstraint=eu-west-1'
  )
  // Left over from an earlier build: `delete: true` must remove it.
  await aws(moto.endpoint, 's3api', 'put-object', '--bucket', bucket, '--key', 'old.html')
  const distribution = await createDistribution(moto.endpoint, '', `${bucket}.s3.amazonaws.com`)
  const proxy = await startFaultProxy({ target: moto.endpoint })
  try {
    // CI/CD variables of the project; AWS_ID_TOKEN stands in for the id_tokens value GitLab
    // would mint (gitlab-ci-local does not). No AWS keys: the deploy must assume the role.
    const variables = {
      SITE_BUCKET: bucket,
      DISTRIBUTION_ID: distribution,
      DEPLOY_ROLE_ARN: 'arn:aws:iam::123456789012:role/site-deployer',
      AWS_ID_TOKEN: TOKEN,
      AWS_ENDPOINT_URL: proxy.url,
      GITLAB_CI: 'true',
      npm_config_registry: registry.url
    }
    // Host shell: no containers here, so every job (the component's node:24 too) runs in it.
    const args = ['--no-color', '--force-shell-executor', '--ignore-predefined-vars', 'GITLAB_CI']
    for (const [k, v] of Object.entries(variables)) args.push('--variable', `${k}=${v}`)
    const env = await npmEnv()
    const result = await gitlabCiLocal(args, project, env)
    expect([result.code, result.log]).toEqual([0, expect.stringMatching(/PASS\s+announce/)])
    expect(result.log).toMatch(/PASS\s+build/)
    expect(result.log).toMatch(/PASS\s+s3-cloudfront-deploy/)

    // npx fetched the package of this version from the registry, and nothing else.
    const tgz = `/${packed.name}/-/${path.basename(packed.tarball)}`
    expect([...new Set(registry.requests)]).toEqual([`/${packed.name}`, tgz])
    expect(registry.requests.filter(r => r === tgz)).toHaveLength(1)
    expect(result.log).toContain(`npx --yes s3-cloudfront-deploy@${packed.version} `)

    expect((await listObjects(moto.endpoint, bucket)).map(o => o.Key)).toEqual([
      'css/a.css',
      'index.html'
    ])
    const invalidations = await listInvalidations(moto.endpoint, distribution)
    expect(invalidations).toHaveLength(1)
    // The dotenv report reached the later job; `delete: true` (a typed input) took effect.
    expect(result.log).toContain(
      `Invalidation ${invalidations[0]!.Id} is COMPLETED; uploaded 2, deleted 1, unchanged 0`
    )
    // Signed with the assumed role's keys, so the token went through the web-identity-token input.
    const signed = proxy.requests.filter(r => r.service !== 'sts')
    expect(signed.length).toBeGreaterThan(0)
    for (const r of signed) expect(r.accessKeyId).toMatch(/^ASIA/)
    assertNoSecrets({ stdout: result.log, stderr: '', platform: 'other' }, [TOKEN])
  } finally {
    await proxy.close()
  }
}, 300_000)

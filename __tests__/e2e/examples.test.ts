/**
 * The example pipelines of examples/ that the README and docs/ show, run as users copy them: the
 * GitHub workflows' steps with the action's bundle (the schema is checked by
 * contract/docs.test.ts), and the GitLab review app under gitlab-ci-local (the deploy job, then
 * the stop job), against moto_server. The other GitLab pipelines run in ci-runners.test.ts and
 * gitlab-component.test.ts.
 */
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { motoSuite } from '../helpers/moto'
import {
  aws,
  createDistribution,
  getInvalidationPaths,
  listInvalidations,
  listObjects
} from '../helpers/aws'
import { assertNoSecrets, runGitHub } from '../helpers/action'
import { startFaultProxy } from '../helpers/fault-proxy'
import { example } from '../helpers/examples'
import { npmEnv, packProject, startRegistry, type Registry } from '../helpers/npm'
import { gitlabCiLocal, siteProject, withoutImages } from '../helpers/gitlab'
import { makeSite } from '../helpers/site'

const moto = motoSuite('recipe')
const TOKEN =
  'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9qZWN0X3BhdGg6bXktZ3JvdXAvcmV2aWV3In0.cmV2aWV3LXNpZ25hdHVyZQ'

/** Sites on both sides of the preview, so a test sees that they stay. */
async function neighbours(bucket: string) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'neighbours-'))
  for (const key of [
    'index.html',
    'pr-70/index.html',
    'pr-7-old/index.html',
    'review/other/index.html'
  ]) {
    await mkdir(path.dirname(path.join(dir, key)), { recursive: true })
    await writeFile(path.join(dir, key), `<p>${key}</p>`)
  }
  await aws(moto.endpoint, 's3', 'cp', '--recursive', '--quiet', dir, `s3://${bucket}/`)
  return (await listObjects(moto.endpoint, bucket)).map(o => o.Key)
}

/** A step's `with:` as the runner passes it, for the test's bucket and distribution. */
function inputsOf(
  step: { with: Record<string, unknown> },
  expected: { bucket: string },
  actual: { bucket: string; distribution: string },
  pr = '7'
): Record<string, string> {
  const inputs: Record<string, string> = {}
  for (const [name, value] of Object.entries(step.with)) {
    // The test's own credentials and region, not a role.
    if (name === 'role-to-assume' || name === 'region') continue
    inputs[name] = String(value).replace('${{ github.event.pull_request.number }}', pr)
  }
  expect(inputs.bucket).toBe(expected.bucket)
  return { ...inputs, bucket: actual.bucket, 'distribution-id': actual.distribution }
}

test("the README's GitHub workflow: its deploy step deploys, and sets the outputs the next step reads", async () => {
  const { yaml: workflow } = example('github/deploy.yml')
  const steps: { id?: string; uses?: string; run?: string; with: Record<string, unknown> }[] =
    workflow.jobs.deploy.steps
  expect(workflow.permissions['id-token']).toBe('write')
  const step = steps.find(s => s.id === 'deploy')!
  expect(step.uses).toBe('OWNER/s3-cloudfront-deploy@v1')
  const bucket = await moto.newBucket()
  const distribution = await createDistribution(moto.endpoint, '', `${bucket}.s3.amazonaws.com`)
  const workspace = await makeSite({ 'public/index.html': '<h1>Site</h1>', 'public/a.css': 'a{}' })
  const run = await runGitHub({
    endpoint: moto.endpoint,
    cwd: workspace,
    inputs: inputsOf(step, { bucket: 'my-site-bucket' }, { bucket, distribution })
  })
  expect(run.code).toBe(0)
  expect((await listObjects(moto.endpoint, bucket)).map(o => o.Key)).toEqual([
    'a.css',
    'index.html'
  ])
  // The last step's expressions name outputs the action sets.
  const named = [...steps.at(-1)!.run!.matchAll(/steps\.deploy\.outputs\.([\w-]+)/g)].map(
    m => m[1]!
  )
  expect(named.length).toBeGreaterThan(0)
  for (const output of named) expect(Object.keys(run.outputs)).toContain(output)
  expect(run.outputs['invalidation-status']).toBe('COMPLETED')
})

test("the docs' GitHub preview workflow: url as the environment's URL, deploy then remove", async () => {
  const { yaml: workflow } = example('github/preview.yml')
  expect(workflow.on.pull_request.types).toEqual(
    expect.arrayContaining(['opened', 'synchronize', 'closed'])
  )
  const { deploy, remove } = workflow.jobs
  expect(deploy.environment.url).toBe('${{ steps.deploy.outputs.url }}')
  const deployStep = deploy.steps.find((s: { id?: string }) => s.id === 'deploy')
  const removeStep = remove.steps.find((s: { uses?: string }) => s.uses?.startsWith('OWNER/'))
  expect(deployStep.uses).toBe('OWNER/s3-cloudfront-deploy@v1')
  expect(removeStep.with.remove).toBe(true)
  expect(deploy.if).toBe("github.event.action != 'closed'")
  expect(remove.if).toBe("github.event.action == 'closed'")

  // The steps' inputs as the runner would pass them for pull request 7. The only substitutions:
  // the test's bucket and distribution, and the credentials (the test's own, not a role).
  const bucket = await moto.newBucket()
  const distribution = await createDistribution(moto.endpoint, '', `${bucket}.s3.amazonaws.com`)
  const kept = await neighbours(bucket)
  const previewInputs = (step: { with: Record<string, unknown> }) =>
    inputsOf(step, { bucket: 'my-previews-bucket' }, { bucket, distribution })
  const workspace = await makeSite({ 'public/index.html': '<h1>PR 7</h1>', 'public/a.css': 'a{}' })
  const deployed = await runGitHub({
    endpoint: moto.endpoint,
    cwd: workspace,
    inputs: previewInputs(deployStep)
  })
  expect(deployed.code).toBe(0)
  expect(deployed.outputs.url).toMatch(/^https:\/\/\S+\.cloudfront\.net\/pr-7\/$/)
  expect((await listObjects(moto.endpoint, bucket)).map(o => o.Key).sort()).toEqual(
    [...kept, 'pr-7/a.css', 'pr-7/index.html'].sort()
  )

  // The remove job has no checkout and no build.
  const removed = await runGitHub({
    endpoint: moto.endpoint,
    cwd: await mkdtemp(path.join(os.tmpdir(), 'empty-workspace-')),
    inputs: previewInputs(removeStep)
  })
  expect(removed.code).toBe(0)
  expect(removed.outputs.deleted).toBe('2')
  expect(
    (await listObjects(moto.endpoint, bucket, { withManifest: true })).map(o => o.Key)
  ).toEqual(kept)
  expect(
    await getInvalidationPaths(moto.endpoint, distribution, removed.outputs['invalidation-id']!)
  ).toEqual(['/pr-7/*'])
}, 120_000)

let registry: Registry | undefined
afterAll(async () => {
  await registry?.close()
})

/** Every file under `dir` whose name is `name`. */
async function find(dir: string, name: string): Promise<string[]> {
  const found: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name === name) found.push(path.join(entry.parentPath, entry.name))
  }
  return found
}

test("the docs' GitLab review app under gitlab-ci-local: deploy_review sets the environment URL, stop_review removes it", async () => {
  const { yaml: pipeline } = example('gitlab/review-apps.gitlab-ci.yml')
  expect(pipeline.deploy_review.environment).toEqual({
    name: 'review/$CI_COMMIT_REF_SLUG',
    url: '$DYNAMIC_ENVIRONMENT_URL',
    on_stop: 'stop_review'
  })
  expect(pipeline.stop_review.environment).toEqual({
    name: 'review/$CI_COMMIT_REF_SLUG',
    action: 'stop'
  })
  expect(pipeline.stop_review.rules[0].when).toBe('manual')
  expect(pipeline.stop_review.script[0]).toMatch(/--remove$/)
  registry = await startRegistry(await packProject())
  const project = await siteProject(
    withoutImages(pipeline),
    { 'index.html': '<h1>Review</h1>', 'style.css': 'h1{}' },
    { branch: 'feature/new-page', prefix: 'gitlab-review-' }
  )

  const bucket = await moto.newBucket()
  const distribution = await createDistribution(moto.endpoint, '', `${bucket}.s3.amazonaws.com`)
  const kept = await neighbours(bucket)
  const proxy = await startFaultProxy({ target: moto.endpoint })
  try {
    // CI/CD variables, and the id_tokens value GitLab would mint (gitlab-ci-local does not). No
    // AWS keys: both jobs must assume the role. npx gets this tree's package from a local registry.
    const variables = {
      PREVIEW_BUCKET: bucket,
      PREVIEW_DISTRIBUTION_ID: distribution,
      DEPLOY_ROLE_ARN: 'arn:aws:iam::123456789012:role/preview-deployer',
      INPUT_WEB_IDENTITY_TOKEN: TOKEN,
      AWS_ENDPOINT_URL: proxy.url,
      GITLAB_CI: 'true',
      CI_DEFAULT_BRANCH: 'main',
      npm_config_registry: registry.url
    }
    const args = [
      '--no-color',
      '--force-shell-executor',
      '--ignore-predefined-vars',
      'GITLAB_CI,CI_DEFAULT_BRANCH'
    ]
    for (const [k, v] of Object.entries(variables)) args.push('--variable', `${k}=${v}`)
    const env = await npmEnv()

    const pipelineRun = await gitlabCiLocal(args, project, env)
    expect([pipelineRun.code, pipelineRun.log]).toEqual([
      0,
      expect.stringMatching(/PASS\s+deploy_review/)
    ])
    expect(pipelineRun.log).not.toMatch(/PASS\s+stop_review/) // manual: not run by itself
    const prefix = 'review/feature-new-page/'
    expect((await listObjects(moto.endpoint, bucket)).map(o => o.Key).sort()).toEqual(
      [...kept, `${prefix}index.html`, `${prefix}style.css`].sort()
    )
    // The dotenv report carries the URL GitLab's environment reads.
    const dotenv = (
      await Promise.all((await find(project, 'deploy.env')).map(f => readFile(f, 'utf8')))
    ).join('\n')
    expect(dotenv).toMatch(
      new RegExp(`^DYNAMIC_ENVIRONMENT_URL=https://\\S+\\.cloudfront\\.net/${prefix}$`, 'm')
    )

    const stopRun = await gitlabCiLocal([...args, 'stop_review'], project, env)
    expect([stopRun.code, stopRun.log]).toEqual([0, expect.stringMatching(/PASS\s+stop_review/)])
    expect(
      (await listObjects(moto.endpoint, bucket, { withManifest: true })).map(o => o.Key)
    ).toEqual(kept)
    const invalidations = await listInvalidations(moto.endpoint, distribution)
    const paths = await Promise.all(
      invalidations.map(i => getInvalidationPaths(moto.endpoint, distribution, i.Id))
    )
    expect(paths).toContainEqual([`/${prefix}*`])
    // Both jobs signed with the assumed role's keys: the id_tokens input went through.
    const signed = proxy.requests.filter(r => r.service !== 'sts')
    expect(signed.length).toBeGreaterThan(0)
    for (const r of signed) expect(r.accessKeyId).toMatch(/^ASIA/)
    assertNoSecrets({ stdout: pipelineRun.log + stopRun.log, stderr: '', platform: 'other' }, [
      TOKEN
    ])
  } finally {
    await proxy.close()
  }
}, 300_000)

/**
 * Preview environments: the `url` output, and `remove: true` tearing a preview down without
 * touching anything outside its prefix. The bundled action against moto_server, the GitHub way
 * and the GitLab way; the bucket and the distribution are checked with the aws CLI.
 */
import { motoSuite } from '../helpers/moto'
import {
  createDistribution,
  distributionDomain,
  getInvalidationPaths,
  listInvalidations,
  listObjects,
  MANIFEST
} from '../helpers/aws'
import { runGitHub, runGitLab } from '../helpers/action'
import { makeSite } from '../helpers/site'

const moto = motoSuite('preview')

const preview = (n: number) => ({
  'index.html': `<h1>preview ${n}</h1>`,
  'css/site.css': `/* ${n} */`,
  'posts/a/index.html': `post a, preview ${n}`
})

/** A bucket with the site at the root and previews at pr-7, pr-70 and pr-7-old. */
async function bucketWithPreviews(distribution?: string) {
  const bucket = await moto.newBucket()
  const deployTo = async (prefix: string, n: number) => {
    const source = await makeSite(preview(n))
    const run = await runGitLab({
      endpoint: moto.endpoint,
      cwd: source,
      inputs: {
        source,
        bucket,
        ...(prefix ? { prefix } : {}),
        ...(distribution ? { 'distribution-id': distribution } : {})
      }
    })
    expect([prefix, run.code]).toEqual([prefix, 0])
    return run
  }
  for (const [prefix, n] of [
    ['', 0],
    ['pr-70', 70],
    ['pr-7-old', 1]
  ] as const)
    await deployTo(prefix, n)
  return { bucket, deployTo }
}

const keys = async (bucket: string) =>
  (await listObjects(moto.endpoint, bucket, { withManifest: true })).map(o => o.Key)

test('url: the first alias naming one host, else the cloudfront.net domain; with and without a prefix', async () => {
  const bucket = await moto.newBucket()
  const plain = await createDistribution(moto.endpoint, '', `${bucket}.s3.amazonaws.com`)
  const aliased = await createDistribution(moto.endpoint, '', `${bucket}.s3.amazonaws.com`, [
    '*.example.com',
    'preview.example.com'
  ])
  const source = await makeSite(preview(7))

  const gh = await runGitHub({
    endpoint: moto.endpoint,
    cwd: source,
    inputs: { source, bucket, prefix: 'pr-7', 'distribution-id': plain }
  })
  expect(gh.code).toBe(0)
  expect(gh.outputs.url).toBe(`https://${await distributionDomain(moto.endpoint, plain)}/pr-7/`)
  expect(gh.summary).toContain(`| URL | https://`)

  // Several distributions: the first one's; the alias wins over the domain; a wildcard alias
  // names no host.
  const gl = await runGitLab({
    endpoint: moto.endpoint,
    cwd: source,
    inputs: { source, bucket, 'distribution-id': `${aliased},${plain}` }
  })
  expect(gl.code).toBe(0)
  expect(gl.outputs.URL).toBe('https://preview.example.com/')
  expect(gl.outputs.DYNAMIC_ENVIRONMENT_URL).toBe('https://preview.example.com/')

  // Without a distribution, no address is known.
  const none = await runGitHub({
    endpoint: moto.endpoint,
    cwd: source,
    inputs: { source, bucket, prefix: 'pr-7' }
  })
  expect(none.code).toBe(0)
  expect(none.outputs.url).toBe('')
}, 120_000)

test('remove: everything under pr-7/ goes, state object last; the root, pr-70/ and pr-7-old/ stay; a second removal does nothing', async () => {
  const distribution = await createDistribution(moto.endpoint)
  const { bucket, deployTo } = await bucketWithPreviews(distribution)
  const others = await keys(bucket)
  const deployed = await deployTo('pr-7', 7)
  expect(deployed.outputs.URL).toMatch(/^https:\/\/\S+\.cloudfront\.net\/pr-7\/$/)
  const before = await listInvalidations(moto.endpoint, distribution)

  // No source: a stop job has no build.
  const removed = await runGitHub({
    endpoint: moto.endpoint,
    cwd: '/',
    inputs: { bucket, prefix: 'pr-7', 'distribution-id': distribution, remove: 'true' }
  })
  expect(removed.code).toBe(0)
  expect(removed.outputs).toMatchObject({
    deleted: '3',
    uploaded: '0',
    'invalidation-paths': '["/pr-7/*"]'
  })
  expect(removed.summary).toContain('Removed')
  expect(await keys(bucket)).toEqual(others)
  expect(others.filter(k => k.startsWith('pr-7/'))).toEqual([])
  expect(others).toEqual(
    expect.arrayContaining([MANIFEST, 'pr-70/index.html', 'pr-7-old/index.html'])
  )
  const invalidations = await listInvalidations(moto.endpoint, distribution)
  expect(invalidations).toHaveLength(before.length + 1)
  expect(
    await getInvalidationPaths(moto.endpoint, distribution, removed.outputs['invalidation-id']!)
  ).toEqual(['/pr-7/*'])

  // The stop job runs again: nothing to do, no invalidation.
  const again = await runGitLab({
    endpoint: moto.endpoint,
    cwd: '/',
    inputs: { bucket, prefix: 'pr-7', 'distribution-id': distribution, remove: 'true' }
  })
  expect(again.code).toBe(0)
  expect(again.stdout).toContain('Nothing to remove: s3://')
  expect(again.outputs).toMatchObject({
    DELETED: '0',
    INVALIDATION_ID: '',
    INVALIDATION_STATUS: 'none'
  })
  expect(await listInvalidations(moto.endpoint, distribution)).toHaveLength(before.length + 1)
  expect(await keys(bucket)).toEqual(others)
}, 180_000)

test('remove is refused without a prefix, and where this action never deployed; dry run lists and changes nothing', async () => {
  const distribution = await createDistribution(moto.endpoint)
  const { bucket, deployTo } = await bucketWithPreviews(distribution)
  await deployTo('pr-7', 7)
  const all = await keys(bucket)
  const invalidations = (await listInvalidations(moto.endpoint, distribution)).length

  const rootless = await runGitLab({
    endpoint: moto.endpoint,
    cwd: '/',
    inputs: { bucket, 'distribution-id': distribution, remove: 'true' }
  })
  expect(rootless.code).not.toBe(0)
  expect(rootless.stderr).toContain(
    "Input 'remove' needs a 'prefix': a removal never empties a bucket root."
  )

  // pr-7-old/ holds objects of its own deploy, but css/ (under the root) holds no state object.
  const foreign = await runGitHub({
    endpoint: moto.endpoint,
    cwd: '/',
    inputs: { bucket, prefix: 'css', 'distribution-id': distribution, remove: 'true' }
  })
  expect(foreign.code).not.toBe(0)
  expect(foreign.stdout).toMatch(
    /::error::Refusing to remove s3:\/\/\S+\/css\/: it holds 1 object\(s\) but no state object of this action \(css\/\.s3-cloudfront-deploy\.json\), so this action never deployed there\. Nothing was deleted\./
  )

  const dry = await runGitLab({
    endpoint: moto.endpoint,
    cwd: '/',
    inputs: {
      bucket,
      prefix: 'pr-7',
      'distribution-id': distribution,
      remove: 'true',
      'dry-run': 'true'
    }
  })
  expect(dry.code).toBe(0)
  expect(dry.stdout).toContain('Would delete 3 object(s):')
  expect(dry.stdout).toContain('  - pr-7/css/site.css')
  expect(dry.stdout).toContain('/pr-7/*')
  expect(dry.outputs).toMatchObject({ DELETED: '3', INVALIDATION_ID: '' })

  expect(await keys(bucket)).toEqual(all)
  expect(await listInvalidations(moto.endpoint, distribution)).toHaveLength(invalidations)
}, 180_000)

/**
 * What a real site and a real CI hand the action, end to end: each case ends in a whole deploy,
 * or in a refusal that names the problem with nothing changed in the bucket or the distribution.
 * Where moto answers what S3 would refuse (long keys), or cannot answer as S3 does (a bucket in
 * another region, an expired session token), the refusal is checked before any write, or the
 * answer comes from the fault proxy, worded as S3 words it.
 */
import { mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { parse } from 'yaml'
import { motoSuite } from '../helpers/moto'
import {
  bucketAndDistribution,
  createDistribution,
  downloadAll,
  getInvalidationPaths,
  listObjects,
  MANIFEST
} from '../helpers/aws'
import { runGitHub, runGitLab, type RunResult } from '../helpers/action'
import { makeSite } from '../helpers/site'
import { startFaultProxy } from '../helpers/fault-proxy'
import { ROOT } from '../helpers/repo'

const moto = motoSuite('real')

const snapshot = (bucket: string, distribution: string) =>
  bucketAndDistribution(moto.endpoint, bucket, distribution)

/** A file at a path given as bytes: names that are not UTF-8 cannot be written as strings. */
async function writeBytesPath(root: string, ...parts: (string | number[])[]): Promise<void> {
  const name = Buffer.concat([
    Buffer.from(`${root}/`),
    ...parts.map(p => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p)))
  ])
  await writeFile(name, 'x')
}

const said = (run: RunResult) => `${run.stdout}\n${run.stderr}`

/** A bucket holding a deployed site, a distribution on it, and the inputs that deployed it. */
async function deployedSite(files: Record<string, string>) {
  const source = await makeSite(files)
  const bucket = await moto.newBucket()
  const distribution = await createDistribution(moto.endpoint, '', `${bucket}.s3.amazonaws.com`)
  const inputs = { source, bucket, 'distribution-id': distribution }
  const first = await runGitLab({ endpoint: moto.endpoint, cwd: source, inputs })
  expect(first.code).toBe(0)
  return { source, bucket, distribution, inputs }
}

describe('what S3 would refuse is refused before anything changes, with nothing about rerunning', () => {
  /** Six folders of 200 characters: a key of 1,207 bytes for a one-letter file name. */
  const deep = `${'a'.repeat(200)}/`.repeat(6)
  type Case = [string, (source: string) => Promise<Record<string, string>>, RegExp]
  const cases: Case[] = [
    [
      'a key of 1,207 bytes',
      async source => {
        await mkdir(path.join(source, deep), { recursive: true })
        await writeFile(path.join(source, deep, 'x'), 'deep')
        return {}
      },
      /Input 'source' has 1 file\(s\) whose S3 key would be longer than the 1,024 bytes S3 allows \(UTF-8, prefix included\): 'a{59}…a{57}\/x' \(1,207 bytes\)\. Nothing was changed\. Shorten their paths, or leave them out with 'exclude'\./
    ],
    [
      'a key that fits at the root but not under the prefix',
      async source => {
        // 1,020 bytes: 1,028 under "site/v2/".
        const folders = `${'b'.repeat(250)}/`.repeat(4)
        await mkdir(path.join(source, folders), { recursive: true })
        await writeFile(path.join(source, folders, `${'c'.repeat(11)}.html`), 'long')
        return { prefix: 'site/v2' }
      },
      /Input 'source' has 1 file\(s\) whose S3 key would be longer than the 1,024 bytes S3 allows \(UTF-8, prefix included \(the prefix 'site\/v2\/' takes 8 of them\)\): 'b{59}…b{42}\/c{11}\.html' \(1,028 bytes\)\. Nothing was changed\. Shorten their paths or the prefix/
    ],
    [
      'a file name that is not UTF-8 (caf\\xe9.html)',
      async source => {
        await writeBytesPath(source, 'menu/caf', [0xe9], '.html')
        return {}
      },
      /Input 'source' has 1 name that is not valid UTF-8 \(other bytes shown as \\xHH\), and S3 keys must be UTF-8: in folder 'menu': caf\\xe9\.html\. Nothing was changed\. Rename it to UTF-8, e\.g\. mv \$'\/\S+\/menu\/caf\\xe9\.html' /
    ],
    [
      'a folder name that is not UTF-8',
      async source => {
        await mkdir(
          Buffer.concat([Buffer.from(`${source}/r`), Buffer.from([0xe9]), Buffer.from('s')])
        )
        await writeBytesPath(source, 'r', [0xe9], 's/cv.pdf')
        return {}
      },
      /Input 'source' has 1 name that is not valid UTF-8 .*: in the top folder: r\\xe9s\. Nothing was changed\./
    ],
    [
      'a distribution that does not exist, with a change',
      async () => ({ 'distribution-id': 'E1NOTREAL12345' }),
      /Input 'distribution-id': distribution E1NOTREAL12345 does not exist in this account \(NoSuchDistribution\)\. Nothing was changed\./
    ]
  ]

  test.each(cases)('%s', async (_name, prepare, message) => {
    const { source, bucket, distribution, inputs } = await deployedSite({
      'index.html': 'home',
      'menu/index.html': 'menu'
    })
    // A change the refused deploy would otherwise have uploaded.
    await writeFile(path.join(source, 'index.html'), 'new home')
    const given = { ...inputs, ...(await prepare(source)) }
    const before = await snapshot(bucket, distribution)

    for (const run of [runGitHub, runGitLab]) {
      const result = await run({ endpoint: moto.endpoint, cwd: source, inputs: given })
      expect(result.code).not.toBe(0)
      expect(said(result)).toMatch(message)
      expect(said(result)).not.toMatch(/Not done|Rerunning/)
      expect(said(result)).not.toMatch(/ENOENT|KeyTooLong|\n\s+at .*:\d+:\d+\)/)
    }
    expect(await snapshot(bucket, distribution)).toEqual(before)
  })
})

test('a wrong distribution-id is refused when nothing changed too, and in a dry run', async () => {
  const { source, bucket, distribution, inputs } = await deployedSite({ 'index.html': 'home' })
  const before = await snapshot(bucket, distribution)
  for (const dryRun of ['false', 'true']) {
    const run = await runGitHub({
      endpoint: moto.endpoint,
      cwd: source,
      inputs: { ...inputs, 'distribution-id': 'E1NOTREAL12345', 'dry-run': dryRun }
    })
    expect(run.code).not.toBe(0)
    expect(run.stdout).toMatch(
      /::error::Input 'distribution-id': distribution E1NOTREAL12345 does not exist in this account \(NoSuchDistribution\)\. Nothing was changed\./
    )
    expect(run.stdout).not.toMatch(/Not done|Rerunning/)
  }
  expect(await snapshot(bucket, distribution)).toEqual(before)

  // The right ID, nothing changed: it reads the distribution, writes nothing, and succeeds.
  const ok = await runGitHub({ endpoint: moto.endpoint, cwd: source, inputs })
  expect(ok.code).toBe(0)
  expect(ok.outputs).toMatchObject({ uploaded: '0', unchanged: '1', 'invalidation-id': '' })
  expect(await snapshot(bucket, distribution)).toEqual(before)
})

describe('what moto cannot answer, answered by the fault proxy as S3 does', () => {
  /** A deploy with a change, through a proxy that answers every S3 request with `error`. */
  async function refusedBy(error: Parameters<typeof startFaultProxy>[0]['fail'], env = {}) {
    const { source, bucket, distribution, inputs } = await deployedSite({ 'index.html': 'home' })
    await writeFile(path.join(source, 'index.html'), 'new home')
    const before = await snapshot(bucket, distribution)
    const proxy = await startFaultProxy({ target: moto.endpoint, fail: error })
    try {
      const run = await runGitLab({ endpoint: proxy.url, cwd: source, inputs, env })
      expect(run.code).not.toBe(0)
      // The first S3 request of a deploy is the read of the state object; no S3 request reached
      // moto, and the only one that did is the distribution check, a read.
      const s3 = proxy.requests.filter(r => r.service === 's3')
      expect(s3[0]).toMatchObject({ method: 'GET', path: `/${bucket}/${MANIFEST}` })
      expect(s3.filter(r => r.outcome === 'forwarded')).toEqual([])
      expect(
        proxy.requests.filter(r => r.outcome === 'forwarded').map(r => `${r.service} ${r.method}`)
      ).toEqual(['cloudfront GET'])
      expect(await snapshot(bucket, distribution)).toEqual(before)
      return run
    } finally {
      await proxy.close()
    }
  }

  test('a bucket in another region: S3 answers 301 PermanentRedirect with x-amz-bucket-region', async () => {
    const run = await refusedBy((_method, urlPath) =>
      urlPath.startsWith('/real-')
        ? {
            status: 301,
            code: 'PermanentRedirect',
            message:
              'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
            headers: { 'x-amz-bucket-region': 'eu-west-1' },
            extra: '<Endpoint>site.s3.eu-west-1.amazonaws.com</Endpoint>'
          }
        : undefined
    )
    expect(run.stderr).toMatch(
      /Failed to read the state object s3:\/\/\S+\/\.s3-cloudfront-deploy\.json: bucket '\S+' is in region eu-west-1, not us-east-1 \(PermanentRedirect\)\. Set the 'region' input \(or AWS_REGION\) to eu-west-1\./
    )
    expect(run.stderr).not.toMatch(/Not done/)
  })

  test('an expired session token: S3 answers 400 ExpiredToken, echoing the token, which is never printed', async () => {
    const token = 'FwoGZXIvYXdzEXPIREDSESSIONTOKEN0123456789'
    const run = await refusedBy(
      (_method, urlPath) =>
        urlPath.startsWith('/real-')
          ? {
              status: 400,
              code: 'ExpiredToken',
              message: 'The provided token has expired.',
              extra: `<Token-0>${token}</Token-0>`
            }
          : undefined,
      { AWS_SESSION_TOKEN: token }
    )
    expect(run.stderr).toMatch(
      /Failed to read the state object s3:\/\/\S+: the AWS session token has expired \(ExpiredToken\)\. .*get them in the step right before this one/
    )
    expect(said(run)).not.toContain(token)
  })
})

test("names with % + # ? and spaces, empty files, a prefix with spaces, a symlinked source and GitHub's full input set: deployed whole, then nothing changes", async () => {
  const files: Record<string, string> = {
    'index.html': '<h1>home</h1>',
    'empty.txt': '',
    'blank.html': '',
    '100%.html': 'percent',
    '%41.html': 'not an A',
    'a+b.html': 'plus',
    'c#d.html': 'hash',
    'e?f.html': 'question',
    'with space/g h.css': 'space',
    'café/menu.html': 'menu'
  }
  const real = await makeSite(files)
  const source = `${real}-link`
  await symlink(real, source)
  const bucket = await moto.newBucket()
  const distribution = await createDistribution(moto.endpoint, '', `${bucket}.s3.amazonaws.com`)
  // The runner sets every input of action.yml; those the workflow leaves unset come as ''.
  const action = parse(await readFile(path.join(ROOT, 'action.yml'), 'utf8'))
  const everyInput = Object.fromEntries(Object.keys(action.inputs).map(name => [name, '']))
  const given = { source, bucket, prefix: 'my docs', 'distribution-id': distribution }
  const run = await runGitHub({
    endpoint: moto.endpoint,
    cwd: real,
    inputs: { ...everyInput, ...given }
  })
  expect(said(run)).not.toMatch(/::error::|::warning::/)
  expect(run.code).toBe(0)
  expect(run.outputs.uploaded).toBe(String(Object.keys(files).length))

  const objects = await listObjects(moto.endpoint, bucket)
  expect(objects.map(o => [o.Key, o.Size]).sort()).toEqual(
    Object.entries(files)
      .map(([k, v]) => [`my docs/${k}`, Buffer.byteLength(v)])
      .sort()
  )
  const downloaded = await mkdtemp(path.join(os.tmpdir(), 'real-down-'))
  await downloadAll(moto.endpoint, bucket, downloaded)
  for (const [rel, content] of Object.entries(files)) {
    expect(await readFile(path.join(downloaded, 'my docs', rel), 'utf8')).toBe(content)
  }
  // Every URL percent-encoded where CloudFront needs it: %, #, ?, spaces and non-ASCII.
  expect(
    (
      await getInvalidationPaths(moto.endpoint, distribution, run.outputs['invalidation-id']!)
    ).sort()
  ).toEqual(
    [
      '/my%20docs/',
      '/my%20docs/index.html',
      '/my%20docs/empty.txt',
      '/my%20docs/blank.html',
      '/my%20docs/100%25.html',
      '/my%20docs/%2541.html',
      '/my%20docs/a+b.html',
      '/my%20docs/c%23d.html',
      '/my%20docs/e%3Ff.html',
      '/my%20docs/with%20space/g%20h.css',
      '/my%20docs/caf%C3%A9/menu.html'
    ].sort()
  )

  // The GitLab way, every text input an empty variable as the component sets them: unchanged.
  const emptyVariables = Object.fromEntries(
    Object.keys(action.inputs).map(name => [`INPUT_${name.toUpperCase().replace(/-/g, '_')}`, ''])
  )
  const before = await snapshot(bucket, distribution)
  const again = await runGitLab({
    endpoint: moto.endpoint,
    cwd: real,
    inputs: given,
    env: emptyVariables
  })
  expect(again.code).toBe(0)
  expect(again.outputs).toMatchObject({
    UPLOADED: '0',
    UPDATED: '0',
    UNCHANGED: String(Object.keys(files).length),
    INVALIDATION_ID: ''
  })
  expect(await snapshot(bucket, distribution)).toEqual(before)
}, 120_000)

/**
 * Bad inputs, as a new user gives them, every input covered, against a bucket that already
 * holds a site and a distribution on it, through the stand-in, which records every request.
 * Each case must end in a non-zero exit, one message that names the input (once), no stack
 * trace, and no request that writes. A case refused on its inputs alone, or on what the runner's
 * disk holds (outputs-file, a source with no file in scope), makes no request at all: the AWS
 * SDK is not even loaded. The few that only AWS can answer (a bucket or distribution that does
 * not exist, a plan over max-deletes, a prefix this action never deployed to), and those that
 * only the whole walk of the source finds (it runs beside the first reads: a name that is not
 * UTF-8, a key over 1,024 bytes, a link out, a file at the state object's key), may read, and
 * nothing else. At the end, the bucket and the distribution are exactly as they were.
 *
 * Each case runs one way, the GitHub way (INPUT_<NAME> variables) and the GitLab way (flags) in
 * turn down the table, unless it belongs to one; the runs go a few at a time.
 */
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { INPUTS, type InputName } from '../../src/config/inputs'
import { motoSuite } from '../helpers/moto'
import { bucketAndDistribution, createDistribution } from '../helpers/aws'
import { runGitHub, runGitLab, type RunResult } from '../helpers/action'
import { makeSite } from '../helpers/site'
import { startStandIn, type StandIn } from '../helpers/stand-in'
import { forEachLimit } from '../../src/util/pool'

const moto = motoSuite('bad')

const SITE = {
  'index.html': '<h1>home</h1>',
  'about/index.html': '<h1>about</h1>',
  'css/site.css': 'body{}',
  'js/app.js': 'app()',
  'README.md': '# readme'
}

type Via = 'github' | 'gitlab'

interface Case {
  /** The input the case is about. */
  input: InputName
  /** What the user gave, by input name, on top of the inputs that deployed the site. */
  given: Record<string, string>
  /** How the message names the input; by default `Input '<input>'`. */
  says?: RegExp
  /** A case that exists one way only (flags, or INPUT_ variables). */
  via?: Via
  /** Raw command-line words, the GitLab way, after the flags of `given`. */
  args?: string[]
  env?: NodeJS.ProcessEnv
  /** Gives the case its own copy of the site, changed by this: its `source`, and the cwd. */
  site?: (root: string) => Promise<unknown>
  /** What `site` changes, for the test's name. */
  about?: string
  /**
   * Reads are allowed (GET, HEAD), never a write: only AWS can answer, or the whole walk of the
   * source (which runs beside the first reads) finds the problem.
   */
  reads?: true
}

const bad = (input: InputName, value: string, extra: Partial<Case> = {}): Case => ({
  input,
  ...extra,
  given: { [input]: value, ...extra.given }
})

const ROLE = 'arn:aws:iam::123456789012:role/site-deployer'
const KVS = 'arn:aws:cloudfront::123456789012:key-value-store/9e3a4c1d-1f2b-4c3d-8e9f-0a1b2c3d4e5f'
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvIn0.c2lnbmF0dXJl'
/** A folder with a name no folder in the site has. */
const inFolder = (name: string) => async (root: string) => {
  await mkdir(path.join(root, name))
}

const CASES: Case[] = [
  // source
  bad('source', 'no-such-folder'),
  bad('source', 'index.html'),
  bad('source', 'empty', { site: inFolder('empty'), given: { source: 'empty' } }),
  bad('source', 'drafts', {
    about: 'a folder holding only a folder',
    site: async root => mkdir(path.join(root, 'drafts', 'old'), { recursive: true })
  }),
  {
    input: 'source',
    given: {},
    about: 'a file name that is not UTF-8',
    site: async root => {
      await writeFile(Buffer.from(`${root}/caf\xe9.html`, 'latin1'), 'latin-1 name')
    },
    reads: true
  },
  {
    input: 'source',
    given: { prefix: 'site/v2' },
    about: 'a key of 1,020 bytes, 1,028 under the prefix',
    site: async root => {
      const folders = `${'d'.repeat(250)}/`.repeat(4)
      await mkdir(path.join(root, folders), { recursive: true })
      await writeFile(path.join(root, folders, 'page-one-12.html'), 'deep')
    },
    reads: true
  },
  bad('source', '/dev/null'),

  // bucket
  { input: 'bucket', given: { bucket: '' }, says: /Input 'bucket' is required/ },
  bad('bucket', 's3://my-site/docs'),
  bad('bucket', 'https://my-site.s3.amazonaws.com'),
  bad('bucket', 'my site'),
  bad('bucket', 'ab'),
  bad('bucket', 'arn:aws:s3:::my-site'),
  bad('bucket', 'my-site-'),
  bad('bucket', 'no-such-bucket-here', {
    reads: true,
    says: /bucket 'no-such-bucket-here' does not exist \(NoSuchBucket\)/
  }),

  // prefix
  bad('prefix', '///'),
  bad('prefix', '/'),
  bad('prefix', 'docs//v2'),
  bad('prefix', '../docs'),
  bad('prefix', 'docs/./v2'),
  bad('prefix', 'docs\\v2'),
  bad('prefix', 'p'.repeat(1000), { says: /Inputs 'prefix' and 'manifest-key' make the key/ }),

  // include, exclude
  bad('include', '['),
  bad('include', '*.htm'),
  bad('include', '/about.html'),
  bad('include', 'blog/**'),
  bad('include', `${'*'.repeat(70_000)}`),
  bad('include', '*.html', {
    given: { exclude: '**/*.html' },
    says: /Inputs 'include' and 'exclude' leave nothing to deploy/
  }),
  bad('exclude', '**'),
  bad('exclude', '*'),
  bad('exclude', `${'a'.repeat(70_000)}`),

  // cache-control, content-type
  bad('cache-control', '*.html no-cache'),
  bad('cache-control', '*.html:'),
  bad('cache-control', ': no-cache'),
  bad('cache-control', '*.html: nö-cache'),
  bad('cache-control', '*: max-age=forever'),
  bad('cache-control', '*: 1 year'),
  bad('cache-control', '*.css: max-age: 3600'),
  bad('content-type', 'feed application/rss+xml'),
  bad('content-type', 'feed: rss'),
  bad('content-type', '*.html: text/html; charset'),
  bad('content-type', '*.json:'),
  bad('content-type', '*.txt: text plain'),

  // acl, storage-class, sse, sse-kms-key-id
  bad('acl', 'public'),
  bad('acl', 'public_read'),
  bad('acl', 'bucket-owner'),
  bad('storage-class', 'GLACIER'),
  bad('storage-class', 'DEEP_ARCHIVE'),
  bad('storage-class', 'standard-ia'),
  bad('storage-class', 'EXPRESS_ONEZONE'),
  bad('sse', 'kms'),
  bad('sse', 'aes-256'),
  bad('sse', 'SSE-S3'),
  bad('sse-kms-key-id', 'alias/site'),
  bad('sse-kms-key-id', 'alias/site', { given: { sse: 'AES256' } }),

  // manifest-key
  bad('manifest-key', '/'),
  bad('manifest-key', 'state/'),
  bad('manifest-key', '../state.json'),
  bad('manifest-key', './state.json'),
  bad('manifest-key', `${'m'.repeat(1100)}.json`, {
    says: /Inputs 'prefix' and 'manifest-key' make the key/
  }),
  bad('manifest-key', 'deploy.json', {
    about: 'a file of that name in the source',
    site: async root => writeFile(path.join(root, 'deploy.json'), '{}'),
    reads: true
  }),

  // the lock
  bad('lock-timeout', '-1'),
  bad('lock-timeout', 'ten'),
  bad('lock-timeout', '1.5'),
  bad('lock-timeout', '86401'),
  bad('lock', 'maybe'),
  bad('lock', 'enabled'),
  bad('lock-lease', '5'),
  bad('lock-lease', '901'),
  bad('lock-lease', '90s'),

  // distribution-id, paths, invalidation-max-paths
  bad('distribution-id', 'arn:aws:cloudfront::123456789012:distribution/E1ABCDEFGHIJK'),
  bad('distribution-id', 'd111111abcdef8.cloudfront.net'),
  bad('distribution-id', 'e1abcdefghijk'),
  bad('distribution-id', 'E1ABCDEFGHIJK, E2'),
  bad('distribution-id', 'E1NOTREAL12345', {
    reads: true,
    says: /Input 'distribution-id': distribution E1NOTREAL12345 does not exist/
  }),
  bad('paths', 'index.html'),
  bad('paths', '/a*b'),
  bad('paths', '/*/index.html'),
  bad('paths', ','),
  bad('paths', `/${'x'.repeat(4001)}`),
  bad('paths', Array.from({ length: 3001 }, (_, i) => `/p${i}`).join('\n')),
  bad('paths', Array.from({ length: 16 }, (_, i) => `/w${i}/*`).join('\n')),
  bad('invalidation-max-paths', '0'),
  bad('invalidation-max-paths', '3001'),
  bad('invalidation-max-paths', 'all'),

  // delete, keep-removed-assets, max-deletes, remove
  bad('delete', 'maybe'),
  bad('delete', 'y'),
  bad('keep-removed-assets', '7'),
  bad('keep-removed-assets', '7 days', { given: { delete: 'true' } }),
  bad('keep-removed-assets', '1w', { given: { delete: 'true' } }),
  bad('keep-removed-assets', '366d', { given: { delete: 'true' } }),
  bad('keep-removed-assets', '7d'),
  bad('max-deletes', '-2'),
  bad('max-deletes', 'none'),
  bad('max-deletes', '1.5'),
  {
    input: 'max-deletes',
    given: { delete: 'true', 'max-deletes': '0' },
    about: 'a file gone from the build, whose object it would delete',
    site: async root => rm(path.join(root, 'js', 'app.js')),
    reads: true,
    says: /more than max-deletes \(0\)/
  },
  bad('remove', 'maybe'),
  bad('remove', 'true', { says: /Input 'remove' needs a 'prefix'/ }),
  bad('remove', 'true', {
    given: { prefix: 'css' },
    reads: true,
    says: /Refusing to remove s3:\/\/\S+\/css\/: it holds 1 object\(s\) but no state object/
  }),

  // dry-run, wait, wait-timeout, fail-on-wait-timeout
  bad('dry-run', 'maybe'),
  bad('dry-run', 'dry'),
  bad('wait', 'sometimes'),
  bad('wait-timeout', '0', { given: { wait: 'true' } }),
  bad('wait-timeout', '86401', { given: { wait: 'true' } }),
  bad('wait-timeout', '10m', { given: { wait: 'true' } }),
  bad('wait-timeout', '60'),
  bad('fail-on-wait-timeout', 'nope'),
  bad('fail-on-wait-timeout', 'true'),

  // releases, key-value-store, keep-releases, rollback
  bad('releases', 'enabled'),
  bad('key-value-store', 'my-release-store', { given: { releases: 'true' } }),
  bad('key-value-store', KVS),
  {
    input: 'key-value-store',
    given: { releases: 'true' },
    says: /Input 'key-value-store' is required with releases: true/
  },
  bad('keep-releases', '1', { given: { releases: 'true', 'key-value-store': KVS } }),
  // Without releases: any value but the default, which the runner and the component always pass.
  bad('keep-releases', '3'),
  bad('rollback', 'the last one', { given: { 'key-value-store': KVS } }),
  bad('delete', 'true', { given: { releases: 'true', 'key-value-store': KVS } }),
  bad('paths', '/*', { given: { rollback: 'previous', 'key-value-store': KVS } }),

  // outside-symlinks
  bad('outside-symlinks', 'follow'),
  bad('outside-symlinks', 'ignore'),
  bad('outside-symlinks', 'fail', {
    about: 'a link out of the source',
    site: async root => symlink(os.tmpdir(), path.join(root, 'tmp')),
    says: /outside-symlinks is 'fail'/,
    reads: true
  }),

  // region, endpoint, path-style, concurrency
  bad('region', 'EU West'),
  bad('region', 'us_east_1'),
  bad('region', 'eu-west-1.'),
  {
    input: 'region',
    given: {},
    env: { AWS_REGION: 'Europe (Ireland)' },
    says: /Input 'region' \(taken from AWS_REGION\)/
  },
  bad('endpoint', 'minio.local:9000'),
  bad('endpoint', 'ftp://minio.local'),
  bad('endpoint', 'https://key:secret@minio.local'),
  bad('endpoint', 'https://minio.local/my-site'),
  bad('endpoint', 'https://minio.local?region=x'),
  bad('endpoint', 'not a url'),
  bad('path-style', 'maybe'),
  bad('path-style', 'path'),
  bad('concurrency', '0'),
  bad('concurrency', '257'),
  bad('concurrency', 'lots'),
  bad('concurrency', '-1'),

  // role-to-assume, web-identity-token, role-session-name, role-duration-seconds
  bad('role-to-assume', 'site-deployer'),
  bad('role-to-assume', 'arn:aws:iam::123:role/site-deployer'),
  bad('role-to-assume', 'arn:aws:iam::123456789012:user/deployer'),
  {
    input: 'web-identity-token',
    given: { 'role-to-assume': ROLE },
    via: 'gitlab',
    says: /Input 'web-identity-token' is required with 'role-to-assume'/
  },
  {
    input: 'role-to-assume',
    given: { 'role-to-assume': ROLE },
    via: 'github',
    says: /Input 'role-to-assume' needs an OIDC token/
  },
  // Too short to be a token, so never masked: the message keeps the input's name whole.
  ...(['github', 'gitlab'] as const).map(via =>
    bad('web-identity-token', 'tok', {
      via,
      says: /Input 'web-identity-token' is set but 'role-to-assume' is not/
    })
  ),
  bad('web-identity-token', TOKEN, {
    says: /Input 'web-identity-token' is set but 'role-to-assume' is not/
  }),
  bad('role-session-name', 'deploy'),
  bad('role-session-name', 'a', { given: { 'role-to-assume': ROLE } }),
  bad('role-session-name', 'my deploy', { given: { 'role-to-assume': ROLE } }),
  bad('role-session-name', 's'.repeat(65), { given: { 'role-to-assume': ROLE } }),
  bad('role-duration-seconds', '899', { given: { 'role-to-assume': ROLE } }),
  bad('role-duration-seconds', '43201', { given: { 'role-to-assume': ROLE } }),
  bad('role-duration-seconds', '1h', { given: { 'role-to-assume': ROLE } }),
  bad('role-duration-seconds', '7200'),

  // outputs-file
  bad('outputs-file', 'out/deploy.env'),
  bad('outputs-file', 'css'),
  bad('outputs-file', 'index.html/deploy.env'),
  bad('outputs-file', '/sys/deploy.env'),

  // compress, precompressed, changes-file
  bad('compress', '*.html gzip'),
  bad('compress', '*.css: deflate'),
  bad('compress', '*.html: gzip\n*.js'),
  bad('precompressed', 'gz'),
  bad('changes-file', 'out/changes.json'),
  bad('changes-file', 'css'),

  // Flags, the GitLab way: the input named even when the flag is not spelled right.
  { input: 'bucket', given: {}, args: ['--bucket'], via: 'gitlab', says: /--bucket/ },
  {
    input: 'distribution-id',
    given: {},
    args: ['--distribution_id', 'E1ABCDEFGHIJK'],
    via: 'gitlab',
    says: /--distribution-id/
  },
  { input: 'dry-run', given: {}, args: ['--dryrun'], via: 'gitlab', says: /--dry-run/ },
  {
    input: 'concurrency',
    given: {},
    args: ['--concurrency'],
    via: 'gitlab',
    says: /--concurrency/
  },
  // Variables, the GitLab way (underscores): only GitHub's runner sets the dashed ones.
  {
    input: 'max-deletes',
    given: {},
    env: { INPUT_MAX_DELETES: 'many' },
    via: 'gitlab',
    says: /Input 'max-deletes'/
  }
]

/** The inputs that deployed the site, and the runs of every case, filled in by beforeAll. */
let deployed: { source: string; bucket: string; distribution: string }
let before: Awaited<ReturnType<typeof bucketAndDistribution>>
let standIn: StandIn
const runs = new Map<number, { via: Via; appId: string; run: RunResult }>()

const viaOf = (c: Case, i: number): Via => c.via ?? (i % 2 === 0 ? 'github' : 'gitlab')

beforeAll(async () => {
  const source = await makeSite(SITE)
  const bucket = await moto.newBucket()
  const distribution = await createDistribution(moto.endpoint, '', `${bucket}.s3.amazonaws.com`)
  const first = await runGitLab({
    endpoint: moto.endpoint,
    cwd: source,
    inputs: { source, bucket, 'distribution-id': distribution }
  })
  expect(first.code).toBe(0)
  deployed = { source, bucket, distribution }
  before = await bucketAndDistribution(moto.endpoint, bucket, distribution)
  standIn = await startStandIn(moto.endpoint)

  // A few at a time: most runs end in about 100 ms, before the AWS SDK is loaded.
  await forEachLimit(
    CASES.map((c, i) => [c, i] as const),
    4,
    async ([c, i]) => {
      const via = viaOf(c, i)
      // Ends with '-x', so that case 1's requests are never taken for case 12's.
      const appId = `case-${i}-x`
      // A case that changes the site gets its own copy, and runs there.
      const source = c.site ? await makeSite(SITE) : deployed.source
      if (c.site) await c.site(source)
      const inputs: Record<string, string> = {
        source,
        bucket: deployed.bucket,
        'distribution-id': deployed.distribution,
        ...c.given
      }
      for (const [name, value] of Object.entries(inputs)) if (value === '') delete inputs[name]
      const options = {
        endpoint: standIn.url,
        cwd: source,
        inputs,
        env: { ...c.env, AWS_SDK_UA_APP_ID: appId },
        timeoutMs: 60_000
      }
      const run =
        via === 'github' ? await runGitHub(options) : await runGitLab({ ...options, args: c.args })
      runs.set(i, { via, appId, run })
    }
  )
}, 300_000)

afterAll(async () => {
  await standIn?.close()
})

const label = (c: Case, i: number) => {
  const shown = Object.entries(c.given)
    .map(
      ([k, v]) => `${k}: ${JSON.stringify(v.length > 40 ? `${v.slice(0, 12)}…(${v.length})` : v)}`
    )
    .concat(c.args ? [c.args.join(' ')] : [])
    .concat(c.about ? [c.about] : [])
    .concat(Object.entries(c.env ?? {}).map(([k, v]) => `${k}=${v}`))
  return `${c.input}: ${shown.join(', ') || '(nothing)'} (${viaOf(c, i)})`
}

describe.each(CASES.map((c, i) => [label(c, i), c, i] as const))('%s', (_label, c, i) => {
  test('refused: non-zero exit, one message naming the input, no stack trace, no write', () => {
    const { via, appId, run } = runs.get(i)!
    // GitHub shows ::debug:: lines (the stack of an unexpected error) only to debug logging.
    const said = `${run.stdout}\n${run.stderr}`
      .split('\n')
      .filter(line => !line.startsWith('::debug::'))
      .join('\n')
    expect(run.code).not.toBe(0)
    const says = c.says ?? new RegExp(`Input '${c.input}'`)
    // Said once, as the step's error.
    const errors = said.split('\n').filter(l => /^(::error::|Error: )/.test(l))
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.join('\n')).toMatch(says)
    expect(said.match(new RegExp(says.source, 'g')) ?? []).toHaveLength(1)
    expect(said).toMatch(new RegExp(`\\b${c.input}\\b`))
    if (via === 'github') expect(run.stdout).toMatch(/^::error::/m)
    expect(said).not.toMatch(/\n\s+at .+:\d+:\d+\)?$/m)
    expect(said).not.toMatch(/Not done|Rerunning/)
    const requests = standIn.log.filter(r =>
      String(r.headers['user-agent']).includes(`app/${appId}`)
    )
    if (c.reads) {
      expect(requests.filter(r => !['GET', 'HEAD'].includes(r.method))).toEqual([])
    } else {
      expect(requests.map(r => `${r.method} ${r.path}`)).toEqual([])
    }
  })
})

test('the table: over 100 cases, every input covered, both ways of running used', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(100)
  const covered = new Set(CASES.map(c => c.input))
  expect(INPUTS.map(i => i.name).filter(name => !covered.has(name))).toEqual([])
  const ways = CASES.map(viaOf)
  expect(ways.filter(w => w === 'github').length).toBeGreaterThan(40)
  expect(ways.filter(w => w === 'gitlab').length).toBeGreaterThan(40)
})

test('no request wrote, none came from elsewhere, and the bucket and distribution are as they were', async () => {
  expect(standIn.writes()).toEqual([])
  const mayRead = new Set(CASES.flatMap((c, i) => (c.reads ? [`app/case-${i}-x`] : [])))
  const unexpected = standIn.log.filter(
    r => ![...mayRead].some(id => String(r.headers['user-agent']).includes(id))
  )
  expect(unexpected.map(r => `${r.method} ${r.path} ${r.headers['user-agent']}`)).toEqual([])
  expect(
    await bucketAndDistribution(moto.endpoint, deployed.bucket, deployed.distribution)
  ).toEqual(before)
})

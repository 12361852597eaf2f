import * as path from 'node:path'
import { parseConfig } from '../../../src/config/config'
import { InputError } from '../../../src/config/input-error'
import type { RawInputs } from '../../../src/config/read'
import { INPUT_SPECS, type InputName } from '../../../src/config/inputs'
import {
  CANNED_ACLS,
  FALSE_WORDS,
  OUTSIDE_SYMLINKS,
  SSE_ALGORITHMS,
  STORAGE_CLASSES,
  TRUE_WORDS
} from '../../../src/config/choices'

const cwd = '/work/site'
const parse = (raw: RawInputs, env: NodeJS.ProcessEnv = {}, runId?: string) =>
  parseConfig({ bucket: 'my-bucket', ...raw }, env, cwd, runId)

describe('parseConfig', () => {
  test("every input at action.yml's default, as GitHub's runner and the component pass them, is the configuration of none set", () => {
    const atDefaults: RawInputs = {}
    for (const spec of INPUT_SPECS)
      if (spec.default) atDefaults[spec.name as InputName] = spec.default
    expect(Object.keys(atDefaults)).toContain('keep-releases')
    // inScope is a closure: compared as a function it never equals another.
    const strip = (config: ReturnType<typeof parse>) => ({ ...config, inScope: undefined })
    expect(strip(parse(atDefaults))).toEqual(strip(parse({})))
  })

  test('compress: rules by pattern; a malformed line or an unknown encoding names the input and the line', () => {
    const { compression } = parse({
      compress: '# text\n*.html: gzip\n*.js: br',
      precompressed: 'yes'
    })
    expect(compression.precompressed).toBe(true)
    expect(compression.rules.map(r => [r.pattern, r.value, r.line])).toEqual([
      ['*.html', 'gzip', 2],
      ['*.js', 'br', 3]
    ])
    expect(() => parse({ compress: '*.html: gzip\n*.css gzip' })).toThrow(
      new InputError(
        "Input 'compress' line 2 must be 'PATTERN: VALUE' (e.g. '*.html: gzip'), got '*.css gzip'."
      )
    )
    expect(() => parse({ compress: '*.css: deflate' })).toThrow(
      "Input 'compress' line 1: the encoding must be gzip or br"
    )
    expect(() => parse({ precompressed: 'gz' })).toThrow(
      "Input 'precompressed' must be true or false, got 'gz'."
    )
  })

  test('changes-file: a path relative to the working directory', () => {
    expect(parse({ 'changes-file': 'out/changes.json' }).changesFile).toBe(
      path.resolve(cwd, 'out/changes.json')
    )
  })

  test('defaults apply in code, as action.yml declares them', () => {
    const { inScope, ...config } = parse({})
    expect(inScope('any/file.txt')).toBe(true)
    expect(config).toEqual({
      filters: { include: [], exclude: [] },
      source: path.resolve(cwd, 'public'),
      bucket: 'my-bucket',
      prefix: '',
      distributionIds: [],
      paths: undefined,
      invalidationMaxPaths: 15,
      delete: false,
      remove: false,
      maxDeletes: 256,
      keepRemovedSeconds: 0,
      dryRun: false,
      wait: false,
      waitTimeoutSeconds: 600,
      failOnWaitTimeout: false,
      outsideSymlinks: 'skip',
      region: 'us-east-1',
      endpoint: undefined,
      pathStyle: false,
      concurrency: 32,
      outputsFile: undefined,
      changesFile: undefined,
      role: undefined,
      rules: { cacheControl: [], contentType: [] },
      compression: { rules: [], precompressed: false },
      settings: {},
      manifestKey: '.s3-cloudfront-deploy.json',
      lock: true,
      lockKey: '.s3-cloudfront-deploy.lock',
      lockTimeoutSeconds: 600,
      lease: {
        durationMs: 90_000,
        renewEveryMs: 20_000,
        marginMs: 15_000,
        pollEveryMs: 2_000,
        reportEveryMs: 30_000
      }
    })
  })

  test('remove: needs a prefix (never a bucket root)', () => {
    expect(() => parse({ remove: 'true' })).toThrow(
      "Input 'remove' needs a 'prefix': a removal never empties a bucket root. Set prefix to the preview's folder, e.g. prefix: pr-7."
    )
    expect(() => parse({ remove: 'true', prefix: '/' })).toThrow("Input 'prefix' must be")
    expect(parse({ remove: 'true', prefix: 'pr-7' })).toMatchObject({
      remove: true,
      prefix: 'pr-7/'
    })
    expect(() => parse({ remove: 'perhaps', prefix: 'pr-7' })).toThrow(
      "Input 'remove' must be true or false, got 'perhaps'."
    )
  })

  test('keep-removed-assets: a duration in days, hours, minutes or seconds; 0 by default', () => {
    const keep = (value: string) =>
      parse({ delete: 'true', 'keep-removed-assets': value }).keepRemovedSeconds
    expect(parse({ delete: 'true' }).keepRemovedSeconds).toBe(0)
    expect(keep('7d')).toBe(7 * 86400)
    expect(keep('12h')).toBe(12 * 3600)
    expect(keep('30m')).toBe(1800)
    expect(keep('45s')).toBe(45)
    expect(keep('2D')).toBe(2 * 86400)
    expect(keep('0')).toBe(0)
    expect(keep('0d')).toBe(0)
    expect(keep('365d')).toBe(365 * 86400)
  })

  test.each([
    ['7', 'a bare number is ambiguous'],
    ['7 days', 'a word'],
    ['1.5d', 'a fraction'],
    ['-1d', 'a negative duration'],
    ['1d12h', 'two units'],
    ['1w', 'an unknown unit'],
    ['366d', 'over a year'],
    ['99999999999999999999d', 'a number too large to be exact']
  ])("keep-removed-assets '%s' (%s) is refused, naming the input", value => {
    expect(() => parse({ delete: 'true', 'keep-removed-assets': value })).toThrow(
      new InputError(
        `Input 'keep-removed-assets' must be a duration such as 7d, 12h, 30m or 45s (at most 365d), or 0, got '${value}'.`
      )
    )
  })

  test('keep-removed-assets without delete: true is refused, since nothing would be kept', () => {
    expect(() => parse({ 'keep-removed-assets': '7d' })).toThrow(
      "Input 'keep-removed-assets' needs 'delete: true'"
    )
    expect(parse({ 'keep-removed-assets': '0' }).keepRemovedSeconds).toBe(0)
  })

  test("lock-timeout, and the lease object on the state object's stem", () => {
    expect(parse({ 'lock-timeout': '0' }).lockTimeoutSeconds).toBe(0)
    expect(() => parse({ 'lock-timeout': '-1' })).toThrow(
      "Input 'lock-timeout' must be a whole number from 0 to 86400, got '-1'."
    )
    expect(parse({ prefix: 'docs', 'manifest-key': 'state/deploy.json' }).lockKey).toBe(
      'docs/state/deploy.lock'
    )
    expect(parse({ 'manifest-key': 'state' }).lockKey).toBe('state.lock')
    expect(parse({ 'manifest-key': 'x.lock' }).lockKey).toBe('x.lock.lock')
    // lock-lease sets the lease's length; the rest of the timing follows. No variable does.
    expect(parse({ 'lock-lease': '30' }).lease).toMatchObject({
      durationMs: 30_000,
      marginMs: 5000
    })
    expect(parse({}, { S3_CLOUDFRONT_DEPLOY_LEASE_MS: '3000' }).lease.durationMs).toBe(90_000)
  })

  test('region: input, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    expect(parse({}, { AWS_DEFAULT_REGION: 'eu-west-1' }).region).toBe('eu-west-1')
    expect(parse({}, { AWS_REGION: 'eu-central-1', AWS_DEFAULT_REGION: 'eu-west-1' }).region).toBe(
      'eu-central-1'
    )
    expect(parse({ region: 'ap-south-1' }, { AWS_REGION: 'eu-central-1' }).region).toBe(
      'ap-south-1'
    )
    expect(() => parse({}, { AWS_REGION: 'EU West' })).toThrow(
      "Input 'region' (taken from AWS_REGION)"
    )
  })

  test('prefix is normalised to a folder; unset, it is the bucket root', () => {
    expect(parse({ prefix: 'docs' }).prefix).toBe('docs/')
    expect(parse({ prefix: '/site/v2/' }).prefix).toBe('site/v2/')
    expect(parse({}).prefix).toBe('')
  })

  test.each(['/', '///', '//'])(
    'a prefix of slashes alone (%s) names no folder: refused, never the bucket root',
    prefix => {
      expect(() => parse({ prefix })).toThrow(
        `Input 'prefix' must be a folder path like "docs" or "site/v2", got '${prefix}', which names no folder: for the bucket root, leave prefix unset.`
      )
    }
  )

  test("a prefix with spaces is kept as given; one that leaves no room in S3's 1,024-byte keys is refused", () => {
    expect(parse({ prefix: 'my docs/v 2' }).prefix).toBe('my docs/v 2/')
    // The state object's key (prefix/ + .s3-cloudfront-deploy.json) must fit too: 998 + 26.
    expect(parse({ prefix: 'p'.repeat(997) }).manifestKey).toHaveLength(1024)
    expect(() => parse({ prefix: 'p'.repeat(998) })).toThrow(
      "Inputs 'prefix' and 'manifest-key' make the key of the state object 1,025 bytes long, more than the 1,024 bytes S3 allows (UTF-8): shorten the prefix (999 bytes) or manifest-key."
    )
    // Bytes, not characters.
    expect(() => parse({ prefix: 'é'.repeat(500) })).toThrow(/1,027 bytes long/)
    expect(() => parse({ 'manifest-key': `${'m'.repeat(1100)}.json` })).toThrow(
      /make the key of the state object 1,105 bytes long.*shorten the prefix \(0 bytes\)/
    )
  })

  test('paths: newline or comma separated, kept as given', () => {
    expect(parse({ paths: '/*' }).paths).toEqual(['/*'])
    expect(parse({ paths: '/a.html, /b/*\n/c/' }).paths).toEqual(['/a.html', '/b/*', '/c/'])
  })

  test('several distribution IDs, deduplicated', () => {
    expect(
      parse({ 'distribution-id': 'E1ABCDEFGHIJK, E2ABCDEFGHIJK\nE1ABCDEFGHIJK' }).distributionIds
    ).toEqual(['E1ABCDEFGHIJK', 'E2ABCDEFGHIJK'])
  })

  test.each<[string, RawInputs, string]>([
    ['missing bucket', { bucket: undefined }, "Input 'bucket' is required"],
    [
      'bucket as URL',
      { bucket: 's3://my-bucket/docs' },
      "Input 'bucket' must be a bucket name only"
    ],
    ['bad bucket', { bucket: 'my bucket' }, "Input 'bucket' must be an S3 bucket name"],
    ['boolean', { delete: 'maybe' }, "Input 'delete' must be true or false, got 'maybe'."],
    ['dry-run', { 'dry-run': 'yes please' }, "Input 'dry-run' must be true or false"],
    [
      'concurrency 0',
      { concurrency: '0' },
      "Input 'concurrency' must be a whole number from 1 to 256, got '0'."
    ],
    ['concurrency text', { concurrency: 'fast' }, "Input 'concurrency' must be a whole number"],
    ['wait-timeout', { 'wait-timeout': '1.5' }, "Input 'wait-timeout' must be a whole number"],
    [
      'distribution ARN',
      { 'distribution-id': 'arn:aws:cloudfront::1:distribution/E1' },
      "Input 'distribution-id' must be a CloudFront distribution ID"
    ],
    [
      'distribution domain',
      { 'distribution-id': 'd111111abcdef8.cloudfront.net' },
      "Input 'distribution-id'"
    ],
    [
      'path without slash',
      { paths: 'index.html' },
      "Input 'paths' must hold paths that start with \"/\", got 'index.html'."
    ],
    [
      'wildcard inside',
      { paths: '/a/*/b' },
      'Input \'paths\' may only have "*" as the last character'
    ],
    [
      'long path',
      { paths: `/${'a'.repeat(4000)}` },
      "Input 'paths' must hold paths of at most 4000 characters"
    ],
    [
      'too many wildcards',
      { paths: Array.from({ length: 16 }, (_, i) => `/d${i}/*`).join(',') },
      "Input 'paths' must hold at most 15 wildcard paths"
    ],
    [
      'too many paths',
      { paths: Array.from({ length: 3001 }, (_, i) => `/p${i}`).join(',') },
      "Input 'paths' must hold at most 3000 paths"
    ],
    [
      'invalidation-max-paths 0',
      { 'invalidation-max-paths': '0' },
      "Input 'invalidation-max-paths' must be a whole number from 1 to 3000, got '0'."
    ],
    [
      'invalidation-max-paths 5000',
      { 'invalidation-max-paths': '5000' },
      "Input 'invalidation-max-paths' must be a whole number from 1 to 3000"
    ],
    [
      'fail-on-wait-timeout',
      { 'fail-on-wait-timeout': 'sometimes' },
      "Input 'fail-on-wait-timeout' must be true or false"
    ],
    [
      'max-deletes text',
      { 'max-deletes': 'lots' },
      "Input 'max-deletes' must be a whole number of objects, or -1 for no limit, got 'lots'."
    ],
    [
      'max-deletes -2',
      { 'max-deletes': '-2' },
      "Input 'max-deletes' must be a whole number of objects, or -1 for no limit, got '-2'."
    ],
    [
      'outside-symlinks',
      { 'outside-symlinks': 'follow' },
      "Input 'outside-symlinks' must be one of skip, fail, got 'follow'."
    ],
    [
      'cache-control without colon',
      { 'cache-control': '*.html: no-cache\n*.css max-age=60' },
      "Input 'cache-control' line 2 must be 'PATTERN: VALUE' (e.g. '*.html: no-cache'), got '*.css max-age=60'."
    ],
    [
      'cache-control without value',
      { 'cache-control': '*.html:' },
      "Input 'cache-control' line 1 must be 'PATTERN: VALUE'"
    ],
    [
      'content-type malformed',
      { 'content-type': '*.x: not a type' },
      "Input 'content-type' line 1: a Content-Type must look like 'type/subtype' or 'type/subtype; charset=utf-8', got 'not a type'."
    ],
    [
      'unknown ACL',
      { acl: 'public' },
      "Input 'acl' must be one of private, public-read, public-read-write, authenticated-read, aws-exec-read, bucket-owner-read, bucket-owner-full-control, got 'public'."
    ],
    ['GLACIER', { 'storage-class': 'GLACIER' }, "Input 'storage-class' cannot serve a website"],
    ['unknown storage class', { 'storage-class': 'cold' }, "Input 'storage-class' must be one of"],
    ['sse', { sse: 'kms' }, "Input 'sse' must be AES256, aws:kms or aws:kms:dsse, got 'kms'."],
    [
      'kms key without kms',
      { 'sse-kms-key-id': 'k' },
      "Input 'sse-kms-key-id' needs 'sse: aws:kms'"
    ],
    [
      'manifest-key folder',
      { 'manifest-key': 'state/' },
      "Input 'manifest-key' must be an object key under the prefix"
    ],
    ['prefix with ..', { prefix: 'a/../b' }, "Input 'prefix' must be a folder path"],
    ['region', { region: 'Mars' }, "Input 'region' must be an AWS region"],
    ['endpoint not a URL', { endpoint: 'r2.example' }, "Input 'endpoint' must be the URL of"],
    ['endpoint not http', { endpoint: 'ftp://r2.example' }, "Input 'endpoint' must be the URL of"],
    [
      'endpoint with a bucket path',
      { endpoint: 'https://s3.example.com/my-bucket' },
      'without a path (put the bucket in "bucket"'
    ],
    [
      'endpoint with credentials',
      { endpoint: 'https://key:secret@s3.example.com' },
      "Input 'endpoint' must not hold credentials"
    ],
    ['path-style', { 'path-style': 'yes please' }, "Input 'path-style' must be true or false"],
    ['lock', { lock: 'sometimes' }, "Input 'lock' must be true or false"],
    [
      'lock-lease',
      { 'lock-lease': '5' },
      "Input 'lock-lease' must be a whole number from 10 to 900"
    ]
  ])('refuses %s, naming the input', (_name, raw, message) => {
    expect(() => parse(raw)).toThrow(InputError)
    expect(() => parse(raw)).toThrow(message)
  })

  test('endpoint: the store alone, for S3; path-style and lock as given', () => {
    const config = parse({
      endpoint: 'https://ACCOUNT.r2.cloudflarestorage.com/',
      'path-style': 'true',
      lock: 'false'
    })
    expect([config.endpoint, config.pathStyle, config.lock]).toEqual([
      'https://account.r2.cloudflarestorage.com',
      true,
      false
    ])
    expect(parse({ endpoint: 'http://127.0.0.1:9000' }).endpoint).toBe('http://127.0.0.1:9000')
  })

  test('role-to-assume: the role, its session and the token', () => {
    const role = 'arn:aws:iam::123456789012:role/site-deployer'
    expect(parse({ 'role-to-assume': role }, {}, '99').role).toEqual({
      arn: role,
      sessionName: 's3-cloudfront-deploy-99',
      durationSeconds: 3600,
      webIdentityToken: undefined
    })
    expect(
      parse(
        {
          'role-to-assume': role,
          'web-identity-token': 'tok',
          'role-session-name': 'deploy',
          'role-duration-seconds': '900'
        },
        { CI_JOB_ID: '7' }
      ).role
    ).toEqual({ arn: role, sessionName: 'deploy', durationSeconds: 900, webIdentityToken: 'tok' })
    expect(parse({}).role).toBeUndefined()
    expect(() => parse({ 'web-identity-token': 'tok' })).toThrow(
      "Input 'web-identity-token' is set but 'role-to-assume' is not"
    )
    expect(() => parse({ 'role-to-assume': 'arn:aws:iam::123:role/x' })).toThrow(
      "Input 'role-to-assume' must be an IAM role ARN"
    )
    expect(() => parse({ 'role-to-assume': role, 'role-session-name': 'a b' })).toThrow(
      "Input 'role-session-name' must be 2-64"
    )
    expect(() => parse({ 'role-to-assume': role, 'role-duration-seconds': '60' })).toThrow(
      "Input 'role-duration-seconds' must be a whole number from 900 to 43200, got '60'."
    )
  })

  test('header rules, filters and object settings', () => {
    const config = parse({
      'cache-control':
        '# HTML is revalidated\n*.html: no-cache\n\ncss/**: public, max-age=31536000, immutable\n*: public, max-age=3600',
      'content-type': 'feed: application/rss+xml; charset=utf-8',
      include: '*\n',
      exclude: '*.md\ndrafts/**',
      acl: 'public-read',
      'storage-class': 'intelligent_tiering',
      sse: 'aws:kms',
      'sse-kms-key-id': 'alias/site',
      prefix: 'docs',
      'manifest-key': 'state/deploy.json'
    })
    expect(config.rules.cacheControl.map(r => [r.pattern, r.value, r.line])).toEqual([
      ['*.html', 'no-cache', 2],
      ['css/**', 'public, max-age=31536000, immutable', 4],
      ['*', 'public, max-age=3600', 5]
    ])
    expect(config.rules.contentType.map(r => r.value)).toEqual([
      'application/rss+xml; charset=utf-8'
    ])
    expect(config.settings).toEqual({
      acl: 'public-read',
      storageClass: 'INTELLIGENT_TIERING',
      sse: 'aws:kms',
      sseKmsKeyId: 'alias/site'
    })
    expect(config.inScope('index.html')).toBe(true)
    expect(config.inScope('posts/draft.md')).toBe(false)
    expect(config.inScope('drafts/a.html')).toBe(false)
    expect(config.manifestKey).toBe('docs/state/deploy.json')
  })

  test('booleans accept the usual spellings', () => {
    for (const value of ['true', 'True', 'TRUE', 'yes', '1', 'on'])
      expect(parse({ delete: value }).delete).toBe(true)
    for (const value of ['false', 'False', 'no', '0', 'off'])
      expect(parse({ delete: value }).delete).toBe(false)
  })

  test('what bounds the wait needs wait: true; the default alone (as GitHub passes it) is not set', () => {
    expect(() => parse({ 'wait-timeout': '60' })).toThrow(
      "Input 'wait-timeout' needs 'wait: true': it applies to waiting for the invalidation, and without wait the step does not wait."
    )
    expect(() => parse({ 'fail-on-wait-timeout': 'true' })).toThrow(
      "Input 'fail-on-wait-timeout' needs 'wait: true'"
    )
    expect(parse({ 'wait-timeout': '600', 'fail-on-wait-timeout': 'false' })).toMatchObject({
      wait: false,
      waitTimeoutSeconds: 600,
      failOnWaitTimeout: false
    })
    expect(
      parse({ wait: 'true', 'wait-timeout': '60', 'fail-on-wait-timeout': 'true' })
    ).toMatchObject({ wait: true, waitTimeoutSeconds: 60, failOnWaitTimeout: true })
  })

  test('role-duration-seconds needs role-to-assume, unless it is the default', () => {
    expect(() => parse({ 'role-duration-seconds': '7200' })).toThrow(
      "Input 'role-duration-seconds' is set but 'role-to-assume' is not: set the role to assume."
    )
    expect(parse({ 'role-duration-seconds': '3600' }).role).toBeUndefined()
  })

  test('every value the table lists for a choice is accepted, in any case; one it does not is refused', () => {
    for (const acl of CANNED_ACLS) {
      expect(parse({ acl }).settings.acl).toBe(acl)
      expect(parse({ acl: acl.toUpperCase() }).settings.acl).toBe(acl)
    }
    for (const storageClass of STORAGE_CLASSES) {
      expect(parse({ 'storage-class': storageClass }).settings.storageClass).toBe(storageClass)
      expect(parse({ 'storage-class': storageClass.toLowerCase() }).settings.storageClass).toBe(
        storageClass
      )
    }
    for (const sse of SSE_ALGORITHMS) {
      expect(parse({ sse }).settings.sse).toBe(sse)
      expect(parse({ sse: sse.toUpperCase() }).settings.sse).toBe(sse)
      // A KMS key goes with either KMS algorithm, and with nothing else.
      const withKey = () => parse({ sse, 'sse-kms-key-id': 'alias/site' })
      if (sse.startsWith('aws:kms')) expect(withKey().settings.sseKmsKeyId).toBe('alias/site')
      else expect(withKey).toThrow("Input 'sse-kms-key-id' needs 'sse: aws:kms' (or aws:kms:dsse)")
    }
    for (const choice of OUTSIDE_SYMLINKS) {
      expect(parse({ 'outside-symlinks': choice.toUpperCase() }).outsideSymlinks).toBe(choice)
    }
    for (const word of [...TRUE_WORDS, ...FALSE_WORDS]) {
      expect(parse({ wait: word.toUpperCase() }).wait).toBe(
        (TRUE_WORDS as readonly string[]).includes(word)
      )
    }
    expect(() => parse({ sse: 'kms' })).toThrow(
      "Input 'sse' must be AES256, aws:kms or aws:kms:dsse, got 'kms'."
    )
    expect(() => parse({ 'outside-symlinks': 'follow' })).toThrow(
      "Input 'outside-symlinks' must be one of skip, fail, got 'follow'."
    )
  })
})

import * as path from 'node:path'
import { INPUT_SPECS, type InputName } from './inputs'
import { InputError, invalidInput } from './input-error'
import type { RawInputs } from './read'
import { MAX_PATHS, MAX_WILDCARDS } from '../plan/fold'
import { createFilter } from '../plan/filter'
import { checkCacheControl, checkContentType, parseRules } from '../plan/rules'
import { globMatcher, parseGlobs } from '../plan/match'
import type { HeaderRules } from '../plan/headers'
import type { ObjectSettings } from '../plan/types'
import { leaseSettingsFor, type LeaseSettings } from '../plan/lease'
import { MAX_KEY_BYTES, utf8Length } from '../plan/keys'
import { formatCount } from '../plan/format'

/** Everything the deploy needs, validated. Built once; nothing else reads inputs. */
export interface DeployConfig {
  /** Absolute path of the folder to publish. */
  source: string
  bucket: string
  /** '' or a folder prefix ending in '/', never starting with '/'. */
  prefix: string
  distributionIds: string[]
  /** Explicit invalidation paths; undefined means "what changed". */
  paths: string[] | undefined
  invalidationMaxPaths: number
  delete: boolean
  /** Remove everything under the prefix instead of deploying (a preview's teardown). */
  remove: boolean
  /** -1: no limit. */
  maxDeletes: number
  /** keep-removed-assets: how long a removed asset stays before it is deleted; 0: at once. */
  keepRemovedSeconds: number
  dryRun: boolean
  wait: boolean
  waitTimeoutSeconds: number
  failOnWaitTimeout: boolean
  outsideSymlinks: 'skip' | 'fail'
  region: string
  concurrency: number
  outputsFile: string | undefined
  /** Set when a role is to be assumed with a web identity token. */
  role: RoleConfig | undefined
  /** include/exclude: whether a path relative to the source is synced. */
  inScope: (relPath: string) => boolean
  rules: HeaderRules
  settings: ObjectSettings
  /** Full key of the manifest (prefix + manifest-key). */
  manifestKey: string
  /** Full key of the lease object beside it: the manifest key's stem + `.lock`. */
  lockKey: string
  /** How long to wait for another deploy's lock; 0: not at all. */
  lockTimeoutSeconds: number
  lease: LeaseSettings
}

export interface RoleConfig {
  arn: string
  sessionName: string
  durationSeconds: number
  /** Undefined: ask the platform (GitHub's OIDC token). Never printed. */
  webIdentityToken: string | undefined
}

const MAX_CONCURRENCY = 256
const MAX_PATH_LENGTH = 4000

export function defaultOf(name: InputName): string {
  return INPUT_SPECS.find(i => i.name === name)?.default ?? ''
}

/** Validates every input up front; the first problem is thrown as an InputError naming the input. */
export function parseConfig(
  raw: RawInputs,
  env: NodeJS.ProcessEnv,
  cwd: string,
  /** The CI run or job ID (platform/ci-run.ts), for the role's default session name. */
  runId?: string
): DeployConfig {
  const get = (name: InputName): string => raw[name] ?? defaultOf(name)

  const bucket = get('bucket')
  if (bucket === '') {
    throw new InputError(
      `Input 'bucket' is required: set it with 'bucket:' in the workflow, --bucket, or INPUT_BUCKET.`
    )
  }
  validateBucket(bucket)

  const source = get('source')
  const paths = raw.paths === undefined ? undefined : parsePaths(raw.paths)
  const prefix = parsePrefix(get('prefix'))
  const manifestKey = prefix + parseManifestKey(get('manifest-key'))
  const lockKey = lockKeyFor(manifestKey)
  checkKeyLength(prefix, manifestKey, lockKey)
  const remove = parseBoolean('remove', get('remove'))
  if (remove && prefix === '') {
    throw new InputError(
      `Input 'remove' needs a 'prefix': a removal never empties a bucket root. Set prefix to the preview's folder, e.g. prefix: pr-7.`
    )
  }
  const deletes = parseBoolean('delete', get('delete'))
  return {
    source: path.resolve(cwd, source),
    bucket,
    prefix,
    distributionIds: parseDistributionIds(get('distribution-id')),
    paths,
    invalidationMaxPaths: parseInteger(
      'invalidation-max-paths',
      get('invalidation-max-paths'),
      1,
      MAX_PATHS
    ),
    delete: deletes,
    remove,
    maxDeletes: parseInteger(
      'max-deletes',
      get('max-deletes'),
      -1,
      Number.MAX_SAFE_INTEGER,
      'must be a whole number of objects, or -1 for no limit'
    ),
    keepRemovedSeconds: parseKeepRemoved(get('keep-removed-assets'), deletes),
    dryRun: parseBoolean('dry-run', get('dry-run')),
    wait: parseBoolean('wait', get('wait')),
    waitTimeoutSeconds: parseInteger('wait-timeout', get('wait-timeout'), 1, 24 * 3600),
    failOnWaitTimeout: parseBoolean('fail-on-wait-timeout', get('fail-on-wait-timeout')),
    outsideSymlinks: parseChoice('outside-symlinks', get('outside-symlinks'), [
      'skip',
      'fail'
    ] as const),
    region: parseRegion(raw.region, env),
    concurrency: parseInteger('concurrency', get('concurrency'), 1, MAX_CONCURRENCY),
    outputsFile:
      raw['outputs-file'] === undefined ? undefined : path.resolve(cwd, raw['outputs-file']),
    role: parseRole(raw, runId),
    inScope: parseFilter(get('include'), get('exclude')),
    rules: {
      cacheControl: parseRules('cache-control', get('cache-control'), checkCacheControl),
      contentType: parseRules('content-type', get('content-type'), checkContentType)
    },
    settings: parseSettings(raw),
    manifestKey,
    lockKey,
    lockTimeoutSeconds: parseInteger('lock-timeout', get('lock-timeout'), 0, 24 * 3600),
    lease: leaseSettingsFor(parseTestLease(env))
  }
}

/** `.s3-cloudfront-deploy.json` → `.s3-cloudfront-deploy.lock`: obviously the action's own. */
export function lockKeyFor(manifestKey: string): string {
  const slash = manifestKey.lastIndexOf('/')
  const dot = manifestKey.lastIndexOf('.')
  const stem = dot > slash + 1 ? manifestKey.slice(0, dot) : manifestKey
  const key = `${stem}.lock`
  return key === manifestKey ? `${manifestKey}.lock` : key
}

/** The action's own keys, under the prefix, must fit S3's limit like every file's. */
function checkKeyLength(prefix: string, ...keys: string[]): void {
  const bytes = Math.max(...keys.map(utf8Length))
  if (bytes <= MAX_KEY_BYTES) return
  throw new InputError(
    `Inputs 'prefix' and 'manifest-key' make the key of the state object ${formatCount(bytes)} bytes long, more than the ${formatCount(MAX_KEY_BYTES)} bytes S3 allows (UTF-8): shorten the prefix (${formatCount(utf8Length(prefix))} bytes) or manifest-key.`
  )
}

/** Tests shorten the lease (a dead deploy then blocks others for seconds, not minutes). */
function parseTestLease(env: NodeJS.ProcessEnv): number | undefined {
  const value = env.S3_CLOUDFRONT_DEPLOY_LEASE_MS
  return value ? parseInteger('S3_CLOUDFRONT_DEPLOY_LEASE_MS', value, 300, 3_600_000) : undefined
}

const CANNED_ACLS = [
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control'
] as const

/** Classes a website can be served from: archive classes need a restore before any GET. */
const STORAGE_CLASSES = [
  'STANDARD',
  'INTELLIGENT_TIERING',
  'STANDARD_IA',
  'ONEZONE_IA',
  'GLACIER_IR',
  'REDUCED_REDUNDANCY'
] as const

function parseSettings(raw: RawInputs): ObjectSettings {
  const settings: ObjectSettings = {}
  if (raw.acl !== undefined) settings.acl = parseChoice('acl', raw.acl, CANNED_ACLS)
  if (raw['storage-class'] !== undefined) {
    const value = raw['storage-class'].toUpperCase()
    if (value === 'GLACIER' || value === 'DEEP_ARCHIVE') {
      throw invalidInput(
        'storage-class',
        raw['storage-class'],
        `cannot serve a website (objects need a restore before they can be read); use one of ${STORAGE_CLASSES.join(', ')}`
      )
    }
    settings.storageClass = parseChoice(
      'storage-class',
      value.toLowerCase(),
      STORAGE_CLASSES.map(c => c.toLowerCase())
    ).toUpperCase()
  }
  if (raw.sse !== undefined) {
    const sse = (
      { aes256: 'AES256', 'aws:kms': 'aws:kms', 'aws:kms:dsse': 'aws:kms:dsse' } as Record<
        string,
        string
      >
    )[raw.sse.toLowerCase()]
    if (!sse) throw invalidInput('sse', raw.sse, 'must be AES256, aws:kms or aws:kms:dsse')
    settings.sse = sse
  }
  if (raw['sse-kms-key-id'] !== undefined) {
    if (!settings.sse?.startsWith('aws:kms')) {
      throw new InputError(
        `Input 'sse-kms-key-id' needs 'sse: aws:kms': a KMS key is only used with KMS encryption.`
      )
    }
    settings.sseKmsKeyId = raw['sse-kms-key-id']
  }
  return settings
}

function parseFilter(include: string, exclude: string): (relPath: string) => boolean {
  for (const [name, text] of [
    ['include', include],
    ['exclude', exclude]
  ] as const) {
    for (const { pattern, line } of parseGlobs(text)) {
      try {
        globMatcher(pattern)
      } catch (err) {
        throw new InputError(
          `Input '${name}' line ${line} is not a valid glob: ${(err as Error).message}, got '${pattern}'.`
        )
      }
    }
  }
  return createFilter(include, exclude)
}

function parseManifestKey(value: string): string {
  const key = value.replace(/^\/+/, '')
  if (key === '' || key.endsWith('/') || key.split('/').some(p => p === '..' || p === '.')) {
    throw invalidInput(
      'manifest-key',
      value,
      'must be an object key under the prefix, such as .s3-cloudfront-deploy.json'
    )
  }
  return key
}

const DURATION_UNITS: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 }
/** Longer than any tab stays open, short of keeping every build forever. */
const MAX_DURATION_SECONDS = 365 * 86400

/** `7d`, `12h`, `30m`, `45s` (or `0`) → seconds; anything else is refused, naming the input. */
export function parseDuration(name: string, value: string): number {
  const m = /^(\d+)\s*([dhms]?)$/i.exec(value)
  const n = m ? Number(m[1]) : NaN
  const unit = m?.[2]?.toLowerCase() ?? ''
  // A bare number is ambiguous (seconds? days?), except 0.
  const seconds = unit === '' ? (n === 0 ? 0 : NaN) : n * (DURATION_UNITS[unit] as number)
  if (!Number.isSafeInteger(seconds) || seconds > MAX_DURATION_SECONDS) {
    throw invalidInput(
      name,
      value,
      'must be a duration such as 7d, 12h, 30m or 45s (at most 365d), or 0'
    )
  }
  return seconds
}

function parseKeepRemoved(value: string, deletes: boolean): number {
  const seconds = parseDuration('keep-removed-assets', value)
  if (seconds > 0 && !deletes) {
    throw new InputError(
      `Input 'keep-removed-assets' needs 'delete: true': it delays deletions, and without delete nothing is deleted.`
    )
  }
  return seconds
}

export function parseBoolean(name: string, value: string): boolean {
  if (/^(true|yes|on|1)$/i.test(value)) return true
  if (/^(false|no|off|0)$/i.test(value)) return false
  throw invalidInput(name, value, 'must be true or false')
}

export function parseChoice<T extends string>(
  name: string,
  value: string,
  choices: readonly T[]
): T {
  const found = choices.find(c => c === value.toLowerCase())
  if (found === undefined) throw invalidInput(name, value, `must be one of ${choices.join(', ')}`)
  return found
}

export function parseInteger(
  name: string,
  value: string,
  min: number,
  max: number,
  expected = `must be a whole number from ${min} to ${max}`
): number {
  const n = /^[+-]?\d+$/.test(value) ? Number(value) : NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) throw invalidInput(name, value, expected)
  return n
}

function validateBucket(bucket: string): void {
  if (/^s3:\/\//i.test(bucket) || bucket.includes('/')) {
    throw invalidInput(
      'bucket',
      bucket,
      'must be a bucket name only; put the folder in the "prefix" input (e.g. bucket: my-site, prefix: docs)'
    )
  }
  // Current rules are 3-63 lowercase characters; legacy buckets may also have capitals and '_'.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/.test(bucket)) {
    throw invalidInput('bucket', bucket, 'must be an S3 bucket name (letters, digits, ".", "-")')
  }
}

function parsePrefix(value: string): string {
  const trimmed = value.replace(/^\/+|\/+$/g, '')
  if (trimmed === '') return ''
  const parts = trimmed.split('/')
  if (parts.some(p => p === '' || p === '.' || p === '..') || trimmed.includes('\\')) {
    throw invalidInput(
      'prefix',
      value,
      'must be a folder path like "docs" or "site/v2" (no "//", "." or "..")'
    )
  }
  return `${trimmed}/`
}

/** Newline- or comma-separated list, blanks dropped. */
export function splitList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map(s => s.trim())
    .filter(s => s !== '')
}

function parseDistributionIds(value: string): string[] {
  const ids = splitList(value)
  for (const id of ids) {
    if (!/^[A-Z0-9]{8,32}$/.test(id)) {
      throw invalidInput(
        'distribution-id',
        id,
        'must be a CloudFront distribution ID such as E1ABCDEF2GHIJK (not an ARN or a domain name)'
      )
    }
  }
  return [...new Set(ids)]
}

/** CloudFront's rules for a path: starts with '/', '*' only as the last character. */
export function parsePaths(value: string): string[] {
  const paths = splitList(value)
  if (paths.length === 0)
    throw invalidInput('paths', value, 'must list at least one path such as /*')
  for (const p of paths) {
    if (!p.startsWith('/')) throw invalidInput('paths', p, 'must hold paths that start with "/"')
    if (p.indexOf('*') !== -1 && p.indexOf('*') !== p.length - 1) {
      throw invalidInput('paths', p, 'may only have "*" as the last character of a path')
    }
    if (p.length > MAX_PATH_LENGTH) {
      throw invalidInput(
        'paths',
        `${p.slice(0, 40)}…`,
        `must hold paths of at most ${MAX_PATH_LENGTH} characters`
      )
    }
  }
  const unique = [...new Set(paths)]
  if (unique.length > MAX_PATHS) {
    throw invalidInput(
      'paths',
      `${unique.length} paths`,
      `must hold at most ${MAX_PATHS} paths (CloudFront's limit per request)`
    )
  }
  const wildcards = unique.filter(p => p.endsWith('*')).length
  if (wildcards > MAX_WILDCARDS) {
    throw invalidInput(
      'paths',
      `${wildcards} wildcard paths`,
      `must hold at most ${MAX_WILDCARDS} wildcard paths (CloudFront's limit); use a wider one such as /*`
    )
  }
  return unique
}

function parseRegion(input: string | undefined, env: NodeJS.ProcessEnv): string {
  const fromEnv =
    input === undefined ? ['AWS_REGION', 'AWS_DEFAULT_REGION'].find(v => env[v]) : undefined
  const value = input ?? (fromEnv ? (env[fromEnv] as string) : 'us-east-1')
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(value)) {
    const origin = fromEnv ? ` (taken from ${fromEnv})` : ''
    throw new InputError(
      `Input 'region'${origin} must be an AWS region such as eu-west-1, got '${value}'.`
    )
  }
  return value
}

function parseRole(raw: RawInputs, runId: string | undefined): RoleConfig | undefined {
  const durationSeconds = parseInteger(
    'role-duration-seconds',
    raw['role-duration-seconds'] ?? defaultOf('role-duration-seconds'),
    900,
    43200
  )
  const arn = raw['role-to-assume']
  if (arn === undefined) {
    for (const name of ['web-identity-token', 'role-session-name'] as const) {
      if (raw[name] !== undefined) {
        throw new InputError(
          `Input '${name}' is set but 'role-to-assume' is not: set the role to assume.`
        )
      }
    }
    return undefined
  }
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(arn)) {
    throw invalidInput(
      'role-to-assume',
      arn,
      'must be an IAM role ARN such as arn:aws:iam::123456789012:role/site-deployer'
    )
  }
  const run = runId ?? String(Date.now())
  const sessionName = raw['role-session-name'] ?? `s3-cloudfront-deploy-${run}`.slice(0, 64)
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw invalidInput('role-session-name', sessionName, 'must be 2-64 letters, digits or +=,.@_-')
  }
  // The token is never matched against a pattern: an error message must not echo it.
  return { arn, sessionName, durationSeconds, webIdentityToken: raw['web-identity-token'] }
}

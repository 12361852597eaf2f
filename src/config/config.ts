import * as path from 'node:path'
import { defaultOf, type InputName } from './inputs'
import { InputError, invalidInput } from './input-error'
import type { RawInputs } from './read'
import { MAX_PATHS } from '../plan/fold'
import { createFilter } from '../plan/filter'
import { checkCacheControl, checkContentType, parseRules } from '../plan/rules'
import { checkEncoding, type CompressionConfig } from '../plan/compress'
import { globMatcher, parseGlobs } from '../plan/match'
import type { HeaderRules } from '../plan/headers'
import type { ObjectSettings } from '../plan/types'
import { leaseSettings, MIN_LEASE_SECONDS, type LeaseSettings } from '../plan/lease'
import { parseBoolean, parseChoice, parseDuration, parseInteger } from './parse'
import { parseReleases, type ReleaseConfig } from './releases'
import { OUTSIDE_SYMLINKS } from './choices'
import { parseDistributionIds, parsePaths } from './cloudfront'
import {
  checkKeyLength,
  lockKeyFor,
  parseManifestKey,
  parsePrefix,
  parseEndpoint,
  parseSettings,
  validateBucket
} from './bucket'

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
  outsideSymlinks: (typeof OUTSIDE_SYMLINKS)[number]
  region: string
  /** An S3-compatible store's URL, for S3 requests only; undefined: the SDK's chain. */
  endpoint: string | undefined
  pathStyle: boolean
  concurrency: number
  outputsFile: string | undefined
  /** Absolute path of the JSON report of what changed (changes-file); undefined: none. */
  changesFile: string | undefined
  /** Set when a role is to be assumed with a web identity token. */
  role: RoleConfig | undefined
  /** include/exclude: whether a path relative to the source is synced. */
  inScope: (relPath: string) => boolean
  /** The include and exclude globs as given, for messages. */
  filters: { include: string[]; exclude: string[] }
  rules: HeaderRules
  /** `compress` rules and `precompressed`: how files are stored (plan/compress.ts). */
  compression: CompressionConfig
  settings: ObjectSettings
  /** Full key of the manifest (prefix + manifest-key). */
  manifestKey: string
  /** Full key of the lease object beside it: the manifest key's stem + `.lock`. */
  lockKey: string
  /** How long to wait for another deploy's lock; 0: not at all. */
  lockTimeoutSeconds: number
  /** False: deploy without a lock, for a store that does not honour conditional writes. */
  lock: boolean
  lease: LeaseSettings
  /** Release mode, or a rollback; undefined: a deploy as without it. */
  release: ReleaseConfig | undefined
}

export interface RoleConfig {
  arn: string
  sessionName: string
  durationSeconds: number
  /** Undefined: ask the platform (GitHub's OIDC token). Never printed. */
  webIdentityToken: string | undefined
}

const MAX_CONCURRENCY = 256

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
  const wait = parseWait(raw, get)
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
    ...wait,
    outsideSymlinks: parseChoice('outside-symlinks', get('outside-symlinks'), OUTSIDE_SYMLINKS),
    region: parseRegion(raw.region, env),
    endpoint: raw.endpoint === undefined ? undefined : parseEndpoint(raw.endpoint),
    pathStyle: parseBoolean('path-style', get('path-style')),
    concurrency: parseInteger('concurrency', get('concurrency'), 1, MAX_CONCURRENCY),
    outputsFile:
      raw['outputs-file'] === undefined ? undefined : path.resolve(cwd, raw['outputs-file']),
    changesFile:
      raw['changes-file'] === undefined ? undefined : path.resolve(cwd, raw['changes-file']),
    role: parseRole(raw, runId),
    inScope: parseFilter(get('include'), get('exclude')),
    filters: {
      include: parseGlobs(get('include')).map(g => g.pattern),
      exclude: parseGlobs(get('exclude')).map(g => g.pattern)
    },
    rules: {
      cacheControl: parseRules('cache-control', get('cache-control'), checkCacheControl),
      contentType: parseRules('content-type', get('content-type'), checkContentType)
    },
    compression: {
      rules: parseRules('compress', get('compress'), checkEncoding),
      precompressed: parseBoolean('precompressed', get('precompressed'))
    },
    settings: parseSettings(raw),
    manifestKey,
    lockKey,
    lockTimeoutSeconds: parseInteger('lock-timeout', get('lock-timeout'), 0, 24 * 3600),
    lock: parseBoolean('lock', get('lock')),
    lease: leaseSettings(
      parseInteger('lock-lease', get('lock-lease'), MIN_LEASE_SECONDS, 15 * 60) * 1000
    ),
    release: parseReleases(raw, get)
  }
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

/**
 * wait, and what bounds it: a timeout set without `wait: true` would mean nothing (the step
 * does not wait), and is refused as keep-removed-assets is without delete. The action's own
 * default, which GitHub's runner passes for every step, is not "set".
 */
function parseWait(
  raw: RawInputs,
  get: (name: InputName) => string
): Pick<DeployConfig, 'wait' | 'waitTimeoutSeconds' | 'failOnWaitTimeout'> {
  const wait = parseBoolean('wait', get('wait'))
  const waitTimeoutSeconds = parseInteger('wait-timeout', get('wait-timeout'), 1, 24 * 3600)
  const failOnWaitTimeout = parseBoolean('fail-on-wait-timeout', get('fail-on-wait-timeout'))
  if (!wait) {
    const defaultTimeout = Number(defaultOf('wait-timeout'))
    const given =
      raw['wait-timeout'] !== undefined && waitTimeoutSeconds !== defaultTimeout
        ? 'wait-timeout'
        : failOnWaitTimeout
          ? 'fail-on-wait-timeout'
          : undefined
    if (given) {
      throw new InputError(
        `Input '${given}' needs 'wait: true': it applies to waiting for the invalidation, and without wait the step does not wait.`
      )
    }
  }
  return { wait, waitTimeoutSeconds, failOnWaitTimeout }
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
    const durationSet = durationSeconds !== Number(defaultOf('role-duration-seconds'))
    for (const name of [
      'web-identity-token',
      'role-session-name',
      'role-duration-seconds'
    ] as const) {
      if (name === 'role-duration-seconds' ? durationSet : raw[name] !== undefined) {
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

import { headersDigest } from '../../src/plan/headers'
import type { ObjectHeaders, SourceFile } from '../../src/plan/types'
import type { DeployConfig } from '../../src/config/config'
import { DEFAULT_LEASE } from '../../src/plan/lease'

/** A SourceFile as the scanner would make it. */
export function sourceFile(
  key: string,
  md5: string,
  size = 10,
  headers: Partial<ObjectHeaders> = {}
): SourceFile {
  const h: ObjectHeaders = { contentType: 'text/plain; charset=utf-8', ...headers }
  return {
    key,
    relPath: key,
    absPath: `/src/${key}`,
    size,
    md5,
    headers: h,
    headersDigest: headersDigest(h)
  }
}

/** The config parseConfig gives for no optional input, around `source` and `bucket`. */
export function baseConfig(source: string, overrides: Partial<DeployConfig> = {}): DeployConfig {
  return {
    source,
    bucket: 'bucket',
    prefix: '',
    distributionIds: ['E1ABCDEFGH'],
    paths: undefined,
    invalidationMaxPaths: 15,
    delete: true,
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
    concurrency: 4,
    outputsFile: undefined,
    changesFile: undefined,
    role: undefined,
    inScope: () => true,
    filters: { include: [], exclude: [] },
    rules: { cacheControl: [], contentType: [] },
    compression: { rules: [], precompressed: false },
    settings: {},
    manifestKey: '.s3-cloudfront-deploy.json',
    lockKey: '.s3-cloudfront-deploy.lock',
    lockTimeoutSeconds: 600,
    lock: true,
    lease: DEFAULT_LEASE,
    release: undefined,
    ...overrides
  }
}

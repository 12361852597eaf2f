import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'

const exec = promisify(execFile)

/** Dummy credentials and the endpoint: what both the aws CLI and the action get. */
export function awsEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    AWS_ACCESS_KEY_ID: 'testing-access-key',
    AWS_SECRET_ACCESS_KEY: 'testing-secret-key-do-not-log',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: endpoint,
    AWS_EC2_METADATA_DISABLED: 'true'
  }
}

/** The aws CLI (not the project's code) checks what landed. Returns parsed JSON, or null for no output. */
export async function aws(endpoint: string, ...args: string[]): Promise<any> {
  const { stdout } = await exec('aws', [...args, '--output', 'json'], {
    env: { ...cleanEnv(), ...awsEnv(endpoint) },
    maxBuffer: 64 * 1024 * 1024
  })
  return stdout.trim() === '' ? null : JSON.parse(stdout)
}

/** The test process's environment without anything CI- or AWS-specific that could leak in. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(AWS_|INPUT_|GITHUB_|GITLAB_|CI_|RUNNER_|ACTIONS_)/.test(k) || k === 'CI') continue
    env[k] = v
  }
  return env
}

export async function createBucket(endpoint: string, bucket: string): Promise<void> {
  await aws(endpoint, 's3api', 'create-bucket', '--bucket', bucket)
}

export async function createDistribution(
  endpoint: string,
  originPath = '',
  domainName = 'site.s3.amazonaws.com',
  aliases: string[] = []
): Promise<string> {
  const config = {
    CallerReference: `test-${Date.now()}-${Math.random()}`,
    Comment: '',
    Enabled: true,
    ...(aliases.length > 0 ? { Aliases: { Quantity: aliases.length, Items: aliases } } : {}),
    Origins: {
      Quantity: 1,
      Items: [{ Id: 'site', DomainName: domainName, OriginPath: originPath }]
    },
    DefaultCacheBehavior: { TargetOriginId: 'site', ViewerProtocolPolicy: 'allow-all' }
  }
  const out = await aws(
    endpoint,
    'cloudfront',
    'create-distribution',
    '--distribution-config',
    JSON.stringify(config)
  )
  return out.Distribution.Id as string
}

/** The distribution's own `*.cloudfront.net` domain, as the aws CLI reports it. */
export async function distributionDomain(endpoint: string, id: string): Promise<string> {
  const out = await aws(endpoint, 'cloudfront', 'get-distribution', '--id', id)
  return out.Distribution.DomainName as string
}

export interface ListedObject {
  Key: string
  ETag: string
  Size: number
  LastModified: string
}

/** The action's state object, kept next to the site (see manifest-key). */
export const MANIFEST = '.s3-cloudfront-deploy.json'
/** Its lease object, beside it while a deploy holds the lock. */
export const LEASE = '.s3-cloudfront-deploy.lock'

/** The site's objects, sorted; the manifest only when asked for. */
export async function listObjects(
  endpoint: string,
  bucket: string,
  options: { withManifest?: boolean } = {}
): Promise<ListedObject[]> {
  const out = await aws(endpoint, 's3api', 'list-objects-v2', '--bucket', bucket)
  return ((out?.Contents ?? []) as ListedObject[])
    .filter(o => options.withManifest || !o.Key.endsWith(MANIFEST))
    .sort((a, b) => a.Key.localeCompare(b.Key))
}

export async function headObject(endpoint: string, bucket: string, key: string): Promise<any> {
  return aws(endpoint, 's3api', 'head-object', '--bucket', bucket, '--key', key)
}

export async function getObjectBytes(
  endpoint: string,
  bucket: string,
  key: string,
  file: string
): Promise<void> {
  await aws(endpoint, 's3api', 'get-object', '--bucket', bucket, '--key', key, file)
}

export async function listInvalidations(
  endpoint: string,
  distributionId: string
): Promise<{ Id: string }[]> {
  const out = await aws(
    endpoint,
    'cloudfront',
    'list-invalidations',
    '--distribution-id',
    distributionId
  )
  return out?.InvalidationList?.Items ?? []
}

export async function getInvalidationPaths(
  endpoint: string,
  distributionId: string,
  id: string
): Promise<string[]> {
  const out = await aws(
    endpoint,
    'cloudfront',
    'get-invalidation',
    '--distribution-id',
    distributionId,
    '--id',
    id
  )
  return out.Invalidation.InvalidationBatch.Paths.Items as string[]
}

/** `aws s3 cp --recursive`: the site (not the manifest) into a folder, to compare byte for byte. */
export async function downloadAll(endpoint: string, bucket: string, dir: string): Promise<void> {
  await exec(
    'aws',
    ['s3', 'cp', '--recursive', '--quiet', '--exclude', `*${MANIFEST}`, `s3://${bucket}/`, dir],
    {
      env: { ...cleanEnv(), ...awsEnv(endpoint) }
    }
  )
}

/** Every object of the site (the state object aside), key → content, as the bucket serves it. */
export async function bucketContents(
  endpoint: string,
  bucket: string
): Promise<Record<string, string>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bucket-'))
  await downloadAll(endpoint, bucket, dir)
  const out: Record<string, string> = {}
  const walk = async (folder: string): Promise<void> => {
    for (const e of await readdir(folder, { withFileTypes: true })) {
      const abs = path.join(folder, e.name)
      if (e.isDirectory()) await walk(abs)
      else out[path.relative(dir, abs).split(path.sep).join('/')] = await readFile(abs, 'utf8')
    }
  }
  await walk(dir)
  return out
}

/**
 * What a refused deploy must leave as it was: every object (the state object and any lease
 * too, with ETag and time), and the distribution's invalidations and ETag.
 */
export async function bucketAndDistribution(
  endpoint: string,
  bucket: string,
  distribution: string
) {
  const info = await aws(endpoint, 'cloudfront', 'get-distribution', '--id', distribution)
  return {
    objects: await listObjects(endpoint, bucket, { withManifest: true }),
    invalidations: await listInvalidations(endpoint, distribution),
    distributionETag: info.ETag as string
  }
}

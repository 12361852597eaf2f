import {
  CloudFrontKeyValueStoreClient,
  ConflictException,
  DescribeKeyValueStoreCommand,
  GetKeyCommand,
  PutKeyCommand,
  ResourceNotFoundException,
  type CloudFrontKeyValueStoreClientConfig
} from '@aws-sdk/client-cloudfront-keyvaluestore'
// The KVS API is signed with SigV4A only. This registers the pure-JS signer with
// @smithy/signature-v4, whose SignatureV4MultiRegion (the client's signer) picks it for the
// region set '*'; the native CRT signer is never loaded. npm keeps one @smithy/signature-v4, so
// the bundle carries one container and the registration reaches the client.
import '@aws-sdk/signature-v4a'
import { attempt } from './step-error'
import { RELEASE_ID } from '../plan/release-route'
import { MAX_ATTEMPTS, type ClientOptions } from './clients'

type EndpointProvider = NonNullable<CloudFrontKeyValueStoreClientConfig['endpointProvider']>

/** What the KVS endpoint rules give for its API: SigV4A, service name, every region. */
const KVS_AUTH = {
  authSchemes: [
    { name: 'sigv4a', signingName: 'cloudfront-keyvaluestore', signingRegionSet: ['*'] }
  ]
}

/**
 * The client for a store's keys. Its endpoint comes from the SDK's configuration as for the other
 * clients: `AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE`, else `AWS_ENDPOINT_URL`, else the config
 * file. The service's endpoint rules put the account ID of the store's ARN in front of a custom
 * endpoint's host (`http://123456789012.127.0.0.1:4566`, which is no URL), so a custom endpoint is
 * used as given, signed as the rules sign the real one; without one, the rules apply
 * (`https://<account>.cloudfront-kvs.global.api.aws`).
 *
 * No `endpoint` option: one in the client's config also reaches the choice of signer, which runs
 * the service's rules on it and fails on that URL. A configured endpoint does not.
 */
export function createKvsClient(
  options: Pick<ClientOptions, 'region' | 'credentials'>
): CloudFrontKeyValueStoreClient {
  const client = new CloudFrontKeyValueStoreClient({
    region: options.region,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'standard'
  })
  // The SDK reads the provider from the resolved config on each request; the rules' own provider
  // is only resolved inside the client, so it is wrapped here rather than passed in.
  const rules = client.config.endpointProvider as EndpointProvider
  client.config.endpointProvider = ((params, context) =>
    params.Endpoint
      ? { url: new URL(params.Endpoint), properties: KVS_AUTH }
      : rules(params, context)) as EndpointProvider
  return client
}

/** A switch refused because the store changed since its ETag was read. */
export class ReleaseConflictError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ReleaseConflictError'
  }
}

const operation = (arn: string, what: string, action: string) => ({
  what,
  permission: `cloudfront-keyvaluestore:${action}`,
  resource: arn
})

/** The store's current version (ETag), which a write must name in `If-Match`. */
export async function describeStore(
  client: CloudFrontKeyValueStoreClient,
  arn: string
): Promise<{ etag: string; itemCount: number }> {
  const out = await attempt(
    operation(arn, `Failed to read the KeyValueStore ${arn}`, 'DescribeKeyValueStore'),
    client.send(new DescribeKeyValueStoreCommand({ KvsARN: arn }))
  )
  if (!out.ETag) throw new Error(`The KeyValueStore ${arn} answered without an ETag`)
  return { etag: out.ETag, itemCount: out.ItemCount ?? 0 }
}

/**
 * The live release of the site at `key`, or undefined when it has none yet. GetKey answers
 * ResourceNotFound for a missing store too: describe the store first to tell them apart.
 */
export async function liveRelease(
  client: CloudFrontKeyValueStoreClient,
  arn: string,
  key: string
): Promise<string | undefined> {
  try {
    const out = await client.send(new GetKeyCommand({ KvsARN: arn, Key: key }))
    return out.Value
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return undefined
    return attempt(
      operation(arn, `Failed to read key '${key}' of the KeyValueStore ${arn}`, 'GetKey'),
      Promise.reject(err)
    )
  }
}

/**
 * Makes `release` the live release of the site at `key` with one conditional write: PutKey with
 * `If-Match` = the ETag read before, so a store changed in between (another deploy's switch, a
 * rollback, a hand edit) refuses the write and nothing is switched. Returns the store's new ETag.
 */
export async function switchRelease(
  client: CloudFrontKeyValueStoreClient,
  target: { arn: string; key: string; release: string; etag: string },
  signal?: AbortSignal
): Promise<string> {
  const { arn, key, release, etag } = target
  if (!RELEASE_ID.test(release)) throw new Error(`Not a release id: '${release}'`)
  const what = `Failed to make release ${release} live at '${key}' in the KeyValueStore ${arn}`
  try {
    const out = await client.send(
      new PutKeyCommand({ KvsARN: arn, Key: key, Value: release, IfMatch: etag }),
      { abortSignal: signal }
    )
    if (!out.ETag) throw new Error(`The KeyValueStore ${arn} answered without an ETag`)
    return out.ETag
  } catch (err) {
    if (err instanceof ConflictException) {
      throw new ReleaseConflictError(
        `${what}: the store changed since it was read (ETag ${etag}), by another deploy, a rollback or an edit. Nothing was switched; the live release is what that change made it.`
      )
    }
    return attempt(operation(arn, what, 'PutKey'), Promise.reject(err))
  }
}

/** Tries of a compare-and-swap: other sites' switches in the same store change its ETag. */
const SWAP_ATTEMPTS = 5

/**
 * Switches the site at `key` from release `from` (undefined: no live release yet) to `to`, only
 * if `from` is still live: the store's ETag covers every key, so a write to another site's key
 * (a preview deployed at the same time) also refuses a PutKey; then the ETag and the key are
 * read again, and the switch is tried again while the key still holds `from`. A key that changed
 * is refused with ReleaseConflictError, naming what is live now. Returns the store's new ETag.
 */
export async function swapRelease(
  client: CloudFrontKeyValueStoreClient,
  target: { arn: string; key: string; from: string | undefined; to: string },
  /** The lease's: a deploy that lost its lock switches nothing. */
  signal?: AbortSignal
): Promise<string> {
  const { arn, key, from, to } = target
  for (let attempt = 1; ; attempt++) {
    const { etag } = await describeStore(client, arn)
    const live = await liveRelease(client, arn, key)
    if (live !== from) {
      throw new ReleaseConflictError(
        `Not making release ${to} live at '${key}' in the KeyValueStore ${arn}: ${live ? `release ${live}` : 'no release'} is live there now, not ${from ? `release ${from}` : 'none'} as when this deploy began (another deploy or a rollback switched it). Nothing was switched.`
      )
    }
    try {
      return await switchRelease(client, { arn, key, release: to, etag }, signal)
    } catch (err) {
      if (!(err instanceof ReleaseConflictError) || attempt >= SWAP_ATTEMPTS) throw err
    }
  }
}

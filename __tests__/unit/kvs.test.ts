import { mockClient } from 'aws-sdk-client-mock'
import {
  AccessDeniedException,
  CloudFrontKeyValueStoreClient,
  PutKeyCommand
} from '@aws-sdk/client-cloudfront-keyvaluestore'
import {
  createKvsClient,
  describeStore,
  liveRelease,
  ReleaseConflictError,
  switchRelease
} from '../../src/aws/kvs'
import { KVS_ARN, startLocalKvs, type LocalKvs } from '../helpers/local-kvs'

const credentials = { accessKeyId: 'testing-access-key', secretAccessKey: 'testing-secret-key' }
const ENV = 'AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE'

let kvs: LocalKvs
const saved = process.env[ENV]
beforeEach(async () => {
  kvs = await startLocalKvs()
  process.env[ENV] = kvs.url
})
afterEach(async () => {
  if (saved === undefined) delete process.env[ENV]
  else process.env[ENV] = saved
  await kvs.close()
})

test('the real client, SigV4A-signed, reads the ETag, switches with If-Match and reads back', async () => {
  // The endpoint comes from AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE, as for the other clients.
  const client = createKvsClient({ region: 'eu-west-1', credentials })
  const { etag } = await describeStore(client, KVS_ARN)
  expect(etag).toBe(kvs.etag())
  expect(await liveRelease(client, KVS_ARN, '/')).toBeUndefined()

  const next = await switchRelease(client, { arn: KVS_ARN, key: '/', release: 'R1', etag })
  expect(next).toBe(kvs.etag())
  expect(next).not.toBe(etag)
  expect(kvs.data.get('/')).toBe('R1')
  expect(await liveRelease(client, KVS_ARN, '/')).toBe('R1')

  expect(kvs.requests.map(r => r.operation)).toEqual([
    'DescribeKeyValueStore',
    'GetKey',
    'PutKey',
    'GetKey'
  ])
  for (const r of kvs.requests) {
    expect(r).toMatchObject({ algorithm: 'AWS4-ECDSA-P256-SHA256', regionSet: '*' })
  }
})

test('a switch after the store changed is refused as a conflict, and changes nothing', async () => {
  const client = createKvsClient({ region: 'us-east-1', credentials })
  const { etag } = await describeStore(client, KVS_ARN)
  await switchRelease(client, { arn: KVS_ARN, key: '/pr-7/', release: 'A', etag })

  const stale = switchRelease(client, { arn: KVS_ARN, key: '/pr-7/', release: 'B', etag })
  await expect(stale).rejects.toThrow(ReleaseConflictError)
  await expect(stale).rejects.toThrow(/store changed since it was read .*Nothing was switched/)
  expect(kvs.data.get('/pr-7/')).toBe('A')
})

test('AWS_ENDPOINT_URL serves the KVS client too when it has no endpoint of its own', async () => {
  const global = process.env.AWS_ENDPOINT_URL
  delete process.env[ENV]
  process.env.AWS_ENDPOINT_URL = kvs.url
  try {
    const client = createKvsClient({ region: 'us-east-1', credentials })
    expect((await describeStore(client, KVS_ARN)).etag).toBe(kvs.etag())
  } finally {
    if (global === undefined) delete process.env.AWS_ENDPOINT_URL
    else process.env.AWS_ENDPOINT_URL = global
  }
})

test("why: the service's own rules put the account ID in front of a custom endpoint's host", async () => {
  const rules = new CloudFrontKeyValueStoreClient({ region: 'us-east-1' }).config.endpointProvider
  // `http://123456789012.127.0.0.1:<port>`: a host that ends in a number must be an IPv4
  // address, and this one is not, so no URL can be made of it.
  const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined)
  expect(() => rules({ KvsARN: KVS_ARN, Endpoint: kvs.url, UseFIPS: false })).toThrow('Invalid URL')
  expect(String(logged.mock.calls[0]?.[0])).toContain('http://123456789012.127.0.0.1:')
  logged.mockRestore()
  // Without a custom endpoint the rules stay in charge: the store's global endpoint, SigV4A.
  delete process.env[ENV]
  const client = createKvsClient({ region: 'us-east-1', credentials })
  const real = client.config.endpointProvider({ KvsARN: KVS_ARN, Region: 'us-east-1' })
  expect(real.url.href).toBe('https://123456789012.cloudfront-kvs.global.api.aws/')
  expect(real.properties?.authSchemes).toEqual([
    { name: 'sigv4a', signingName: 'cloudfront-keyvaluestore', signingRegionSet: ['*'] }
  ])
})

test('the local KVS refuses a request that is not SigV4A-signed', async () => {
  const res = await fetch(`${kvs.url}/key-value-stores/${encodeURIComponent(KVS_ARN)}`, {
    headers: {
      authorization:
        'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/cloudfront-keyvaluestore/aws4_request'
    }
  })
  expect(res.status).toBe(403)
  expect(res.headers.get('x-amzn-errortype')).toBe('AccessDeniedException')
})

test('a release id that is no path segment is refused before any request', async () => {
  const client = createKvsClient({ region: 'us-east-1', credentials })
  for (const release of ['', '../x', 'a/b', '-x']) {
    await expect(
      switchRelease(client, { arn: KVS_ARN, key: '/', release, etag: 'E1' })
    ).rejects.toThrow(`Not a release id: '${release}'`)
  }
  expect(kvs.requests).toEqual([])
})

test('a refused write names the permission it needs and the store', async () => {
  const client = createKvsClient({ region: 'us-east-1', credentials })
  const mock = mockClient(client)
  mock
    .on(PutKeyCommand)
    .rejects(
      new AccessDeniedException({ message: 'not allowed', $metadata: { httpStatusCode: 403 } })
    )
  const put = switchRelease(client, { arn: KVS_ARN, key: '/', release: 'R2', etag: 'E1' })
  await expect(put).rejects.toThrow(/Failed to make release R2 live at '\/'/)
  await expect(put).rejects.toThrow('cloudfront-keyvaluestore:PutKey')
  await expect(put).rejects.toThrow(KVS_ARN)
  mock.restore()
})

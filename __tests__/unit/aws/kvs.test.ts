import { mockClient } from 'aws-sdk-client-mock'
import {
  AccessDeniedException,
  CloudFrontKeyValueStoreClient,
  PutKeyCommand,
  UpdateKeysCommand
} from '@aws-sdk/client-cloudfront-keyvaluestore'
import {
  createKvsClient,
  describeStore,
  liveRelease,
  ReleaseConflictError,
  swapRelease,
  switchRelease
} from '../../../src/aws/kvs'
import { KVS_ARN, startLocalKvs, type LocalKvs } from '../../helpers/local-kvs'

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

test("a swap goes through another site's switch, and refuses when its own key changed", async () => {
  const client = createKvsClient({ region: 'us-east-1', credentials })
  const arn = KVS_ARN
  expect(await swapRelease(client, { arn, key: '/', from: undefined, to: 'R1' })).toBe(kvs.etag())

  // Another site's deploy writes between this one's read of the ETag and its PutKey.
  const send = client.send.bind(client)
  let other = true
  jest.spyOn(client, 'send').mockImplementation((async (command: unknown) => {
    if (command instanceof PutKeyCommand && other) {
      other = false
      const { etag } = await describeStore(client, arn)
      await switchRelease(client, { arn, key: '/pr-8/', release: 'P8', etag })
    }
    return send(command as never)
  }) as never)
  await swapRelease(client, { arn, key: '/', from: 'R1', to: 'R2' })
  expect(Object.fromEntries(kvs.data)).toEqual({ '/': 'R2', '/pr-8/': 'P8' })
  const puts = kvs.requests.filter(r => r.operation === 'PutKey').length
  // R1's, the other site's, this one's refused for the ETag, and its second try.
  expect(puts).toBe(4)

  // This site's own key moved on (a rollback, another deploy): refused, nothing written.
  await expect(swapRelease(client, { arn, key: '/', from: 'R1', to: 'R3' })).rejects.toThrow(
    /release R2 is live there now, not release R1 .*Nothing was switched/
  )
  expect(kvs.data.get('/')).toBe('R2')
  expect(kvs.requests.filter(r => r.operation === 'PutKey').length).toBe(puts)
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

test('the local KVS applies UpdateKeys all or nothing, under If-Match, as the API reference says', async () => {
  const client = createKvsClient({ region: 'us-east-1', credentials })
  const { etag } = await describeStore(client, KVS_ARN)
  const out = await client.send(
    new UpdateKeysCommand({
      KvsARN: KVS_ARN,
      IfMatch: etag,
      Puts: [
        { Key: '/', Value: 'R1' },
        { Key: '/pr-7/', Value: 'P1' }
      ]
    })
  )
  expect([out.ItemCount, out.ETag]).toEqual([2, kvs.etag()])

  // One value over 1 KB: nothing of the batch is applied.
  const tooBig = client.send(
    new UpdateKeysCommand({
      KvsARN: KVS_ARN,
      IfMatch: out.ETag,
      Puts: [
        { Key: '/', Value: 'R2' },
        { Key: '/big/', Value: 'x'.repeat(1025) }
      ],
      Deletes: [{ Key: '/pr-7/' }]
    })
  )
  await expect(tooBig).rejects.toMatchObject({ name: 'ValidationException' })
  // A stale ETag: refused as a conflict.
  const stale = client.send(
    new UpdateKeysCommand({ KvsARN: KVS_ARN, IfMatch: etag, Deletes: [{ Key: '/' }] })
  )
  await expect(stale).rejects.toMatchObject({ name: 'ConflictException' })
  expect(Object.fromEntries(kvs.data)).toEqual({ '/': 'R1', '/pr-7/': 'P1' })
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

/** The real SDK clients as configured by the action, against small local HTTP endpoints. */
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHash } from 'node:crypto'
import { setFlagsFromString } from 'node:v8'
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { createCloudFrontClient, createS3Client } from '../../../src/aws/clients'
import { explainAwsError } from '../../../src/aws/explain'

const LIST_OK =
  '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>'

async function serve(
  handler: http.RequestListener
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler)
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise(r => {
        server.closeAllConnections()
        server.close(() => r())
      })
  }
}

const client = (endpoint: string, region = 'us-east-1') =>
  createS3Client({
    region,
    endpoint,
    concurrency: 4,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    timeouts: { connectionMs: 1000, socketMs: 300 }
  })

test("the clients' config keeps V8's fast properties, which the SDK copies four times a request", async () => {
  setFlagsFromString('--allow-natives-syntax')
  const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (
    o: object
  ) => boolean
  // What the SDK leaves on its own: the reason for the action's step.
  expect(hasFastProperties(new S3Client({ region: 'us-east-1' }).config)).toBe(false)
  const cloudFront = createCloudFrontClient({ region: 'us-east-1', concurrency: 4 })
  expect(hasFastProperties(cloudFront.config)).toBe(true)
  const server = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/xml' }).end(LIST_OK)
  })
  try {
    const s3 = client(server.url)
    expect(hasFastProperties(s3.config)).toBe(true)
    await s3.send(new ListObjectsV2Command({ Bucket: 'b' }))
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' }))
    expect(hasFastProperties(s3.config)).toBe(true)
  } finally {
    await server.close()
  }
})

test('a hung connection is dropped after the socket timeout and the request retried', async () => {
  let requests = 0
  const server = await serve((_req, res) => {
    if (++requests === 1) return // never answer the first request
    res.writeHead(200, { 'content-type': 'application/xml' }).end(LIST_OK)
  })
  try {
    const started = Date.now()
    const result = await client(server.url).send(new ListObjectsV2Command({ Bucket: 'b' }))
    expect(result.KeyCount).toBe(0)
    expect(requests).toBe(2)
    expect(Date.now() - started).toBeLessThan(5000)
  } finally {
    await server.close()
  }
})

test('503 SlowDown and connection resets are retried by the SDK', async () => {
  let requests = 0
  const server = await serve((req, res) => {
    requests++
    if (requests === 1) return void req.socket.destroy()
    if (requests === 2) {
      return void res
        .writeHead(503, { 'content-type': 'application/xml' })
        .end(
          '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>'
        )
    }
    res.writeHead(200, { 'content-type': 'application/xml' }).end(LIST_OK)
  })
  try {
    await expect(
      client(server.url).send(new ListObjectsV2Command({ Bucket: 'b' }))
    ).resolves.toBeDefined()
    expect(requests).toBe(3)
  } finally {
    await server.close()
  }
})

test('a bucket in another region: the error says which region it is in', async () => {
  const server = await serve((_req, res) => {
    res
      .writeHead(301, { 'x-amz-bucket-region': 'eu-west-1', 'content-type': 'application/xml' })
      .end(
        '<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message><Endpoint>b.s3.eu-west-1.amazonaws.com</Endpoint></Error>'
      )
  })
  try {
    const err = await client(server.url)
      .send(new ListObjectsV2Command({ Bucket: 'my-site' }))
      .catch(e => e)
    const op = {
      what: 'List',
      permission: 's3:ListBucket',
      resource: 'arn:aws:s3:::my-site',
      bucket: 'my-site',
      region: 'us-east-1'
    }
    expect(explainAwsError(err, op)).toBe(
      "bucket 'my-site' is in region eu-west-1, not us-east-1 (PermanentRedirect). Set the 'region' input (or AWS_REGION) to eu-west-1."
    )
  } finally {
    await server.close()
  }
})

test('an upload with Content-MD5 signs UNSIGNED-PAYLOAD (S3 checks the MD5); other requests sign their payload', async () => {
  const seen: Record<string, string | undefined>[] = []
  const server = await serve((req, res) => {
    seen.push({
      method: req.method,
      sha256: req.headers['x-amz-content-sha256'] as string | undefined,
      md5: req.headers['content-md5'] as string | undefined
    })
    req.resume()
    req.on('end', () => {
      if (req.method === 'PUT') res.writeHead(200, { etag: '"e"' }).end()
      else res.writeHead(200, { 'content-type': 'application/xml' }).end(LIST_OK)
    })
  })
  try {
    const s3 = createS3Client({
      region: 'us-east-1',
      endpoint: server.url,
      concurrency: 4,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      cacheMiddleware: true
    })
    const body = Buffer.from('hello')
    const md5 = createHash('md5').update(body).digest('base64')
    for (let i = 0; i < 2; i++) {
      await s3.send(
        new PutObjectCommand({ Bucket: 'b', Key: `k${i}`, Body: body, ContentMD5: md5 })
      )
    }
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'plain', Body: body }))
    await s3.send(new ListObjectsV2Command({ Bucket: 'b' }))
    expect(seen).toEqual([
      { method: 'PUT', sha256: 'UNSIGNED-PAYLOAD', md5 },
      { method: 'PUT', sha256: 'UNSIGNED-PAYLOAD', md5 },
      { method: 'PUT', sha256: createHash('sha256').update(body).digest('hex'), md5: undefined },
      { method: 'GET', sha256: createHash('sha256').update('').digest('hex'), md5: undefined }
    ])
  } finally {
    await server.close()
  }
})
